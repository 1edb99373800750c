using System.Text;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>One node's line in a router's session table.</summary>
/// <param name="Name">Node name.</param>
/// <param name="NodeExists">Whether the node still exists (a stale entry may name a deleted node).</param>
/// <param name="NodeReady">Whether the node is Ready.</param>
/// <param name="Speaker">The node's speaker status.</param>
/// <param name="Session">The node's session with the router.</param>
public sealed record RouterNodeRow(string Name, bool NodeExists, bool NodeReady, SpeakerStatus Speaker, NodeSession Session)
{
    /// <summary>The raw state the speaker reported, in words.</summary>
    public string StateText => Session.Entry is not { } entry ? "no status entry"
        : Stale ? "last reported " + Words.SessionState(entry.State)
        : Words.SessionState(entry.State);

    /// <summary>Whether the entry is stale: present without a live speaker, so it does not count.</summary>
    public bool Stale => Session.Health == SessionHealth.Stale;

    /// <summary>Messages as "received / sent", or <c>null</c> without an entry.</summary>
    public string? MessagesText => Session.Entry is { } entry ? $"{entry.MessagesReceived} received / {entry.MessagesSent} sent" : null;
}

/// <summary>What the router detail page shows for one BgpPeer.</summary>
/// <param name="Group">The router group.</param>
/// <param name="Peer">The BgpPeer.</param>
/// <param name="SelectorText">The node selector in words.</param>
/// <param name="RawSelector">The node selector as written (YAML-like), or <c>null</c> when the BgpPeer has none.</param>
/// <param name="BgpConf">The BgpConf named default, when present.</param>
/// <param name="SelectedNodes">The nodes the selector selects, problems first.</param>
/// <param name="UnselectedEntries">Status entries of nodes the router does not select (stale or awaiting a restart).</param>
/// <param name="Findings">The findings about this router, most severe first.</param>
public sealed record RouterDetailModel(
    RouterGroup Group,
    BgpPeerInfo Peer,
    string SelectorText,
    string? RawSelector,
    BgpConfInfo? BgpConf,
    IReadOnlyList<RouterNodeRow> SelectedNodes,
    IReadOnlyList<RouterNodeRow> UnselectedEntries,
    IReadOnlyList<FindingRow> Findings)
{
    /// <summary>
    /// The model for the BgpPeer called <paramref name="name"/>, or <c>null</c> when there is none (never existed, or
    /// deleted). Cost: the router's nodes and entries plus one pass over the findings.
    /// </summary>
    public static RouterDetailModel? Create(DashboardView view, string name)
    {
        ArgumentNullException.ThrowIfNull(view);
        var group = view.Topology.FindGroup(name);
        if (group is not { Kind: RouterGroupKind.BgpPeer, Peer: { } peer })
        {
            return null;
        }
        var sessions = group.Sessions.Where(static s => s.Selected).ToDictionary(static s => s.NodeName, StringComparer.Ordinal);
        var selected = group.SelectedNodes
            .Select(n => Row(view, n, sessions.GetValueOrDefault(n) ?? new NodeSession(n, SessionHealth.NoSpeaker, null, Selected: true)))
            .OrderBy(static r => Rank(r))
            .ThenBy(static r => r.Name, StringComparer.Ordinal)
            .ToList();
        var unselected = group.Sessions.Where(static s => !s.Selected)
            .Select(s => Row(view, s.NodeName, s))
            .ToList();
        var findings = view.Findings
            .Where(f => string.Equals(f.Router, name, StringComparison.Ordinal))
            .OrderBy(static f => f.Severity)
            .ThenBy(static f => f.RuleId, StringComparer.Ordinal)
            .Select(f => FindingsModel.Row(view.Topology, f))
            .ToList();
        return new RouterDetailModel(group, peer, Words.Selector(peer.NodeSelector), FormatSelector(peer.NodeSelector), view.Snapshot.BgpConf, selected, unselected, findings);
    }

    /// <summary>The router names that do exist, for the "not found" state.</summary>
    public static IReadOnlyList<string> KnownRouters(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return [.. view.Topology.Groups.Where(static g => g.Kind == RouterGroupKind.BgpPeer).Select(static g => g.Name)];
    }

    /// <summary>A label selector as written in the BgpPeer's spec, YAML-like; <c>null</c> for no selector.</summary>
    public static string? FormatSelector(LabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }
        if (selector.IsEmpty)
        {
            return "{}";
        }
        var text = new StringBuilder();
        if (selector.MatchLabels.Count > 0)
        {
            text.Append("matchLabels:\n");
            foreach (var (key, value) in selector.MatchLabels)
            {
                text.Append("  ").Append(key).Append(": ").Append(value).Append('\n');
            }
        }
        if (!selector.MatchExpressions.IsEmpty)
        {
            text.Append("matchExpressions:\n");
            foreach (var r in selector.MatchExpressions)
            {
                text.Append("  - key: ").Append(r.Key).Append("\n    operator: ").Append(r.Operator).Append('\n');
                if (!r.Values.IsEmpty)
                {
                    text.Append("    values: [").Append(string.Join(", ", r.Values)).Append("]\n");
                }
            }
        }
        return text.ToString().TrimEnd('\n');
    }

    private static RouterNodeRow Row(DashboardView view, string name, NodeSession session)
    {
        var index = view.Snapshot.IndexOfNode(name);
        var node = index >= 0 ? view.Topology.Nodes[index] : null;
        return new RouterNodeRow(name, node is not null, node?.Node.Ready ?? false, node?.Speaker ?? SpeakerStatus.None, session);
    }

    // Problems first, so the rows that need attention are at the top of a long table.
    private static int Rank(RouterNodeRow row) => row.Session.Health switch
    {
        SessionHealth.Down or SessionHealth.Unknown or SessionHealth.Stale => 0,
        SessionHealth.NoSpeaker => 1,
        _ => 2,
    };
}
