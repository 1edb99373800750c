using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;

namespace OpenElb.Dashboard.Core.Topology;

/// <summary>
/// Derives router groups, per-node speaker status and stale-aware session health from a snapshot. Pure, deterministic
/// and thread-safe; cost grows with nodes plus selected node/router pairs, not nodes × routers for equality selectors.
/// </summary>
public static class TopologyBuilder
{
    /// <summary>Builds the topology of <paramref name="snapshot"/>.</summary>
    public static ClusterTopology Build(ClusterSnapshot snapshot, TopologyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        options ??= TopologyOptions.Default;
        var nodes = snapshot.Nodes;
        var routersPerNode = new List<int>?[nodes.Count];
        var groups = new List<RouterGroup>();
        RouterGroupKind kind;

        if (!snapshot.Peers.IsEmpty)
        {
            kind = RouterGroupKind.BgpPeer;
            var index = new NodeLabelIndex(nodes, snapshot.Peers.Select(static p => p.NodeSelector));
            foreach (var peer in snapshot.Peers)
            {
                var selected = index.Select(peer.NodeSelector);
                groups.Add(BuildPeerGroup(snapshot, peer, selected));
                foreach (var i in selected)
                {
                    (routersPerNode[i] ??= []).Add(groups.Count - 1);
                }
            }
        }
        else
        {
            var byLabel = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < nodes.Count; i++)
            {
                if (nodes[i].Labels.TryGetValue(options.GroupingLabel, out var value))
                {
                    if (!byLabel.TryGetValue(value, out var list))
                    {
                        byLabel[value] = list = [];
                    }
                    list.Add(i);
                }
            }
            if (byLabel.Count > 0)
            {
                kind = RouterGroupKind.Label;
                foreach (var (value, members) in byLabel)
                {
                    groups.Add(BuildPlainGroup(snapshot, value.Length == 0 ? "(empty)" : value, RouterGroupKind.Label, members));
                }
            }
            else
            {
                kind = RouterGroupKind.Cluster;
                groups.Add(BuildPlainGroup(snapshot, "cluster", RouterGroupKind.Cluster, [.. Enumerable.Range(0, nodes.Count)]));
            }
            for (var g = 0; g < groups.Count; g++)
            {
                foreach (var name in groups[g].SelectedNodes)
                {
                    // SelectedNodes are in snapshot order, so the position lookup is a dictionary hit per node.
                    (routersPerNode[IndexOf(snapshot, name)] ??= []).Add(g);
                }
            }
        }

        var nodeViews = new NodeTopology[nodes.Count];
        var ungrouped = new List<string>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var (status, pod) = SpeakerStatusOf(snapshot.SpeakerPodsOn(node.Name));
            var routers = routersPerNode[i] is { } list ? new EquatableArray<int>([.. list]) : EquatableArray<int>.Empty;
            if (routers.IsEmpty)
            {
                ungrouped.Add(node.Name);
            }
            nodeViews[i] = new NodeTopology(node, status, pod, SpeakerScheduling.Evaluate(node, snapshot.Speaker), routers);
        }

        return new ClusterTopology(snapshot.Version, kind, new([.. groups]), new(nodeViews), new([.. ungrouped]));
    }

    private static int IndexOf(ClusterSnapshot snapshot, string nodeName)
    {
        // Binary search: nodes are sorted by ordinal name.
        int lo = 0, hi = snapshot.Nodes.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var cmp = string.CompareOrdinal(snapshot.Nodes[mid].Name, nodeName);
            if (cmp == 0)
            {
                return mid;
            }
            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        throw new InvalidOperationException($"node '{nodeName}' is not in the snapshot");
    }

    private static RouterGroup BuildPeerGroup(ClusterSnapshot snapshot, BgpPeerInfo peer, List<int> selected)
    {
        var entries = new Dictionary<string, PeerSession>(peer.Sessions.Count, StringComparer.Ordinal);
        foreach (var session in peer.Sessions)
        {
            entries[session.NodeName] = session;
        }

        var selectedNames = new string[selected.Count];
        var speakerNodes = new List<string>();
        var sessions = new List<NodeSession>(selected.Count);
        var established = 0;
        for (var s = 0; s < selected.Count; s++)
        {
            var name = snapshot.Nodes[selected[s]].Name;
            selectedNames[s] = name;
            var live = snapshot.LiveSpeakerOn(name) is not null;
            entries.Remove(name, out var entry);
            var health = Classify(live, entry);
            sessions.Add(new NodeSession(name, health, entry, Selected: true));
            if (live)
            {
                speakerNodes.Add(name);
                if (health == SessionHealth.Established && !peer.AdminDown)
                {
                    established++;
                }
            }
        }
        // Entries left over belong to nodes the selector does not select (now): stale when no live speaker is there,
        // otherwise a session OpenELB keeps because it does not re-evaluate selectors on relabel.
        foreach (var (name, entry) in entries)
        {
            var live = snapshot.FindNode(name) is not null && snapshot.LiveSpeakerOn(name) is not null;
            sessions.Add(new NodeSession(name, Classify(live, entry), entry, Selected: false));
        }
        sessions.Sort(static (a, b) => string.CompareOrdinal(a.NodeName, b.NodeName));

        return new RouterGroup(
            peer.Name,
            RouterGroupKind.BgpPeer,
            peer,
            new(selectedNames),
            new([.. speakerNodes]),
            new([.. sessions]),
            established,
            peer.AdminDown ? 0 : speakerNodes.Count);
    }

    private static RouterGroup BuildPlainGroup(ClusterSnapshot snapshot, string name, RouterGroupKind kind, List<int> members)
    {
        var names = new string[members.Count];
        var speakers = new List<string>();
        for (var m = 0; m < members.Count; m++)
        {
            names[m] = snapshot.Nodes[members[m]].Name;
            if (snapshot.LiveSpeakerOn(names[m]) is not null)
            {
                speakers.Add(names[m]);
            }
        }
        return new RouterGroup(name, kind, null, new(names), new([.. speakers]), EquatableArray<NodeSession>.Empty, 0, 0);
    }

    /// <summary>Stale-aware classification of one node's entry for one router.</summary>
    public static SessionHealth Classify(bool liveSpeaker, PeerSession? entry) => (liveSpeaker, entry) switch
    {
        (false, null) => SessionHealth.NoSpeaker,
        (false, not null) => SessionHealth.Stale,
        (true, null) => SessionHealth.Unknown,
        (true, { State: BgpSessionState.Established }) => SessionHealth.Established,
        (true, not null) => SessionHealth.Down,
    };

    /// <summary>The speaker status of a node from its pods, and the most relevant pod.</summary>
    public static (SpeakerStatus Status, SpeakerPod? Pod) SpeakerStatusOf(IReadOnlyList<SpeakerPod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        SpeakerPod? best = null;
        var bestRank = int.MaxValue;
        var status = SpeakerStatus.None;
        foreach (var pod in pods)
        {
            var (rank, podStatus) = pod switch
            {
                { Terminating: true } => (5, SpeakerStatus.Terminating),
                { Phase: PodPhase.Running, Ready: true } => (0, SpeakerStatus.Ready),
                { Phase: PodPhase.Running } => (1, SpeakerStatus.NotReady),
                { Phase: PodPhase.Pending } => (2, SpeakerStatus.Pending),
                _ => (3, SpeakerStatus.Failed),
            };
            if (rank < bestRank)
            {
                bestRank = rank;
                best = pod;
                status = podStatus;
            }
        }
        return (status, best);
    }
}
