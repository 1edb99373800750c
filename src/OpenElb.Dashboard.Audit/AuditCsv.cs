using System.Globalization;
using System.Text;

namespace OpenElb.Dashboard.Audit;

/// <summary>CSV cell encoding (RFC 4180) with formula-injection neutralisation. Pure and thread-safe.</summary>
internal static class AuditCsv
{
    public static readonly string[] Header =
    [
        "Id", "CorrelationId", "Step", "RequestedUtc", "CompletedUtc", "ActorUserName", "ActorDisplayName",
        "ActorAuthMethod", "ActorGroups", "ImpersonatedUser", "SourceIp", "UserAgent", "Action", "TargetKind",
        "TargetNamespace", "TargetName", "TargetUid", "ResourceVersionBefore", "ResourceVersionAfter", "Outcome",
        "HttpStatus", "Message", "ApiAuditId", "RequestBody", "BeforeState", "AfterState", "DryRunResult",
        "PredictedImpact", "ObservedImpact", "FieldManager", "Sequence", "PreviousHash", "EntryHash",
        "CompletionSequence", "CompletionPreviousHash", "CompletionHash",
    ];

    public static IEnumerable<string?> Cells(AuditEntry e)
    {
        yield return Number(e.Id);
        yield return e.CorrelationId.ToString("D");
        yield return Number(e.Step);
        yield return Time(e.RequestedUtc);
        yield return e.CompletedUtc is { } completed ? Time(completed) : null;
        yield return Text(e.ActorUserName);
        yield return Text(e.ActorDisplayName);
        yield return Text(e.ActorAuthMethod);
        yield return Text(string.Join(';', e.ActorGroups));
        yield return Text(e.ImpersonatedUser);
        yield return Text(e.SourceIp);
        yield return Text(e.UserAgent);
        yield return e.Action.ToString();
        yield return Text(e.TargetKind);
        yield return Text(e.TargetNamespace);
        yield return Text(e.TargetName);
        yield return Text(e.TargetUid);
        yield return Text(e.ResourceVersionBefore);
        yield return Text(e.ResourceVersionAfter);
        yield return e.Outcome.ToString();
        yield return e.HttpStatus is { } status ? Number(status) : null;
        yield return Text(e.Message);
        yield return Text(e.ApiAuditId);
        yield return Text(e.RequestBody);
        yield return Text(e.BeforeState);
        yield return Text(e.AfterState);
        yield return Text(e.DryRunResult);
        yield return Text(e.PredictedImpact);
        yield return Text(e.ObservedImpact);
        yield return Text(e.FieldManager);
        yield return Number(e.Sequence);
        yield return e.PreviousHash;
        yield return e.EntryHash;
        yield return e.CompletionSequence is { } sequence ? Number(sequence) : null;
        yield return e.CompletionPreviousHash;
        yield return e.CompletionHash;
    }

    public static void AppendRow(StringBuilder line, IEnumerable<string?> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                line.Append(',');
            }

            first = false;
            AppendQuoted(line, cell);
        }

        // RFC 4180: records end with CRLF.
        line.Append("\r\n");
    }

    // Spreadsheets evaluate a cell starting with = + - @ (and tab / CR, which some strip first) as a formula; a
    // leading apostrophe makes it text. Only free-text cells go through here: numbers, times and hashes never start so.
    internal static string? Text(string? value)
        => value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    internal static void AppendQuoted(StringBuilder line, string? cell)
    {
        if (cell is null)
        {
            return;
        }

        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(cell);
            return;
        }

        line.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTime value)
        => DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
