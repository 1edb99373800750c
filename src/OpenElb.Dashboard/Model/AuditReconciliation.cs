using System.Text.Json;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Drift;

namespace OpenElb.Dashboard.Model;

/// <summary>Decides, for a pending audit entry left by a crash, whether its change reached the cluster.</summary>
public static class AuditReconciliation
{
    /// <summary>
    /// True when the change the entry describes is visible in <paramref name="snapshot"/>; false when it is not or the
    /// target node is gone; null when it cannot tell. The intended state comes from the entry's after-state when one was
    /// recorded, else from the merge patch that was sent (node labels and taints, the speaker nodeSelector).
    /// </summary>
    public static bool? AfterStateObserved(AuditEntry entry, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(snapshot);
        var target = new ObjectRef(entry.TargetKind, entry.TargetNamespace, entry.TargetName);
        if (target.Kind == "Node" && snapshot.FindNode(target.Name) is null)
        {
            return false;
        }
        var fields = Parse(entry.AfterState) is { Count: > 0 } recorded ? recorded : FromPatch(target, entry.RequestBody, snapshot);
        if (fields is null || fields.Count == 0)
        {
            return null;
        }
        foreach (var (path, wanted) in fields)
        {
            if (!ObservedChangeDetector.TryReadField(snapshot, target, path, out var actual))
            {
                return null;
            }
            if (!string.Equals(wanted, actual, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private static Dictionary<string, string?>? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)?.ToDictionary(
                static p => p.Key,
                static p => p.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => p.Value.GetString(),
                    _ => p.Value.GetRawText(),
                },
                StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The fields a merge patch sets, rendered as ObservedChangeDetector renders them; null when the patch touches
    // something this cannot compare (tolerations, affinity: written whole, rendered from typed records).
    private static Dictionary<string, string?>? FromPatch(ObjectRef target, string? body, ClusterSnapshot snapshot)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var part in root.EnumerateObject())
            {
                switch (target.Kind, part.Name)
                {
                    case ("Node", "metadata") when part.Value.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object:
                        foreach (var label in labels.EnumerateObject())
                        {
                            fields[$"metadata.labels[{label.Name}]"] = label.Value.ValueKind == JsonValueKind.Null ? null : label.Value.GetString();
                        }
                        break;
                    case ("Node", "metadata"):
                        break;
                    case ("Node", "spec") when part.Value.TryGetProperty("taints", out var taints):
                        fields["spec.taints"] = RenderTaints(taints);
                        break;
                    case ("DaemonSet", "spec") when NodeSelectorOf(part.Value) is { } selector && snapshot.Speaker is { } speaker:
                        // nodeSelector is merged: the result is the current selector with the patch's keys set or removed.
                        var merged = speaker.Placement.NodeSelector.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);
                        foreach (var pair in selector.EnumerateObject())
                        {
                            if (pair.Value.ValueKind == JsonValueKind.Null)
                            {
                                merged.Remove(pair.Name);
                            }
                            else if (pair.Value.GetString() is not { } value || !speaker.Placement.NodeSelector.TryGetValue(pair.Name, out var current) || current != value)
                            {
                                return new(StringComparer.Ordinal) { ["spec.template.spec.nodeSelector"] = "\u0000not applied" };
                            }
                        }
                        fields["spec.template.spec.nodeSelector"] = merged.Count == 0 ? null : LabelSet.From(merged).ToString();
                        break;
                    case ("DaemonSet", "metadata"):
                        break;
                    default:
                        return null;
                }
            }
            return fields;
        }
    }

    private static JsonElement? NodeSelectorOf(JsonElement spec) =>
        spec.TryGetProperty("template", out var template) && template.TryGetProperty("spec", out var podSpec)
        && podSpec.TryGetProperty("nodeSelector", out var selector) && selector.ValueKind == JsonValueKind.Object
        && podSpec.EnumerateObject().Count() == 1 && template.EnumerateObject().Count() == 1 && spec.EnumerateObject().Count() == 1
            ? selector
            : null;

    private static string? RenderTaints(JsonElement taints)
    {
        if (taints.ValueKind is JsonValueKind.Null || taints.ValueKind == JsonValueKind.Array && taints.GetArrayLength() == 0)
        {
            return null;
        }
        if (taints.ValueKind != JsonValueKind.Array)
        {
            return "\u0000unreadable";
        }
        var rendered = new List<string>();
        foreach (var taint in taints.EnumerateArray())
        {
            var key = taint.TryGetProperty("key", out var k) ? k.GetString() ?? "" : "";
            var value = taint.TryGetProperty("value", out var v) ? v.GetString() ?? "" : "";
            var effect = taint.TryGetProperty("effect", out var e) ? e.GetString() ?? "" : "";
            if (!Enum.TryParse<TaintEffect>(effect, out var parsed))
            {
                return "\u0000unreadable";
            }
            rendered.Add(new Taint(key, value, parsed).ToString());
        }
        return string.Join("; ", rendered);
    }
}
