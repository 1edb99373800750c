using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>One taint of a node, and whether the speaker tolerates it.</summary>
/// <param name="Taint">The taint.</param>
/// <param name="Tolerated">Whether the speaker's tolerations (with the DaemonSet controller's own) tolerate it; <c>null</c> without a speaker workload.</param>
/// <param name="Effect">What it means for the speaker, in words.</param>
public sealed record NodeTaintDetail(Taint Taint, bool? Tolerated, string Effect);

/// <summary>The node's session with one router, as the detail page shows it.</summary>
/// <param name="Group">The router.</param>
/// <param name="Selected">Whether the router's node selector selects the node.</param>
/// <param name="Session">The session, or <c>null</c> when the router has neither selected the node nor an entry for it.</param>
/// <param name="State">The state in words.</param>
/// <param name="Since">Uptime (established) or downtime (otherwise), e.g. "up 3 h", or <c>null</c> when unknown.</param>
public sealed record NodeSessionDetail(RouterGroup Group, bool Selected, NodeSession? Session, string State, string? Since)
{
    /// <summary>Whether the entry is stale (no live speaker on the node): it does not count as a session.</summary>
    public bool Stale => Session?.Health == SessionHealth.Stale;

    /// <summary>Whether the BgpPeer is administratively down.</summary>
    public bool AdminDown => Group.Peer?.AdminDown == true;
}

/// <summary>Everything the node detail page shows about one node.</summary>
/// <param name="Node">The node's topology view.</param>
/// <param name="Pods">The speaker pods bound to the node (several during a rolling update).</param>
/// <param name="Taints">Taints with the speaker's view of them.</param>
/// <param name="PlacementReason">Core's reason, in one sentence.</param>
/// <param name="PlacementNuance">What the reason means for the pod that is (or is not) there now, or <c>null</c>.</param>
/// <param name="PlacementRule">The speaker workload's placement in words, or <c>null</c> without one.</param>
/// <param name="Groups">The groups (routers or label groups) the node sits under.</param>
/// <param name="Sessions">BGP sessions: every router that selects the node or has a status entry for it, by name.</param>
/// <param name="OtherRouters">BgpPeers that neither select the node nor have an entry for it.</param>
public sealed record NodeDetailViewModel(
    NodeTopology Node,
    IReadOnlyList<SpeakerPod> Pods,
    IReadOnlyList<NodeTaintDetail> Taints,
    string PlacementReason,
    string? PlacementNuance,
    string? PlacementRule,
    IReadOnlyList<RouterGroup> Groups,
    IReadOnlyList<NodeSessionDetail> Sessions,
    int OtherRouters)
{
    /// <summary>The node's name.</summary>
    public string Name => Node.Node.Name;
}

/// <summary>Builds a <see cref="NodeDetailViewModel"/> from a view. Cost: the node's pods plus one binary search per router.</summary>
public static class NodeDetailModel
{
    /// <summary>The detail of node <paramref name="name"/>, or <c>null</c> when the view has no such node (deleted, or never existed).</summary>
    public static NodeDetailViewModel? Build(DashboardView view, string name, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(name);
        var snapshot = view.Snapshot;
        var index = snapshot.IndexOfNode(name);
        if (index < 0 || index >= view.Topology.Nodes.Count)
        {
            return null;
        }
        var node = view.Topology.Nodes[index];
        var pods = snapshot.SpeakerPodsOn(name);
        var speaker = snapshot.Speaker;

        var taints = new List<NodeTaintDetail>(node.Node.Taints.Count);
        IReadOnlyList<Toleration>? tolerations = speaker is null
            ? null
            : speaker.Kind == SpeakerWorkloadKind.DaemonSet
                ? [.. speaker.Placement.Tolerations, .. TaintToleration.DaemonSetAutoTolerations(speaker.HostNetwork)]
                : speaker.Placement.Tolerations;
        foreach (var taint in node.Node.Taints)
        {
            bool? tolerated = tolerations is null ? null : TaintToleration.IsTolerated(taint, tolerations);
            taints.Add(new NodeTaintDetail(taint, tolerated, TaintEffectText(taint, tolerated)));
        }

        var groups = node.Routers.Select(i => view.Topology.Groups[i]).ToList();
        var sessions = new List<NodeSessionDetail>();
        var other = 0;
        if (view.Topology.GroupKind == RouterGroupKind.BgpPeer)
        {
            for (var g = 0; g < view.Topology.Groups.Count; g++)
            {
                var group = view.Topology.Groups[g];
                var selected = node.Routers.AsSpan().Contains(g);
                var session = FindSession(group, name);
                if (!selected && session is null)
                {
                    other++;
                    continue;
                }
                sessions.Add(new NodeSessionDetail(group, selected, session, SessionState(group, session), Since(session, now)));
            }
        }

        return new NodeDetailViewModel(
            node,
            pods,
            taints,
            node.Placement.Describe(),
            Nuance(node, pods, speaker),
            speaker is null ? null : Words.Placement(speaker.Placement),
            groups,
            sessions,
            other);
    }

