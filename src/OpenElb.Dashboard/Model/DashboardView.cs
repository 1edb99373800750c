using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// Everything the live pages show, derived once per cluster update and shared by every circuit (topology, findings
/// and the summary are computed here, never per page or per render). Immutable.
/// </summary>
/// <param name="Sequence">Increases with every published view.</param>
/// <param name="Snapshot">The snapshot.</param>
/// <param name="Topology">Router groups and per-node views.</param>
/// <param name="Findings">Findings, most severe first.</param>
/// <param name="Health">The feed's health.</param>
/// <param name="UpdatedAt">When the data last changed (the feed's observation time).</param>
/// <param name="Summary">Counts for the summary bar.</param>
public sealed record DashboardView(
    long Sequence,
    ClusterSnapshot Snapshot,
    ClusterTopology Topology,
    EquatableArray<Finding> Findings,
    FeedHealth Health,
    DateTimeOffset UpdatedAt,
    DashboardSummary Summary)
{
    /// <summary>The view before the first update: nothing known yet.</summary>
    public static DashboardView Empty { get; } = Create(0, ClusterSnapshot.Empty, new FeedHealth([]), FindingsOptions.Default, TopologyOptions.Default);

    /// <summary>Derives the view for <paramref name="snapshot"/>.</summary>
    public static DashboardView Create(long sequence, ClusterSnapshot snapshot, FeedHealth health, FindingsOptions findingsOptions, TopologyOptions topologyOptions)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var topology = TopologyBuilder.Build(snapshot, topologyOptions);
        var findings = FindingsEvaluator.Evaluate(snapshot, topology, findingsOptions);
        return new DashboardView(sequence, snapshot, topology, findings, health, snapshot.ObservedAt, DashboardSummary.Create(snapshot, topology, findings));
    }

    /// <summary>The same data with new feed health (health changes without data changes are cheap).</summary>
    public DashboardView WithHealth(long sequence, FeedHealth health) => this with { Sequence = sequence, Health = health };
}

/// <summary>The numbers of the overview's summary bar.</summary>
/// <param name="RoutersOk">Router groups with at least two working speakers/sessions.</param>
/// <param name="RoutersDegraded">Router groups with exactly one.</param>
/// <param name="RoutersCritical">Router groups with none.</param>
/// <param name="SpeakersReady">Live, Ready speaker pods.</param>
/// <param name="SpeakersDesired">Nodes the speaker placement selects (the DaemonSet's desired count).</param>
/// <param name="SessionsEstablished">Established sessions that count (stale-aware), over all BgpPeers.</param>
/// <param name="SessionsExpected">Sessions that should exist, over all BgpPeers.</param>
/// <param name="FindingsBySeverity">Finding counts per <see cref="FindingSeverity"/>, indexed by its value.</param>
public sealed record DashboardSummary(
    int RoutersOk,
    int RoutersDegraded,
    int RoutersCritical,
    int SpeakersReady,
    int SpeakersDesired,
    int SessionsEstablished,
    int SessionsExpected,
    EquatableArray<int> FindingsBySeverity)
{
    /// <summary>Findings of one severity.</summary>
    public int FindingsOf(FindingSeverity severity) => FindingsBySeverity.Count > (int)severity ? FindingsBySeverity[(int)severity] : 0;

    internal static DashboardSummary Create(ClusterSnapshot snapshot, ClusterTopology topology, EquatableArray<Finding> findings)
    {
        int ok = 0, degraded = 0, critical = 0, established = 0, expected = 0;
        foreach (var group in topology.Groups)
        {
            switch (group.Redundancy)
            {
                case RedundancyState.Ok: ok++; break;
                case RedundancyState.Degraded: degraded++; break;
                default: critical++; break;
            }
            if (group.Kind == RouterGroupKind.BgpPeer)
            {
                established += group.Established;
                expected += group.Expected;
            }
        }
        var ready = 0;
        var desired = 0;
        foreach (var node in topology.Nodes)
        {
            if (node.Speaker == SpeakerStatus.Ready)
            {
                ready++;
            }
            if (node.Placement.ShouldRun)
            {
                desired++;
            }
        }
        var bySeverity = new int[Enum.GetValues<FindingSeverity>().Length];
        foreach (var finding in findings)
        {
            bySeverity[(int)finding.Severity]++;
        }
        return new DashboardSummary(ok, degraded, critical, ready, snapshot.Speaker is null ? 0 : desired, established, expected, [.. bySeverity]);
    }
}
