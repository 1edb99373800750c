using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Hosting;

/// <summary>
/// Audit log downloads: the entries matching a filter (the <c>/audit</c> page's query parameters, see
/// <see cref="AuditLogFilter.Keys"/>), oldest first, streamed row by row from the store.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>CSV (RFC 4180) download.</summary>
    public const string CsvPath = "/audit/export.csv";

    /// <summary>JSON Lines download.</summary>
    public const string JsonLinesPath = "/audit/export.jsonl";

    /// <summary>Maps <c>GET /audit/export.csv</c> and <c>GET /audit/export.jsonl</c>.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(CsvPath, ExportCsv);
        app.MapGet(JsonLinesPath, ExportJsonLines);
        return app;
    }

    // Internal for tests: the handlers run against a DefaultHttpContext without a server.
    internal static IResult ExportCsv(HttpRequest request, SqliteAuditLog log, AuditStatus status, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        if (Refuse(request, status, out var query) is { } refusal)
        {
            return refusal;
        }
        return TypedResults.Stream(
            async body =>
            {
                // No BOM: RFC 4180 readers and `cut`/`csvkit` take it as part of the first header cell.
                var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    await log.ExportCsvAsync(query, writer, request.HttpContext.RequestAborted).ConfigureAwait(false);
                }
            },
            "text/csv; charset=utf-8",
            FileName(time, "csv"));
    }

    // Internal for tests.
    internal static IResult ExportJsonLines(HttpRequest request, SqliteAuditLog log, AuditStatus status, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        if (Refuse(request, status, out var query) is { } refusal)
        {
            return refusal;
        }
        return TypedResults.Stream(
            body => log.ExportJsonLinesAsync(query, body, request.HttpContext.RequestAborted),
            "application/jsonl; charset=utf-8",
            FileName(time, "jsonl"));
    }

    // A filter that cannot be read is refused rather than widened: an export is evidence, and a silently broader one
    // (the page shows the entries and says which part it ignored) would be wrong without anyone noticing.
    private static ProblemHttpResult? Refuse(HttpRequest request, AuditStatus status, out AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(status);
        var parsed = AuditLogFilter.Parse(request.Query);
        query = parsed.Filter.ToQuery();
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        if (status.Error is { } error)
        {
            return TypedResults.Problem(
                detail: error, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit log is unavailable.");
        }
        if (parsed.Errors.Count > 0)
        {
            return TypedResults.Problem(
                detail: string.Join(" ", parsed.Errors), statusCode: StatusCodes.Status400BadRequest, title: "The filter cannot be read.");
        }
        return null;
    }

    private static string FileName(TimeProvider time, string extension)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"openelb-audit-{now:yyyyMMdd'T'HHmmss'Z'}.{extension}");
    }
}