    /// <summary>The router's session for <paramref name="node"/> (sessions are sorted by node name).</summary>
    public static NodeSession? FindSession(RouterGroup group, string node)
    {
        ArgumentNullException.ThrowIfNull(group);
        var sessions = group.Sessions;
        int lo = 0, hi = sessions.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(sessions[mid].NodeName, node);
            if (c == 0)
            {
                return sessions[mid];
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return null;
    }

    /// <summary>
    /// What the placement reason means for the pod actually there: Core says whether the controller <i>would</i> place a
    /// speaker (<c>ShouldRun</c>) and whether one may stay (<c>ShouldContinueRunning</c>); this says what that does now.
    /// </summary>
    public static string? Nuance(NodeTopology node, IReadOnlyList<SpeakerPod> pods, SpeakerDaemonSet? speaker)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pods);
        var placement = node.Placement;
        var hasPod = pods.Any(static p => !p.Terminating && p.Phase is PodPhase.Pending or PodPhase.Running or PodPhase.Unknown);
        if (speaker?.Kind == SpeakerWorkloadKind.LegacyManagerDeployment)
        {
            return "The speakers are replicas of the legacy openelb-manager Deployment: the placement only says where a replica may be scheduled, not that one runs here.";
        }
        if (placement.ShouldRun)
        {
            return hasPod
                ? null
                : "No speaker pod is on this node yet, although the placement allows one: the DaemonSet controller should create it shortly. If it does not appear, check the DaemonSet's events.";
        }
        if (placement.ShouldContinueRunning)
        {
            // NoSchedule: a speaker that got here before the taint stays.
            return hasPod
                ? "A speaker still runs here: a NoSchedule taint keeps new speakers off but does not evict this one. It stays until its pod is replaced (for example by the next rolling update of the DaemonSet), and then no speaker comes back."
                : "No speaker runs here, and none will be placed while the taint stays. Add a matching toleration to the speaker to allow one.";
        }
        if (placement.Reason == PlacementReason.NoSpeakerWorkload)
        {
            return null;
        }
        if (hasPod)
        {
            return placement.Reason == PlacementReason.UntoleratedNoExecute
                ? "The speaker pod still on this node is being evicted by the taint."
                : "The speaker pod still on this node is no longer wanted by the placement: the DaemonSet controller deletes it.";
        }
        return null;
    }

    private static string TaintEffectText(Taint taint, bool? tolerated) => (taint.Effect, tolerated) switch
    {
        (TaintEffect.PreferNoSchedule, _) => "a preference only: never keeps the speaker off",
        (_, null) => "no speaker workload to compare with",
        (_, true) => "tolerated by the speaker",
        (TaintEffect.NoSchedule, false) => "not tolerated: keeps new speakers off (a running one stays)",
        (TaintEffect.NoExecute, false) => "not tolerated: keeps speakers off and evicts a running one",
        _ => taint.Effect.ToString(),
    };

    private static string SessionState(RouterGroup group, NodeSession? session)
    {
        if (session is null)
        {
            return "no session";
        }
        var words = Words.Session(session);
        if (session.Health == SessionHealth.NoSpeaker)
        {
            words = "no session (no speaker on this node)";
        }
        return group.Peer?.AdminDown == true ? words + " (peer administratively down)" : words;
    }

    private static string? Since(NodeSession? session, DateTimeOffset now)
    {
        if (session?.Entry is not { } entry)
        {
            return null;
        }
        if (entry.State == BgpSessionState.Established && entry.Uptime is { } up)
        {
            return "up " + Words.Age(now - up);
        }
        return entry.Downtime is { } down ? "down " + Words.Age(now - down) : null;
    }
}
