using System.Diagnostics;
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
    public static ClusterTopology Build(ClusterSnapshot snapshot, TopologyOptions? options = null) => Build(snapshot, options, null);

    /// <summary>
    /// Builds the topology with each node's placement decision already known (<paramref name="placements"/>, in snapshot
    /// order), so a caller that has just evaluated them (the planner) does not pay for it twice.
    /// </summary>
    internal static ClusterTopology Build(ClusterSnapshot snapshot, TopologyOptions? options, IReadOnlyList<PlacementDecision>? placements)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Debug.Assert(placements is null || placements.Count == snapshot.Nodes.Count, "one decision per node");
        options ??= TopologyOptions.Default;
        var nodes = snapshot.Nodes;
        var groups = new List<RouterGroup>();
        // Positions (ascending) of each group's nodes, parallel to groups.
        var members = new List<List<int>>();
        RouterGroupKind kind;

        if (!snapshot.Peers.IsEmpty)
        {
            kind = RouterGroupKind.BgpPeer;
            var index = new NodeLabelIndex(nodes, snapshot.Peers.Select(static p => p.NodeSelector));
            foreach (var peer in snapshot.Peers)
            {
                var selected = index.Select(peer.NodeSelector);
                groups.Add(BuildPeerGroup(snapshot, peer, selected));
                members.Add(selected);
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
                foreach (var (value, positions) in byLabel)
                {
                    groups.Add(BuildPlainGroup(snapshot, value.Length == 0 ? "(empty)" : value, RouterGroupKind.Label, positions));
                    members.Add(positions);
                }
            }
            else
            {
                kind = RouterGroupKind.Cluster;
                List<int> all = [.. Enumerable.Range(0, nodes.Count)];
                groups.Add(BuildPlainGroup(snapshot, "cluster", RouterGroupKind.Cluster, all));
                members.Add(all);
            }
        }

        // Each node's groups, in group order: count first, then fill exact-size arrays (no per-node lists).
        var counts = new int[nodes.Count];
        foreach (var positions in members)
        {
            foreach (var i in positions)
            {
                counts[i]++;
            }
        }
        var routersPerNode = new int[nodes.Count][];
        for (var i = 0; i < nodes.Count; i++)
        {
            routersPerNode[i] = counts[i] == 0 ? [] : new int[counts[i]];
            counts[i] = 0;
        }
        for (var g = 0; g < members.Count; g++)
        {
            foreach (var i in members[g])
            {
                routersPerNode[i][counts[i]++] = g;
            }
        }

        var nodeViews = new NodeTopology[nodes.Count];
        var ungrouped = new List<string>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var (status, pod) = SpeakerStatusOf(snapshot.SpeakerPodSpan(node.Name));
            var routers = new EquatableArray<int>(routersPerNode[i]);
            if (routers.IsEmpty)
            {
                ungrouped.Add(node.Name);
            }
            nodeViews[i] = new NodeTopology(node, status, pod, placements?[i] ?? SpeakerScheduling.Evaluate(node, snapshot.Speaker), routers);
        }

        return new ClusterTopology(snapshot.Version, kind, new([.. groups]), new(nodeViews), new([.. ungrouped]));
    }

    private static RouterGroup BuildPeerGroup(ClusterSnapshot snapshot, BgpPeerInfo peer, List<int> selected)
    {
        // Both the selected nodes (snapshot order) and the status entries are sorted by ordinal node name, so one merge
        // pass pairs them; entries left over belong to nodes the selector does not select (now).
        var entries = peer.Sessions;
        var selectedNames = new string[selected.Count];
        var speakerNodes = new List<string>();
        var sessions = new List<NodeSession>(Math.Max(selected.Count, entries.Count));
        var established = 0;
        var e = 0;
        for (var s = 0; s < selected.Count; s++)
        {
            var name = snapshot.Nodes[selected[s]].Name;
            selectedNames[s] = name;
            while (e < entries.Count && string.CompareOrdinal(entries[e].NodeName, name) < 0)
            {
                sessions.Add(Unselected(snapshot, entries[e++]));
            }
            PeerSession? entry = null;
            if (e < entries.Count && string.Equals(entries[e].NodeName, name, StringComparison.Ordinal))
            {
                entry = entries[e++];
            }
            var live = snapshot.LiveSpeakerOn(name) is not null;
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
        while (e < entries.Count)
        {
            sessions.Add(Unselected(snapshot, entries[e++]));
        }

        return new RouterGroup(
            peer.Name,
            RouterGroupKind.BgpPeer,
            peer,
            new(selectedNames),
            new([.. speakerNodes]),
            new([.. sessions]),
            established,
            peer.AdminDown ? 0 : speakerNodes.Count);

        // Stale when no live speaker is there; otherwise a session OpenELB keeps because it does not re-evaluate
        // selectors on relabel.
        static NodeSession Unselected(ClusterSnapshot snapshot, PeerSession entry) =>
            new(entry.NodeName, Classify(snapshot.LiveSpeakerOn(entry.NodeName) is not null, entry), entry, Selected: false);
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
        return SpeakerStatusOf(pods is SpeakerPod[] array ? array : [.. pods]);
    }

    internal static (SpeakerStatus Status, SpeakerPod? Pod) SpeakerStatusOf(ReadOnlySpan<SpeakerPod> pods)
    {
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
