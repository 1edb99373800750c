using System.Text.Json;
using k8s;
using k8s.Models;

namespace OpenElb.Dashboard.Kubernetes.FieldManagers;

/// <summary>
/// Reads <c>metadata.managedFields</c>: which manager's <c>fieldsV1</c> set covers a field. Pure and thread-safe.
/// </summary>
internal static class ManagedFieldsMatcher
{
    /// <summary>
    /// The manager of the newest entry (by <c>time</c>; on a tie the later entry) whose field set covers
    /// <paramref name="path"/>, or <c>null</c>.
    /// </summary>
    public static string? FindManager(IEnumerable<V1ManagedFieldsEntry>? entries, string path)
    {
        var segments = ParsePath(path);
        string? manager = null;
        DateTime? newest = null;
        foreach (var entry in entries ?? [])
        {
            if (string.IsNullOrEmpty(entry.Manager) || (entry.FieldsType is { } type && type != "FieldsV1") || entry.FieldsV1 is null)
            {
                continue;
            }
            if (!Covers(AsElement(entry.FieldsV1), segments))
            {
                continue;
            }
            var time = entry.Time ?? DateTime.MinValue;
            if (newest is null || time >= newest)
            {
                newest = time;
                manager = entry.Manager;
            }
        }
        return manager;
    }

    /// <summary>
    /// Turns <c>spec.template.spec.nodeSelector</c> or <c>metadata.labels[example.com/key]</c> into FieldsV1 keys
    /// (<c>f:metadata</c>, <c>f:labels</c>, <c>f:example.com/key</c>). Dots inside brackets belong to the key.
    /// </summary>
    public static IReadOnlyList<string> ParsePath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var segments = new List<string>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"Unclosed '[' in field path '{path}'.");
                }
                segments.Add("f:" + path[(i + 1)..end]);
                i = end + 1;
                continue;
            }
            var next = path.IndexOfAny(['.', '['], i);
            next = next < 0 ? path.Length : next;
            segments.Add("f:" + path[i..next]);
            i = next;
        }
        return segments;
    }

    /// <summary>
    /// Whether <paramref name="fields"/> holds <paramref name="segments"/>, or an ancestor of it as a leaf (<c>{}</c>:
    /// owned whole, as atomic lists and structs are). Owning any key below the path also covers it: a manager that set
    /// one key of a nodeSelector is a manager of that nodeSelector.
    /// </summary>
    public static bool Covers(JsonElement fields, IReadOnlyList<string> segments)
    {
        var current = fields;
        for (var depth = 0; depth < segments.Count; depth++)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            if (current.TryGetProperty(segments[depth], out var child))
            {
                current = child;
                continue;
            }
            return depth > 0 && IsEmptyObject(current);
        }
        return true;
    }

    private static bool IsEmptyObject(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && !element.EnumerateObject().Any();

    private static JsonElement AsElement(object fieldsV1) => fieldsV1 switch
    {
        JsonElement element => element,
        // Built in code rather than decoded: round-trip through the client's own serializer.
        _ => JsonDocument.Parse(KubernetesJson.Serialize(fieldsV1)).RootElement,
    };
}
