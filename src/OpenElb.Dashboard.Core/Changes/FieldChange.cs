using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Changes;

/// <summary>
/// One field a patch changes, before and after, rendered as <see cref="FieldText"/> renders it (the same paths and text
/// the drift detector uses, so a recorded after-state can be compared with a later snapshot).
/// </summary>
/// <param name="Path">The field, e.g. <c>metadata.labels[openelb-speaker]</c> or <c>spec.taints</c>.</param>
/// <param name="Before">The value before, or <c>null</c> when absent.</param>
/// <param name="After">The value after, or <c>null</c> when absent.</param>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>The field paths and value renderings shared by change plans, audit entries and drift detection. Pure.</summary>
public static class FieldText
{
    /// <summary>The path of a node label.</summary>
    public static string NodeLabelPath(string key) => $"metadata.labels[{key}]";

    /// <summary>The path of a node's taints.</summary>
    public const string TaintsPath = "spec.taints";

    /// <summary>The path of the speaker pod template's nodeSelector.</summary>
    public const string NodeSelectorPath = "spec.template.spec.nodeSelector";

    /// <summary>The path of the speaker pod template's required node affinity.</summary>
    public const string NodeAffinityPath = "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";

    /// <summary>The path of the speaker pod template's tolerations.</summary>
    public const string TolerationsPath = "spec.template.spec.tolerations";

    /// <summary>Labels as <c>k=v,k2=v2</c>, or <c>null</c> when empty.</summary>
    public static string? Render(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.Count == 0 ? null : labels.ToString();
    }

    /// <summary>Items joined by <c>; </c>, or <c>null</c> when empty.</summary>
    public static string? Render<T>(EquatableArray<T> items) => items.IsEmpty ? null : string.Join("; ", items);

    /// <summary>Terms as <c>(a AND b) OR (c)</c>, or <c>null</c> when there is no required affinity.</summary>
    public static string? Render(EquatableArray<NodeSelectorTerm>? terms) =>
        terms is not { } value ? null : string.Join(" OR ", value.Select(static t => "(" + string.Join(" AND ", t.MatchExpressions.Concat(t.MatchFields)) + ")"));

    /// <summary>The fields that differ between two placements.</summary>
    public static IEnumerable<FieldChange> PlacementChanges(SpeakerPlacement before, SpeakerPlacement after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (!before.NodeSelector.Equals(after.NodeSelector))
        {
            yield return new FieldChange(NodeSelectorPath, Render(before.NodeSelector), Render(after.NodeSelector));
        }
        if (!Equals(before.RequiredNodeAffinity, after.RequiredNodeAffinity))
        {
            yield return new FieldChange(NodeAffinityPath, Render(before.RequiredNodeAffinity), Render(after.RequiredNodeAffinity));
        }
        if (!before.Tolerations.Equals(after.Tolerations))
        {
            yield return new FieldChange(TolerationsPath, Render(before.Tolerations), Render(after.Tolerations));
        }
    }
}
