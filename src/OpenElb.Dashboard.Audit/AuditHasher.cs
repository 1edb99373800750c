using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace OpenElb.Dashboard.Audit;

/// <summary>
/// Canonical serialization and SHA-256 of chain records. Pure and thread-safe.
/// </summary>
/// <remarks>
/// The canonical form is a compact JSON array of the covered fields in a fixed order, prefixed by a record-type tag
/// with a version (<c>audit-begin/v1</c>, <c>audit-complete/v1</c>): strings as JSON strings (null as null), times as
/// <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, enums by name, the correlation id in <c>D</c> format, the groups as an array.
/// Changing it requires a new tag, never an edit of an existing one.
/// </remarks>
internal static class AuditHasher
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeBeginHash(AuditEntry e)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStringValue("audit-begin/v1");
            w.WriteNumberValue(e.Id);
            w.WriteNumberValue(e.Sequence);
            w.WriteStringValue(e.PreviousHash);
            w.WriteStringValue(e.CorrelationId.ToString("D"));
            w.WriteNumberValue(e.Step);
            w.WriteStringValue(Format(e.RequestedUtc));
            w.WriteStringValue(e.ActorUserName);
            WriteNullable(w, e.ActorDisplayName);
            WriteNullable(w, e.ActorAuthMethod);
            w.WriteStartArray();
            foreach (var group in e.ActorGroups)
            {
                w.WriteStringValue(group);
            }

            w.WriteEndArray();
            WriteNullable(w, e.ImpersonatedUser);
            WriteNullable(w, e.SourceIp);
            WriteNullable(w, e.UserAgent);
            w.WriteStringValue(e.Action.ToString());
            w.WriteStringValue(e.TargetKind);
            WriteNullable(w, e.TargetNamespace);
            w.WriteStringValue(e.TargetName);
            WriteNullable(w, e.TargetUid);
            WriteNullable(w, e.ResourceVersionBefore);
            WriteNullable(w, e.RequestBody);
            WriteNullable(w, e.BeforeState);
            WriteNullable(w, e.DryRunResult);
            WriteNullable(w, e.PredictedImpact);
            WriteNullable(w, e.FieldManager);
            w.WriteEndArray();
        }

        return Hash(buffer.WrittenSpan);
    }

    public static string ComputeCompletionHash(AuditEntry e)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStringValue("audit-complete/v1");
            w.WriteNumberValue(e.Id);
            // Binds the completion to the begin record it completes.
            w.WriteStringValue(e.EntryHash);
            WriteNullable(w, e.CompletionSequence);
            WriteNullable(w, e.CompletionPreviousHash);
            w.WriteStringValue(e.Outcome.ToString());
            if (e.CompletedUtc is { } completed)
            {
                w.WriteStringValue(Format(completed));
            }
            else
            {
                w.WriteNullValue();
            }

            WriteNullable(w, e.HttpStatus);
            WriteNullable(w, e.Message);
            WriteNullable(w, e.ApiAuditId);
            WriteNullable(w, e.ResourceVersionAfter);
            WriteNullable(w, e.AfterState);
            WriteNullable(w, e.ObservedImpact);
            w.WriteEndArray();
        }

        return Hash(buffer.WrittenSpan);
    }

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Format(DateTime value)
        => DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter w, string? value)
    {
        if (value is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStringValue(value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumberValue(v);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
