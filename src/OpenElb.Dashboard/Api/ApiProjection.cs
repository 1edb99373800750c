using System.Text;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Api;

/// <summary>
/// The API's records for one view: routers, findings and node rows, built once per topology (the first request after a
/// change pays for it, every later request and every health-only update reuses it). Immutable.
/// </summary>
/// <param name="Topology">The topology it was built from (the cache key).</param>
/// <param name="Routers">Every router with its nodes, by name.</param>
/// <param name="Findings">Every finding, most severe first, then by router and rule (the findings page's order).</param>
/// <param name="Rows">The nodes page's rows (filters reuse the page's logic).</param>
/// <param name="Nodes">The slim node records, parallel to <paramref name="Rows"/>.</param>
internal sealed record ApiProjection(
    ClusterTopology Topology,
    IReadOnlyList<RouterItem> Routers,
    IReadOnlyList<FindingItem> Findings,
    NodeRow[] Rows,
    Dictionary<string, NodeItem> Nodes)
{
    public static ApiProjection Create(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var routers = new RouterItem[view.Topology.Groups.Count];
        for (var i = 0; i < routers.Length; i++)
        {
            routers[i] = Router(view, view.Topology.Groups[i]);
        }
        var findings = view.Findings
            .OrderBy(static f => f.Severity)
            .ThenBy(static f => f.Router is null ? 0 : 1)
            .ThenBy(static f => f.Router, StringComparer.Ordinal)
            .ThenBy(static f => f.RuleId, StringComparer.Ordinal)
            .Select(Finding)
            .ToArray();
        var rows = NodesModel.BuildRows(view);
        var nodes = new Dictionary<string, NodeItem>(rows.Length, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            nodes[row.Name] = new NodeItem(
                row.Name, row.Ready, row.Zone, row.Routers, ApiWords.Of(row.Speaker), row.PlacementWantsSpeaker,
                row.Established, row.Expected, row.Stale);
        }
        return new ApiProjection(view.Topology, routers, findings, rows, nodes);
    }

    /// <summary>The router record of <paramref name="group"/>: its selected nodes with speaker and session.</summary>
    public static RouterItem Router(DashboardView view, RouterGroup group)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(group);
        var bgp = group.Kind == RouterGroupKind.BgpPeer;
        var sessions = bgp
            ? group.Sessions.Where(static s => s.Selected).ToDictionary(static s => s.NodeName, StringComparer.Ordinal)
            : null;
        var nodes = new RouterNodeItem[group.SelectedNodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            var name = group.SelectedNodes[i];
            var index = view.Snapshot.IndexOfNode(name);
            var speaker = index >= 0 ? view.Topology.Nodes[index].Speaker : SpeakerStatus.None;
            string? session = null;
            if (sessions is not null)
            {
                session = ApiWords.Of(sessions.TryGetValue(name, out var s) ? s.Health : SessionHealth.NoSpeaker);
            }
            nodes[i] = new RouterNodeItem(name, ApiWords.Of(speaker), session);
        }
        return new RouterItem(
            group.Name,
            ApiWords.Of(group.Kind),
            group.Peer?.NeighborAddress,
            group.Peer?.PeerAs,
            group.Peer?.AdminDown ?? false,
            ApiWords.Of(group.Redundancy),
            group.SpeakerNodes.Count,
            group.Established,
            group.Expected,
            group.StaleSessions.Count(),
            nodes);
    }

    public static FindingItem Finding(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new FindingItem(
            finding.RuleId, ApiWords.Of(finding.Severity), finding.Router, [.. finding.Nodes], finding.Message,
            new RemedyItem(ApiWords.Of(finding.Remedy.Kind), finding.Remedy.Text));
    }
}

/// <summary>The latest <see cref="ApiProjection"/>, rebuilt only when the live view's topology changes. Thread-safe.</summary>
internal sealed class ApiProjectionCache(LiveViewService live, TimeProvider time)
{
    private ApiProjection? _current;

    public TimeProvider Time => time;

    /// <summary>The newest view and its projection.</summary>
    public (DashboardView View, ApiProjection Projection) Get()
    {
        var view = live.Current;
        var projection = Volatile.Read(ref _current);
        if (projection is null || !ReferenceEquals(projection.Topology, view.Topology))
        {
            // Concurrent first requests after a change may both build it; both results are equal and immutable.
            projection = ApiProjection.Create(view);
            Volatile.Write(ref _current, projection);
        }
        return (view, projection);
    }
}

/// <summary>The API's words for Core enums: lower-case, words joined by <c>-</c> (<c>NotReady</c> → <c>not-ready</c>).</summary>
internal static class ApiWords
{
    public static string Of<T>(T value) where T : struct, Enum => Kebab(value.ToString());

    public static string Kebab(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('-');
                }
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary><c>live</c>, <c>syncing</c> or <c>stale</c>, as the header shows it.</summary>
    public static string FeedState(FeedHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return health.Kinds.Any(static k => k.State == SyncState.Stale) ? "stale" : health.IsSynced ? "live" : "syncing";
    }

    public static FeedStatus Feed(FeedHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return new FeedStatus(
            FeedState(health),
            health.IsSynced,
            health.StaleSince,
            health.NextRetryAt,
            [.. health.Kinds.Select(static k => new FeedKindStatus(Of(k.Kind), Of(k.State), k.Count, k.StaleSince, k.LastError))]);
    }
}
