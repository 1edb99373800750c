using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Scheduling;

/// <summary>Why a node does or does not run a speaker, in the order the DaemonSet controller checks.</summary>
public enum PlacementReason
{
    /// <summary>The speaker workload places a speaker on this node.</summary>
    Eligible,

    /// <summary>No speaker workload was found, so no node runs a speaker.</summary>
    NoSpeakerWorkload,

    /// <summary>A pair of the pod template's <c>nodeSelector</c> is missing from, or differs on, the node's labels.</summary>
    NodeSelectorMismatch,

    /// <summary>No term of the required node affinity matches the node.</summary>
    NodeAffinityMismatch,

    /// <summary>
    /// The node has a NoSchedule taint the speaker does not tolerate: no new speaker is placed, but one that is already
    /// running keeps running (until its pod is replaced, e.g. by a rolling update).
    /// </summary>
    UntoleratedNoSchedule,

    /// <summary>The node has a NoExecute taint the speaker does not tolerate: no speaker runs, and a running one is evicted.</summary>
    UntoleratedNoExecute,
}

/// <summary>The answer for one node: a reason, and the taint or requirement behind it.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Taint">For the untolerated-taint reasons, the first such taint.</param>
/// <param name="Detail">For selector mismatches, the first pair that failed, e.g. <c>openelb-speaker=true (node has no such label)</c>.</param>
public sealed record PlacementDecision(PlacementReason Reason, Taint? Taint = null, string? Detail = null)
{
    /// <summary>The eligible decision (shared instance).</summary>
    public static PlacementDecision Eligible { get; } = new(PlacementReason.Eligible);

    /// <summary>Whether the controller would create a speaker on the node (<c>shouldRun</c>).</summary>
    public bool ShouldRun => Reason == PlacementReason.Eligible;

    /// <summary>Whether a speaker already on the node may keep running (<c>shouldContinueRunning</c>).</summary>
    public bool ShouldContinueRunning => Reason is PlacementReason.Eligible or PlacementReason.UntoleratedNoSchedule;

    /// <summary>One sentence for people.</summary>
    public string Describe() => Reason switch
    {
        PlacementReason.Eligible => "The speaker placement allows a speaker on this node.",
        PlacementReason.NoSpeakerWorkload => "No OpenELB speaker workload was found in the cluster.",
        PlacementReason.NodeSelectorMismatch => $"Excluded by the speaker nodeSelector: {Detail}.",
        PlacementReason.NodeAffinityMismatch => "Excluded by the speaker's required node affinity: no term matches this node.",
        PlacementReason.UntoleratedNoSchedule => $"The taint {Taint} is not tolerated by the speaker: no new speaker is placed here (a running one stays until replaced).",
        PlacementReason.UntoleratedNoExecute => $"The taint {Taint} is not tolerated by the speaker: no speaker runs here, and a running one is evicted.",
        _ => Reason.ToString(),
    };
}

/// <summary>
/// Decides, per node, whether the speaker workload places a speaker there, exactly as the DaemonSet controller's
/// <c>NodeShouldRunDaemonPod</c> does. Pure and thread-safe.
/// </summary>
public static class SpeakerScheduling
{
    /// <summary>Evaluates <paramref name="node"/> against <paramref name="speaker"/>'s placement.</summary>
    public static PlacementDecision Evaluate(NodeInfo node, SpeakerDaemonSet? speaker)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (speaker is null)
        {
            return new PlacementDecision(PlacementReason.NoSpeakerWorkload);
        }
        return Evaluate(node, speaker.Placement, speaker.Kind == SpeakerWorkloadKind.DaemonSet, speaker.HostNetwork);
    }

    /// <summary>
    /// Evaluates <paramref name="node"/> against a placement. <paramref name="isDaemonSet"/> adds the tolerations the
    /// DaemonSet controller adds by itself (a Deployment's pods get none of them).
    /// </summary>
    public static PlacementDecision Evaluate(NodeInfo node, SpeakerPlacement placement, bool isDaemonSet = true, bool hostNetwork = true)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(placement);

        foreach (var (key, value) in placement.NodeSelector)
        {
            if (!node.Labels.TryGetValue(key, out var actual))
            {
                return new PlacementDecision(PlacementReason.NodeSelectorMismatch, Detail: $"{key}={value} (the node has no label '{key}')");
            }
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                return new PlacementDecision(PlacementReason.NodeSelectorMismatch, Detail: $"{key}={value} (the node has {key}={actual})");
            }
        }

        if (placement.RequiredNodeAffinity is { } terms && !SelectorMatching.NodeAffinityMatches(terms, node))
        {
            return new PlacementDecision(PlacementReason.NodeAffinityMismatch);
        }

        if (node.Taints.IsEmpty)
        {
            return PlacementDecision.Eligible;
        }
        IReadOnlyList<Toleration> tolerations = isDaemonSet
            ? [.. placement.Tolerations, .. TaintToleration.DaemonSetAutoTolerations(hostNetwork)]
            : placement.Tolerations;
        if (TaintToleration.FindUntolerated(node.Taints, tolerations, TaintEffect.NoExecute) is { } noExecute)
        {
            return new PlacementDecision(PlacementReason.UntoleratedNoExecute, noExecute);
        }
        if (TaintToleration.FindUntolerated(node.Taints, tolerations, TaintEffect.NoSchedule) is { } noSchedule)
        {
            return new PlacementDecision(PlacementReason.UntoleratedNoSchedule, noSchedule);
        }
        return PlacementDecision.Eligible;
    }
}
