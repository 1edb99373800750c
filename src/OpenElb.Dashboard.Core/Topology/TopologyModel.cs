using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;

namespace OpenElb.Dashboard.Core.Topology;

/// <summary>Where a router group comes from.</summary>
public enum RouterGroupKind
{
    /// <summary>A BgpPeer: the nodes its nodeSelector selects (all nodes when it has none).</summary>
    BgpPeer,

    /// <summary>No BgpPeers: nodes that share a value of the grouping label (default the rack label).</summary>
    Label,

    /// <summary>No BgpPeers and no grouping label: the whole cluster is one group.</summary>
    Cluster,
}

/// <summary>How one node's session with one router looks.</summary>
public enum SessionHealth
{
    /// <summary>A live, Ready speaker on the node reports ESTABLISHED.</summary>
    Established,

    /// <summary>A live speaker reports a state other than ESTABLISHED (IDLE, ACTIVE, …) or no state.</summary>
    Down,

    /// <summary>A status entry exists but the node has no live Ready speaker: it must not count as a session.</summary>
    Stale,

    /// <summary>The node has a live speaker but the router's status has no entry for it.</summary>
    Unknown,

    /// <summary>The node has no live speaker and no entry: no session is expected.</summary>
    NoSpeaker,
}

/// <summary>What the speaker on a node is doing.</summary>
public enum SpeakerStatus
{
    /// <summary>No speaker pod on the node.</summary>
    None,

    /// <summary>A pod exists but is not running yet.</summary>
    Pending,

    /// <summary>Running but not Ready.</summary>
    NotReady,

    /// <summary>Running and Ready.</summary>
    Ready,

    /// <summary>Only a terminating pod is left.</summary>
    Terminating,

    /// <summary>The pod failed or its state is unknown.</summary>
    Failed,
}

/// <summary>One node's session with one router.</summary>
/// <param name="NodeName">The node.</param>
/// <param name="Health">Classification (stale-aware).</param>
/// <param name="Entry">The raw status entry, when there is one.</param>
/// <param name="Selected">Whether the router's selector selects the node now (a stale entry may belong to a node that no longer is).</param>
public sealed record NodeSession(string NodeName, SessionHealth Health, PeerSession? Entry, bool Selected);

/// <summary>A router (BgpPeer) or, without BgpPeers, a label group, with its nodes and sessions.</summary>
/// <param name="Name">BgpPeer name, label value, or <c>cluster</c>.</param>
/// <param name="Kind">Where the group comes from.</param>
/// <param name="Peer">The BgpPeer, for <see cref="RouterGroupKind.BgpPeer"/>.</param>
/// <param name="SelectedNodes">Nodes under the router, sorted.</param>
/// <param name="SpeakerNodes">Selected nodes with a live Ready speaker, sorted.</param>
/// <param name="Sessions">Per selected node, plus status entries of unselected nodes (sorted by node).</param>
/// <param name="Established">Sessions that count: non-stale ESTABLISHED entries of speaker nodes.</param>
/// <param name="Expected">Sessions that should exist: speaker nodes, or 0 when the peer is admin-down.</param>
public sealed record RouterGroup(
    string Name,
    RouterGroupKind Kind,
    BgpPeerInfo? Peer,
    EquatableArray<string> SelectedNodes,
    EquatableArray<string> SpeakerNodes,
    EquatableArray<NodeSession> Sessions,
    int Established,
    int Expected)
{
    /// <summary>The redundancy verdict for the group.</summary>
    public RedundancyState Redundancy => Kind == RouterGroupKind.BgpPeer
        ? RedundancyStates.FromCount(Established)
        : RedundancyStates.FromCount(SpeakerNodes.Count);

    /// <summary>Stale entries (status present without a live speaker).</summary>
    public IEnumerable<NodeSession> StaleSessions => Sessions.Where(static s => s.Health == SessionHealth.Stale);
}

/// <summary>Redundancy of a router: OK with two or more, degraded with one, critical with none.</summary>
public enum RedundancyState
{
    /// <summary>At least two working speakers or sessions.</summary>
    Ok,

    /// <summary>Exactly one: one failure takes the traffic down.</summary>
    Degraded,

    /// <summary>None: no working path.</summary>
    Critical,
}

/// <summary>Helpers for <see cref="RedundancyState"/>.</summary>
public static class RedundancyStates
{
    /// <summary>The verdict for <paramref name="count"/> working speakers or sessions (the seed's rule: at least two).</summary>
    public static RedundancyState FromCount(int count, int minimum = 2) =>
        count >= minimum ? RedundancyState.Ok : count >= 1 ? RedundancyState.Degraded : RedundancyState.Critical;
}

/// <summary>One node as the views show it.</summary>
/// <param name="Node">The node.</param>
/// <param name="Speaker">Speaker status.</param>
/// <param name="SpeakerPod">The most relevant speaker pod (live first), when any.</param>
/// <param name="Placement">Why the node does or doesn't run a speaker.</param>
/// <param name="Routers">Indexes into <see cref="ClusterTopology.Groups"/> of the groups the node sits under.</param>
public sealed record NodeTopology(
    NodeInfo Node,
    SpeakerStatus Speaker,
    SpeakerPod? SpeakerPod,
    PlacementDecision Placement,
    EquatableArray<int> Routers);

/// <summary>
/// The topology derived from one snapshot: router groups with their nodes and sessions, and per-node views.
/// Immutable; safe to share between circuits.
/// </summary>
/// <param name="SnapshotVersion">The snapshot this was built from.</param>
/// <param name="GroupKind">How groups were formed.</param>
/// <param name="Groups">Router groups, sorted by name.</param>
/// <param name="Nodes">Per-node views, in snapshot (name) order.</param>
/// <param name="UngroupedNodes">Nodes under no group, sorted.</param>
public sealed record ClusterTopology(
    long SnapshotVersion,
    RouterGroupKind GroupKind,
    EquatableArray<RouterGroup> Groups,
    EquatableArray<NodeTopology> Nodes,
    EquatableArray<string> UngroupedNodes)
{
    /// <summary>The group called <paramref name="name"/>, or <c>null</c>.</summary>
    public RouterGroup? FindGroup(string name) => Groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));
}

/// <summary>Options for building a topology.</summary>
public sealed record TopologyOptions
{
    /// <summary>Without BgpPeers, nodes are grouped by this label. Defaults to the rack label.</summary>
    public string GroupingLabel { get; init; } = KnownLabels.Rack;

    /// <summary>Defaults.</summary>
    public static TopologyOptions Default { get; } = new();
}
