using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Auth;
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
        app.MapGet(CsvPath, ExportCsv).RequireAuthorization(DashboardPolicies.Viewer);
        app.MapGet(JsonLinesPath, ExportJsonLines).RequireAuthorization(DashboardPolicies.Viewer);
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
            async body =>
            {
                // The store serializes each entry with JsonSerializer.Serialize(Utf8JsonWriter), which flushes to the
                // stream synchronously; Kestrel and the test server refuse synchronous writes. Buffer those and send
                // them on the store's next asynchronous write or flush: one entry (plus a chunk) in memory at a time.
                var buffered = new SyncWriteBufferingStream(body);
                await using (buffered.ConfigureAwait(false))
                {
                    await log.ExportJsonLinesAsync(query, buffered, request.HttpContext.RequestAborted).ConfigureAwait(false);
                    await buffered.FlushAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
                }
            },
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

/// <summary>
/// A write-only stream that takes synchronous writes into a buffer and passes everything on to the inner stream
/// asynchronously (on an asynchronous write once the buffer holds a chunk, and on flush). Not thread-safe; does not
/// own the inner stream.
/// </summary>
internal sealed class SyncWriteBufferingStream(Stream inner) : Stream
{
    private const int ChunkSize = 32 * 1024;
    private readonly MemoryStream _buffer = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _buffer.Write(buffer.Span);
        if (_buffer.Length >= ChunkSize)
        {
            await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // Synchronous flushes (Utf8JsonWriter.Flush) only mark a point; the bytes go out on the next asynchronous call.
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _buffer.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }
        base.Dispose(disposing);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length == 0)
        {
            return;
        }
        await inner.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), cancellationToken).ConfigureAwait(false);
        _buffer.SetLength(0);
    }
}
