using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>One node inside a router card.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Speaker">Speaker status.</param>
/// <param name="Session">The node's session with this router (null in label groups).</param>
/// <param name="NodeReady">Whether the node is Ready.</param>
public sealed record RouterCardNode(string Name, SpeakerStatus Speaker, NodeSession? Session, bool NodeReady);

/// <summary>A router card on the overview.</summary>
/// <param name="Group">The router group.</param>
/// <param name="Title">Heading.</param>
/// <param name="SelectorText">The BgpPeer's node selector in words (or the label that forms the group).</param>
/// <param name="Nodes">The first nodes to show (problem nodes first).</param>
/// <param name="HiddenNodes">How many selected nodes are not shown.</param>
/// <param name="StaleEntries">Stale status entries of the router.</param>
public sealed record RouterCardModel(RouterGroup Group, string Title, string SelectorText, IReadOnlyList<RouterCardNode> Nodes, int HiddenNodes, int StaleEntries);

/// <summary>Builds the overview's cards from a view. Cost: groups × shown nodes, independent of cluster size otherwise.</summary>
public static class OverviewModel
{
    /// <summary>How many nodes a card lists before "and N more".</summary>
    public const int NodesPerCard = 12;

    /// <summary>The cards, problem routers first (critical, degraded, OK), then by name.</summary>
    public static IReadOnlyList<RouterCardModel> Cards(DashboardView view, string groupingLabel)
    {
        ArgumentNullException.ThrowIfNull(view);
        var topology = view.Topology;
        var cards = new List<RouterCardModel>(topology.Groups.Count);
        foreach (var group in topology.Groups.OrderByDescending(static g => g.Redundancy).ThenBy(static g => g.Name, StringComparer.Ordinal))
        {
            var sessions = group.Sessions.Where(static s => s.Selected).ToDictionary(static s => s.NodeName, StringComparer.Ordinal);
            var nodes = new List<RouterCardNode>(Math.Min(NodesPerCard, group.SelectedNodes.Count));
            foreach (var name in group.SelectedNodes.OrderBy(n => Rank(topology, view.Snapshot, n, sessions)).ThenBy(static n => n, StringComparer.Ordinal).Take(NodesPerCard))
            {
                var index = view.Snapshot.IndexOfNode(name);
                var node = index >= 0 ? topology.Nodes[index] : null;
                nodes.Add(new RouterCardNode(
                    name,
                    node?.Speaker ?? SpeakerStatus.None,
                    group.Kind == RouterGroupKind.BgpPeer ? sessions.GetValueOrDefault(name) : null,
                    node?.Node.Ready ?? false));
            }
            var selector = group.Kind switch
            {
                RouterGroupKind.BgpPeer => Words.Selector(group.Peer?.NodeSelector),
                RouterGroupKind.Label => $"nodes labelled {groupingLabel}={group.Name}",
                _ => "every node (no BgpPeers and no rack labels)",
            };
            cards.Add(new RouterCardModel(group, Words.GroupTitle(group), selector, nodes, group.SelectedNodes.Count - nodes.Count, group.StaleSessions.Count()));
        }
        return cards;
    }

    // Problem nodes first so a truncated card still shows what is wrong.
    private static int Rank(ClusterTopology topology, ClusterSnapshot snapshot, string name, Dictionary<string, NodeSession> sessions)
    {
        var index = snapshot.IndexOfNode(name);
        var speaker = index >= 0 ? topology.Nodes[index].Speaker : SpeakerStatus.None;
        if (sessions.TryGetValue(name, out var session) && session.Health is SessionHealth.Down or SessionHealth.Unknown)
        {
            return 0;
        }
        return speaker switch
        {
            SpeakerStatus.Failed or SpeakerStatus.NotReady or SpeakerStatus.Pending or SpeakerStatus.Terminating => 0,
            SpeakerStatus.Ready => 1,
            _ => 2,
        };
    }
}
