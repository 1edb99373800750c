using System.Text.Json;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Model;

/// <summary>A request that puts recorded before-values back, or why there is none.</summary>
/// <param name="Request">The request, or <c>null</c>.</param>
/// <param name="Reason">Why there is no request (when <see cref="Request"/> is null).</param>
public sealed record InverseChange(ChangeRequest? Request, string? Reason)
{
    internal static InverseChange None(string reason) => new(null, reason);
}

/// <summary>
/// Builds the change that undoes applied patches (from their fields' before-values) or reverts a recorded audit entry
/// (from its before-state). The result is an ordinary request: it goes through the same preview, dry run, guards and
/// audit as any wizard's. Pure.
/// </summary>
public static class ChangeInverse
{
    /// <summary>
    /// The change that undoes <paramref name="applied"/> (patches that succeeded, in the order they were applied):
    /// their objects' fields put back to the values before, last patch first.
    /// </summary>
    public static InverseChange Undo(IEnumerable<PlannedPatch> applied, ClusterSnapshot current, string title)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(current);
        var steps = new List<ChangeRequest>();
        foreach (var patch in applied.Reverse())
        {
            var inverse = Restore(patch.Target, [.. patch.Fields.Select(static f => (f.Path, f.Before))], current);
            if (inverse.Request is null)
            {
                return InverseChange.None($"{patch.Target}: {inverse.Reason}");
            }
            steps.Add(inverse.Request);
        }
        return steps.Count switch
        {
            0 => InverseChange.None("No step succeeded, so there is nothing to undo."),
            1 => new InverseChange(steps[0], null),
            _ => new InverseChange(new CompositeChange($"Undo: {title}", [.. steps]), null),
        };
    }

    /// <summary>Whether <paramref name="entry"/> is a succeeded dashboard change of a node or the speaker DaemonSet (worth offering a revert).</summary>
    public static bool MayRevert(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Outcome == AuditOutcome.Succeeded && entry.TargetKind is "Node" or "DaemonSet" && entry.BeforeState is not null
            && entry.Action is AuditAction.LabelNodes or AuditAction.TaintNodes or AuditAction.SetSpeakerPlacement or AuditAction.Revert;
    }

    /// <summary>The change that reverts the audit entry <paramref name="entry"/>: its target's fields put back to its before-state.</summary>
    public static InverseChange Revert(AuditEntry entry, ClusterSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(current);
        if (entry.Action is AuditAction.ObservedChange or AuditAction.ObservedImpact or AuditAction.TokenCreated or AuditAction.TokenRevoked
            or AuditAction.WallTokenCreated or AuditAction.WallTokenRevoked)
        {
            return InverseChange.None("Only changes the dashboard made can be reverted here.");
        }
        if (entry.Outcome != AuditOutcome.Succeeded)
        {
            return InverseChange.None($"The change did not succeed (outcome {entry.Outcome}), so there is nothing to revert.");
        }
        List<(string Path, string? Before)> fields = [];
        try
        {
            if (entry.BeforeState is { } before && JsonNode.Parse(before) is JsonObject state)
            {
                fields = [.. state.Select(static p => (p.Key, p.Value?.GetValue<string>()))];
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return InverseChange.None($"The entry's before-state cannot be read: {ex.Message}");
        }
        var target = new ObjectRef(entry.TargetKind, entry.TargetKind == "Node" ? null : entry.TargetNamespace, entry.TargetName);
        return Restore(target, fields, current);
    }

    /// <summary>The change that puts <paramref name="fields"/> of <paramref name="target"/> back to their before-values.</summary>
    public static InverseChange Restore(ObjectRef target, IReadOnlyList<(string Path, string? Before)> fields, ClusterSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(current);
        if (target.Kind == "Pod")
        {
            return InverseChange.None("a deleted speaker pod cannot be brought back (the DaemonSet has already replaced it).");
        }
        if (fields.Count == 0)
        {
            return InverseChange.None("nothing was recorded about its fields before the change.");
        }
        try
        {
            return target.Kind switch
            {
                "Node" => RestoreNode(target.Name, fields, current),
                "DaemonSet" => RestorePlacement(target, fields, current),
                _ => InverseChange.None($"a {target.Kind} is not changed by the dashboard."),
            };
        }
        catch (FormatException ex)
        {
            return InverseChange.None($"its recorded before-state cannot be read ({ex.Message}).");
        }
    }

    private const string LabelPrefix = "metadata.labels[";

    private static InverseChange RestoreNode(string name, IReadOnlyList<(string Path, string? Before)> fields, ClusterSnapshot current)
    {
        if (current.FindNode(name) is not { } node)
        {
            return InverseChange.None($"node {name} no longer exists.");
        }
        var set = new List<KeyValuePair<string, string>>();
        var remove = new List<string>();
        var steps = new List<ChangeRequest>();
        foreach (var (path, before) in fields)
        {
            if (path.StartsWith(LabelPrefix, StringComparison.Ordinal) && path.EndsWith(']'))
            {
                var key = path[LabelPrefix.Length..^1];
                if (before is null)
                {
                    remove.Add(key);
                }
                else
                {
                    set.Add(KeyValuePair.Create(key, before));
                }
            }
            else if (path == FieldText.TaintsPath)
            {
                // The whole list back: taints the node has now but did not have then go; the old ones are (re)written.
                var old = FieldText.ParseTaints(before);
                var gone = node.Taints.Where(t => !old.Any(o => o.Key == t.Key && o.Effect == t.Effect)).Select(static t => new TaintRef(t.Key, t.Effect));
                steps.Add(new SetNodeTaints(new([name]), old, [.. gone]));
            }
            else
            {
                return InverseChange.None($"the field {path} cannot be restored.");
            }
        }
        if (set.Count > 0 || remove.Count > 0)
        {
            steps.Insert(0, new SetNodeLabels(new([name]), LabelSet.From(set), [.. remove]));
        }
        return steps.Count == 1
            ? new InverseChange(steps[0], null)
            : new InverseChange(new CompositeChange($"Restore node {name}", [.. steps]), null);
    }

    private static InverseChange RestorePlacement(ObjectRef target, IReadOnlyList<(string Path, string? Before)> fields, ClusterSnapshot current)
    {
        if (current.Speaker is not { } speaker || speaker.Name != target.Name || speaker.Namespace != target.Namespace)
        {
            return InverseChange.None($"the speaker DaemonSet {target.Namespace}/{target.Name} is no longer there.");
        }
        var placement = speaker.Placement;
        var parts = PlacementParts.None;
        foreach (var (path, before) in fields)
        {
            switch (path)
            {
                case FieldText.NodeSelectorPath:
                    placement = placement with { NodeSelector = FieldText.ParseLabels(before) };
                    parts |= PlacementParts.NodeSelector;
                    break;
                case FieldText.NodeAffinityPath:
                    placement = placement with { RequiredNodeAffinity = FieldText.ParseTerms(before) };
                    parts |= PlacementParts.NodeAffinity;
                    break;
                case FieldText.TolerationsPath:
                    placement = placement with { Tolerations = FieldText.ParseTolerations(before) };
                    parts |= PlacementParts.Tolerations;
                    break;
                default:
                    return InverseChange.None($"the field {path} cannot be restored.");
            }
        }
        return new InverseChange(new SetSpeakerPlacement(placement, parts), null);
    }
}
