using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>One requirement of the speaker's required node affinity, flattened for a table.</summary>
/// <param name="Term">1-based term number (terms are ORed).</param>
/// <param name="Field">Whether it is a <c>matchFields</c> requirement (on the node's name) rather than a label.</param>
/// <param name="Key">Label key or field.</param>
/// <param name="Operator">Operator, as written.</param>
/// <param name="Values">Values, comma-separated.</param>
public sealed record AffinityRow(int Term, bool Field, string Key, string Operator, string Values);

/// <summary>How many nodes have one placement reason.</summary>
/// <param name="Reason">The reason.</param>
/// <param name="Text">The reason in words.</param>
/// <param name="Count">Nodes with the reason.</param>
/// <param name="SampleNodes">The first of them, by name.</param>
/// <param name="Causes">For taint reasons, the taints that exclude nodes, with how many nodes carry each; otherwise empty.</param>
/// <param name="WithReadySpeaker">How many of them run a Ready speaker.</param>
public sealed record PlacementReasonCount(
    PlacementReason Reason,
    string Text,
    int Count,
    IReadOnlyList<string> SampleNodes,
    IReadOnlyList<string> Causes,
    int WithReadySpeaker)
{
    /// <summary>How many nodes <see cref="SampleNodes"/> leaves out.</summary>
    public int HiddenNodes => Count - SampleNodes.Count;
}

/// <summary>The rollout numbers of the speaker workload.</summary>
/// <param name="Desired">Nodes that should run a speaker (legacy: replicas).</param>
/// <param name="Current">Nodes that run one.</param>
/// <param name="Ready">Ready speakers.</param>
/// <param name="Updated">Speakers on the newest pod template.</param>
/// <param name="Pending">Whether a rollout is in progress (or the controller has not seen the latest spec).</param>
/// <param name="GenerationLag">Whether the controller has not yet observed the latest spec.</param>
/// <param name="Generation">metadata.generation.</param>
/// <param name="ObservedGeneration">status.observedGeneration.</param>
public sealed record RolloutProgress(int Desired, int Current, int Ready, int Updated, bool Pending, bool GenerationLag, long Generation, long ObservedGeneration)
{
    /// <summary>Ready speakers as a percentage of desired (100 when nothing is desired).</summary>
    public double ReadyPercent => Percent(Ready);

    /// <summary>Updated speakers as a percentage of desired (100 when nothing is desired).</summary>
    public double UpdatedPercent => Percent(Updated);

    /// <summary>The progress in words.</summary>
    public string Text => Desired == 0
        ? "No node should run a speaker: the placement selects none."
        : $"{Ready} of {Desired} speakers ready, {Updated} updated, {Current} scheduled.";

    private double Percent(int value) => Desired <= 0 ? 100 : Math.Clamp(100.0 * value / Desired, 0, 100);
}

/// <summary>What the speakers page shows.</summary>
/// <param name="Speaker">The speaker workload.</param>
/// <param name="PlacementText">The placement in words.</param>
/// <param name="NodeSelector">The pod template's nodeSelector pairs, by key.</param>
/// <param name="AffinityRows">The required node affinity, one row per requirement.</param>
/// <param name="AffinityText">What the affinity means when there are no rows to show (none set, or no term).</param>
/// <param name="Tolerations">The pod template's tolerations, as written.</param>
/// <param name="Rollout">Rollout numbers.</param>
/// <param name="Reasons">Per placement reason, how many nodes (every reason shown, zero included).</param>
/// <param name="NodeCount">All nodes.</param>
public sealed record SpeakersPageModel(
    SpeakerDaemonSet Speaker,
    string PlacementText,
    IReadOnlyList<KeyValuePair<string, string>> NodeSelector,
    IReadOnlyList<AffinityRow> AffinityRows,
    string? AffinityText,
    IReadOnlyList<Toleration> Tolerations,
    RolloutProgress Rollout,
    IReadOnlyList<PlacementReasonCount> Reasons,
    int NodeCount)
{
    /// <summary>Whether the workload is the legacy (OpenELB 0.5 or older) manager Deployment.</summary>
    public bool Legacy => Speaker.Kind == SpeakerWorkloadKind.LegacyManagerDeployment;
}

/// <summary>Builds the speakers page from a view. Cost: one pass over the nodes.</summary>
public static class SpeakersModel
{
    /// <summary>How many node names each reason lists before "and N more".</summary>
    public const int NodesPerReason = 10;

