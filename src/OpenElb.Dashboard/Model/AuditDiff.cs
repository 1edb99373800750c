using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Model;

/// <summary>How one field changed.</summary>
public enum AuditFieldChangeKind
{
    /// <summary>Absent (or null) before, present after.</summary>
    Added,

    /// <summary>Present before, absent (or null) after.</summary>
    Removed,

    /// <summary>Present on both sides with different values.</summary>
    Changed,

    /// <summary>The same on both sides.</summary>
    Unchanged,

    /// <summary>
    /// Only one side was recorded (a pending entry, or a write that failed before the after-state was known), so
    /// nothing can be said about the change; the recorded side is shown.
    /// </summary>
    NotRecorded,
}

/// <summary>One changed field of an audit entry. Immutable.</summary>
/// <param name="Path">Object keys from the root, e.g. <c>["labels", "openelb.kubesphere.io/rack"]</c>.</param>
/// <param name="Before">The value before as compact JSON (strings unquoted), or null when absent.</param>
/// <param name="After">The value after, likewise.</param>
/// <param name="Kind">How it changed.</param>
public sealed record AuditFieldChange(IReadOnlyList<string> Path, string? Before, string? After, AuditFieldChangeKind Kind)
{
    /// <summary>The path for display, e.g. <c>labels › openelb.kubesphere.io/rack</c> (label keys contain dots, so no dots).</summary>
    public string PathText => Path.Count == 0 ? "(value)" : string.Join(" › ", Path);
}

/// <summary>
/// The before/after diff of an entry's changed fields (<c>BeforeState</c> / <c>AfterState</c>, JSON of the changed
/// fields only). Pure and thread-safe.
/// </summary>
public static class AuditDiff
{
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// One row per leaf field present on either side, in the order they first appear (before, then after). Objects are
    /// walked; arrays and scalars are leaves. JSON null counts as absent (a removed label is written as null). Text that
    /// is not JSON becomes one <c>(value)</c> row. Both sides empty: no rows.
    /// </summary>
    public static IReadOnlyList<AuditFieldChange> Compute(string? before, string? after)
    {
        var beforeLeaves = Leaves(before);
        var afterLeaves = Leaves(after);
        var oneSided = string.IsNullOrWhiteSpace(before) != string.IsNullOrWhiteSpace(after);
        var paths = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in beforeLeaves.Keys.Concat(afterLeaves.Keys))
        {
            if (seen.Add(path))
            {
                paths.Add(Split(path));
            }
        }

        var changes = new List<AuditFieldChange>(paths.Count);
        foreach (var path in paths)
        {
            var key = Join(path);
            beforeLeaves.TryGetValue(key, out var b);
            afterLeaves.TryGetValue(key, out var a);
            var kind = oneSided ? AuditFieldChangeKind.NotRecorded : (b, a) switch
            {
                (null, null) => AuditFieldChangeKind.Unchanged,
                (null, _) => AuditFieldChangeKind.Added,
                (_, null) => AuditFieldChangeKind.Removed,
                _ when string.Equals(b, a, StringComparison.Ordinal) => AuditFieldChangeKind.Unchanged,
                _ => AuditFieldChangeKind.Changed,
            };
            changes.Add(new AuditFieldChange(path, b, a, kind));
        }
        return changes;
    }

    /// <summary>JSON indented for reading; other text unchanged; null for null or empty.</summary>
    public static string? Pretty(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            var node = JsonNode.Parse(text);
            return node is null ? text : node.ToJsonString(new JsonSerializerOptions(s_compact) { WriteIndented = true });
        }
        catch (JsonException)
        {
            return text;
        }
    }

    // Keys joined with a separator that cannot occur in JSON text we get (U+0000), so label keys with dots or slashes
    // stay one segment.
    private const char Separator = '\0';

    private static string Join(IEnumerable<string> path) => string.Join(Separator, path);

    private static string[] Split(string key) => key.Length == 0 ? [] : key.Split(Separator);

    private static Dictionary<string, string?> Leaves(string? text)
    {
        var leaves = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return leaves;
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            leaves[""] = text;
            return leaves;
        }
        Walk(root, [], leaves);
        return leaves;
    }

    private static void Walk(JsonNode? node, List<string> path, Dictionary<string, string?> leaves)
    {
        if (node is JsonObject obj && (obj.Count > 0 || path.Count == 0))
        {
            foreach (var (key, child) in obj)
            {
                path.Add(key);
                Walk(child, path, leaves);
                path.RemoveAt(path.Count - 1);
            }
            return;
        }
        leaves[Join(path)] = node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => node.ToJsonString(s_compact),
        };
    }
}
