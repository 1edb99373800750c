using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Drift;

/// <summary>Which speaker-relevant field changed.</summary>
public enum ObservedField
{
    /// <summary>A node label that a BgpPeer selector or the speaker placement uses.</summary>
    NodeLabel,

    /// <summary>A node's taints.</summary>
    NodeTaints,

    /// <summary>The speaker workload's placement (nodeSelector, required affinity, tolerations).</summary>
    SpeakerPlacement,
}

/// <summary>A speaker-relevant change seen between two snapshots, whoever made it.</summary>
/// <param name="Field">What kind of field.</param>
/// <param name="Target">The object.</param>
/// <param name="Path">The field, e.g. <c>metadata.labels[openelb-speaker]</c>.</param>
/// <param name="Before">The value before (rendered), or <c>null</c> when absent.</param>
/// <param name="After">The value after (rendered), or <c>null</c> when absent.</param>
public sealed record ObservedChange(ObservedField Field, ObjectRef Target, string Path, string? Before, string? After);

/// <summary>
/// Finds the changes between two snapshots that matter to speaker placement or router membership, so that changes the
/// dashboard did not make (kubectl, GitOps, Helm) are recorded and drift becomes visible. Pure and deterministic
/// (ordered by target, then path); cost is linear in the nodes compared.
/// </summary>
public static class ObservedChangeDetector
{
    /// <summary>
    /// Compares <paramref name="before"/> and <paramref name="after"/>. With <paramref name="changedNodes"/> only those
    /// nodes are compared (the feed knows which changed); otherwise every node present in both.
    /// </summary>
    public static IReadOnlyList<ObservedChange> Detect(ClusterSnapshot before, ClusterSnapshot after, IEnumerable<string>? changedNodes = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var relevantKeys = RelevantLabelKeys(before);
        relevantKeys.UnionWith(RelevantLabelKeys(after));

        var changes = new List<ObservedChange>();
        var names = changedNodes?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal) ?? after.Nodes.Select(static n => n.Name);
        foreach (var name in names)
        {
            if (before.FindNode(name) is not { } old || after.FindNode(name) is not { } current || ReferenceEquals(old, current))
            {
                continue;
            }
            var target = new ObjectRef("Node", null, name);
            foreach (var key in relevantKeys.Order(StringComparer.Ordinal))
            {
                var was = old.Labels.GetValueOrDefault(key);
                var now = current.Labels.GetValueOrDefault(key);
                if (!string.Equals(was, now, StringComparison.Ordinal))
                {
                    changes.Add(new ObservedChange(ObservedField.NodeLabel, target, FieldText.NodeLabelPath(key), was, now));
                }
            }
            if (!old.Taints.Equals(current.Taints))
            {
                changes.Add(new ObservedChange(ObservedField.NodeTaints, target, FieldText.TaintsPath, FieldText.Render(old.Taints), FieldText.Render(current.Taints)));
            }
        }

        if (before.Speaker is { } oldSpeaker && after.Speaker is { } newSpeaker
            && string.Equals(oldSpeaker.Id, newSpeaker.Id, StringComparison.Ordinal) && !oldSpeaker.Placement.Equals(newSpeaker.Placement))
        {
            var target = new ObjectRef(newSpeaker.Kind == SpeakerWorkloadKind.DaemonSet ? "DaemonSet" : "Deployment", newSpeaker.Namespace, newSpeaker.Name);
            changes.AddRange(FieldText.PlacementChanges(oldSpeaker.Placement, newSpeaker.Placement)
                .Select(c => new ObservedChange(ObservedField.SpeakerPlacement, target, c.Path, c.Before, c.After)));
        }
        return changes;
    }

    /// <summary>
    /// Reads the current value of a field as <see cref="Detect"/> renders it (<c>null</c> = absent), so a recorded
    /// after-state can be compared with a snapshot. Returns false when the target does not exist or the path is not one
    /// <see cref="Detect"/> produces.
    /// </summary>
    public static bool TryReadField(ClusterSnapshot snapshot, ObjectRef target, string path, out string? value)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(path);
        value = null;
        if (target.Kind == "Node")
        {
            if (snapshot.FindNode(target.Name) is not { } node)
            {
                return false;
            }
            if (path.StartsWith("metadata.labels[", StringComparison.Ordinal) && path.EndsWith(']'))
            {
                value = node.Labels.GetValueOrDefault(path["metadata.labels[".Length..^1]);
                return true;
            }
            if (path == FieldText.TaintsPath)
            {
                value = FieldText.Render(node.Taints);
                return true;
            }
            return false;
        }
        if (snapshot.Speaker is not { } speaker || !string.Equals(speaker.Name, target.Name, StringComparison.Ordinal)
            || !string.Equals(speaker.Namespace, target.Namespace, StringComparison.Ordinal))
        {
            return false;
        }
        switch (path)
        {
            case FieldText.NodeSelectorPath:
                value = FieldText.Render(speaker.Placement.NodeSelector);
                return true;
            case FieldText.NodeAffinityPath:
                value = FieldText.Render(speaker.Placement.RequiredNodeAffinity);
                return true;
            case FieldText.TolerationsPath:
                value = FieldText.Render(speaker.Placement.Tolerations);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Label keys that BgpPeer selectors or the speaker placement read: a change to any of them can move a speaker or a session.</summary>
    public static HashSet<string> RelevantLabelKeys(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var peer in snapshot.Peers)
        {
            if (peer.NodeSelector is { } selector)
            {
                keys.UnionWith(selector.MatchLabels.Keys);
                keys.UnionWith(selector.MatchExpressions.Select(static e => e.Key));
            }
        }
        if (snapshot.Speaker?.Placement is { } placement)
        {
            keys.UnionWith(placement.NodeSelector.Keys);
            foreach (var term in placement.RequiredNodeAffinity ?? EquatableArray<NodeSelectorTerm>.Empty)
            {
                keys.UnionWith(term.MatchExpressions.Select(static e => e.Key));
            }
        }
        return keys;
    }
}