    // The order the page lists reasons in: eligible first, then the DaemonSet controller's order of checks.
    private static readonly PlacementReason[] s_reasons =
    [
        PlacementReason.Eligible,
        PlacementReason.NodeSelectorMismatch,
        PlacementReason.NodeAffinityMismatch,
        PlacementReason.UntoleratedNoSchedule,
        PlacementReason.UntoleratedNoExecute,
    ];

    /// <summary>The page for <paramref name="view"/>, or <c>null</c> when no speaker workload exists.</summary>
    public static SpeakersPageModel? Create(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Snapshot.Speaker is not { } speaker)
        {
            return null;
        }
        var placement = speaker.Placement;
        var affinityRows = new List<AffinityRow>();
        string? affinityText = null;
        if (placement.RequiredNodeAffinity is not { } terms)
        {
            affinityText = "No required node affinity: it does not restrict the nodes.";
        }
        else if (terms.Count == 0)
        {
            affinityText = "The required node affinity has no term, so it matches no node.";
        }
        else
        {
            for (var t = 0; t < terms.Count; t++)
            {
                var term = terms[t];
                if (term.MatchExpressions.IsEmpty && term.MatchFields.IsEmpty)
                {
                    affinityRows.Add(new AffinityRow(t + 1, false, "(empty term)", "", "matches no node"));
                }
                affinityRows.AddRange(term.MatchExpressions.Select(r => new AffinityRow(t + 1, false, r.Key, r.Operator, string.Join(", ", r.Values))));
                affinityRows.AddRange(term.MatchFields.Select(r => new AffinityRow(t + 1, true, r.Key, r.Operator, string.Join(", ", r.Values))));
            }
        }

        var rollout = new RolloutProgress(
            speaker.DesiredScheduled,
            speaker.CurrentScheduled,
            speaker.Ready,
            speaker.Updated,
            speaker.RolloutPending,
            speaker.ObservedGeneration < speaker.Generation,
            speaker.Generation,
            speaker.ObservedGeneration);

        return new SpeakersPageModel(
            speaker,
            Words.Placement(placement),
            [.. placement.NodeSelector.OrderBy(static p => p.Key, StringComparer.Ordinal)],
            affinityRows,
            affinityText,
            [.. placement.Tolerations],
            rollout,
            CountReasons(view.Topology),
            view.Topology.Nodes.Count);
    }

    /// <summary>Per placement reason, how many nodes have it, in a fixed order; every reason appears, zero included.</summary>
    public static IReadOnlyList<PlacementReasonCount> CountReasons(ClusterTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var nodes = new Dictionary<PlacementReason, List<string>>();
        var ready = new Dictionary<PlacementReason, int>();
        var taints = new Dictionary<PlacementReason, Dictionary<string, int>>();
        foreach (var node in topology.Nodes)
        {
            var reason = node.Placement.Reason;
            if (!nodes.TryGetValue(reason, out var list))
            {
                nodes[reason] = list = [];
            }
            list.Add(node.Node.Name);
            if (node.Speaker == SpeakerStatus.Ready)
            {
                ready[reason] = ready.GetValueOrDefault(reason) + 1;
            }
            if (node.Placement.Taint is { } taint)
            {
                if (!taints.TryGetValue(reason, out var byTaint))
                {
                    taints[reason] = byTaint = new Dictionary<string, int>(StringComparer.Ordinal);
                }
                var key = taint.ToString();
                byTaint[key] = byTaint.GetValueOrDefault(key) + 1;
            }
        }
        // Topology nodes are in name order already, so the samples are the first names alphabetically.
        return [.. s_reasons.Concat(nodes.Keys.Except(s_reasons).Order()).Select(reason =>
        {
            var list = nodes.GetValueOrDefault(reason) ?? [];
            var causes = taints.GetValueOrDefault(reason) is { } byTaint
                ? byTaint.OrderByDescending(static p => p.Value).ThenBy(static p => p.Key, StringComparer.Ordinal)
                    .Select(static p => $"{p.Key} on {Words.Count(p.Value, "node")}").ToList()
                : [];
            return new PlacementReasonCount(reason, Words.PlacementReason(reason), list.Count, [.. list.Take(NodesPerReason)], causes, ready.GetValueOrDefault(reason));
        })];
    }
}
