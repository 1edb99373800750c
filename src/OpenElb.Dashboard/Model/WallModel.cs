using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Components.Markup;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>How a node looks on a wall tile: the word carries the meaning, the colour only repeats it.</summary>
public enum WallNodeState
{
    /// <summary>Speaker ready (and its session established, under a BGP router).</summary>
    Ok,

    /// <summary>Starting, stale or unknown: watch it.</summary>
    Warning,

    /// <summary>Node not ready, speaker failed, session down.</summary>
    Problem,

    /// <summary>No speaker runs here (placement leaves the node out): not a fault, it just does not count.</summary>
    Inactive,
}

/// <summary>One node chip on a wall tile.</summary>
/// <param name="Name">Node name.</param>
/// <param name="State">The chip's state.</param>
/// <param name="Word">The state in one or two words ("up", "session down", "node not ready").</param>
public sealed record WallNode(string Name, WallNodeState State, string Word);

/// <summary>One router (or rack group) on the wall.</summary>
/// <param name="Name">The group's name (stable key).</param>
/// <param name="Title">Heading.</param>
/// <param name="Redundancy">The verdict; shown as a word and an icon as well as a colour.</param>
/// <param name="IsBgp">Whether the tile is a BGP router (sessions) rather than a label group (speakers).</param>
/// <param name="Established">Established sessions (BGP) or ready speakers (label groups).</param>
/// <param name="Expected">Expected sessions (BGP) or selected nodes (label groups).</param>
/// <param name="Nodes">The first nodes, problem nodes first.</param>
/// <param name="HiddenNodes">Nodes not shown on the tile.</param>
public sealed record WallTile(string Name, string Title, RedundancyState Redundancy, bool IsBgp, int Established, int Expected, IReadOnlyList<WallNode> Nodes, int HiddenNodes)
{
    /// <summary>The verdict in capitals, readable from across the room.</summary>
    public string StatusWord => Words.Redundancy(Redundancy).ToUpperInvariant();

    /// <summary>"2 / 3 sessions" or "2 / 3 speakers".</summary>
    public string CountText => string.Create(CultureInfo.InvariantCulture, $"{Established} / {Expected} {(IsBgp ? "sessions" : "speakers")}");

    /// <summary><see cref="Nodes"/> as the tile's <c>&lt;li&gt;</c> rows (<see cref="WallMarkup.Nodes"/>), shared by every wall.</summary>
    public MarkupString NodesHtml { get; init; }
}

/// <summary>A finding on the wall with the time the wall first saw it.</summary>
/// <param name="Finding">The finding.</param>
/// <param name="Since">When it first appeared in the wall's view.</param>
public sealed record WallFinding(Finding Finding, DateTimeOffset Since);

/// <summary>One audit entry on the wall.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="At">When it was requested (UTC).</param>
/// <param name="Text">Action, target and actor in words.</param>
/// <param name="Outcome">The outcome in words.</param>
public sealed record WallAuditRow(long Id, DateTimeOffset At, string Text, string Outcome);

/// <summary>
/// The NOC wall's state: tiles of the newest view, the page shown, the newest findings and audit entries. Everything
/// it holds is bounded by the current view (tiles, first-seen times of current findings) or by the options (audit
/// rows), so weeks of updates leave it the same size. Not thread-safe: use it on the renderer's context.
/// </summary>
public sealed class WallModel
{
    /// <summary>Node chips per tile before "+N more".</summary>
    public const int NodesPerTile = 6;

    /// <summary>A tile's minimum width, height and the gap between tiles, in rem (the wall scales rem with the screen).</summary>
    public const double TileWidthRem = 30, TileHeightRem = 10.5, GapRem = 0.75;

    private readonly WallOptions _options;
    private readonly string _groupingLabel;
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private DateTimeOffset _pageShownAt;

    public WallModel(WallOptions options, string groupingLabel)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _groupingLabel = groupingLabel;
    }

    /// <summary>The view shown.</summary>
    public DashboardView View { get; private set; } = DashboardView.Empty;

    /// <summary>Every tile, problem routers first.</summary>
    public IReadOnlyList<WallTile> Tiles { get; private set; } = [];

    /// <summary>The tiles of the page shown.</summary>
    public IReadOnlyList<WallTile> VisibleTiles { get; private set; } = [];

    /// <summary>Grid columns (from the measured screen; 3 until measured).</summary>
    public int Columns { get; private set; } = 3;

    /// <summary>Grid rows (from the measured screen; 3 until measured).</summary>
    public int Rows { get; private set; } = 3;

    /// <summary>Tiles per page.</summary>
    public int Capacity => Columns * Rows;

    /// <summary>The page shown, from 0.</summary>
    public int PageIndex { get; private set; }

    /// <summary>How many pages the tiles need.</summary>
    public int PageCount => Pages(Tiles.Count, Capacity);

    /// <summary>"page 2 of 3".</summary>
    public string PageText => string.Create(CultureInfo.InvariantCulture, $"page {PageIndex + 1} of {PageCount}");

    /// <summary>The newest findings, most severe first, then newest first; at most <see cref="WallOptions.Findings"/>.</summary>
    public IReadOnlyList<WallFinding> Findings { get; private set; } = [];

    /// <summary>How many findings the view has in all.</summary>
    public int FindingCount => View.Findings.Count;

    /// <summary>The newest audit entries, newest first; empty while unavailable.</summary>
    public IReadOnlyList<WallAuditRow> Audit { get; private set; } = [];

    /// <summary>Why the audit list is not shown (store unavailable, read failed), or <c>null</c>.</summary>
    public string? AuditUnavailable { get; private set; } = "Reading the audit log…";

    /// <summary>The first-seen times the model keeps (one per current finding; tests check it does not grow).</summary>
    internal int RetainedFindingTimes => _firstSeen.Count;

    /// <summary>Shows <paramref name="view"/>.</summary>
    public void Apply(DashboardView view, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        var dataChanged = !ReferenceEquals(View.Snapshot, view.Snapshot);
        View = view;
        if (!dataChanged && Tiles.Count > 0)
        {
            // Health-only update (e.g. stale since): the tiles and findings are those of the same snapshot.
            return;
        }
        Tiles = TilesOf(view, _groupingLabel);
        UpdateFindings(view, now);
        ShowPage(Math.Min(PageIndex, PageCount - 1), now, keepTimer: true);
    }

    /// <summary>Fits the grid into the measured tile area (in rem); returns whether the layout changed.</summary>
    public bool Fit(double widthRem, double heightRem, DateTimeOffset now)
    {
        var (columns, rows) = GridFor(widthRem, heightRem);
        if (columns == Columns && rows == Rows)
        {
            return false;
        }
        Columns = columns;
        Rows = rows;
        ShowPage(Math.Min(PageIndex, PageCount - 1), now, keepTimer: true);
        return true;
    }

    /// <summary>Turns the page when it has been shown for <see cref="WallOptions.PageSeconds"/>; returns whether it turned.</summary>
    public bool Tick(DateTimeOffset now)
    {
        if (PageCount <= 1 || now - _pageShownAt < TimeSpan.FromSeconds(_options.PageSeconds))
        {
            return false;
        }
        ShowPage((PageIndex + 1) % PageCount, now, keepTimer: false);
        return true;
    }

    /// <summary>Whether the feed has been stale for longer than <see cref="WallOptions.StaleOverlaySeconds"/>.</summary>
    public bool IsStale(DateTimeOffset now) =>
        View.Health.StaleSince is { } since && now - since > TimeSpan.FromSeconds(_options.StaleOverlaySeconds);

    /// <summary>The data-age clock's words.</summary>
    public string AgeText(DateTimeOffset now)
    {
        var health = View.Health;
        if (health.Kinds.Count == 0 || View.Snapshot.Version == 0 && !health.IsSynced)
        {
            return "loading…";
        }
        if (health.StaleSince is { } since)
        {
            return $"stale for {Words.Age(now - since)}";
        }
        return health.IsSynced ? $"live · changed {Words.Age(now - View.UpdatedAt)} ago" : "syncing…";
    }

    /// <summary>Shows the newest audit entries (at most <see cref="WallOptions.AuditEntries"/> are kept).</summary>
    public void SetAudit(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var count = Math.Min(entries.Count, _options.AuditEntries);
        var rows = new WallAuditRow[count];
        for (var i = 0; i < count; i++)
        {
            var e = entries[i];
            var target = string.IsNullOrEmpty(e.TargetName) ? e.TargetKind : $"{e.TargetKind}/{e.TargetName}";
            rows[i] = new WallAuditRow(e.Id, new DateTimeOffset(DateTime.SpecifyKind(e.RequestedUtc, DateTimeKind.Utc)), $"{AuditWords.Action(e.Action)} · {target} · {AuditWords.Actor(e)}", AuditWords.Outcome(e.Outcome));
        }
        Audit = rows;
        AuditUnavailable = null;
    }

    /// <summary>Says why there is no audit list; the rows shown before are dropped (they may be outdated).</summary>
    public void SetAuditUnavailable(string reason)
    {
        Audit = [];
        AuditUnavailable = "Audit log unavailable: " + reason;
    }

    /// <summary>Pages needed for <paramref name="tiles"/> tiles at <paramref name="capacity"/> per page (at least 1).</summary>
    public static int Pages(int tiles, int capacity) => tiles <= 0 ? 1 : (tiles + Math.Max(1, capacity) - 1) / Math.Max(1, capacity);

    /// <summary>Columns and rows of tiles that fit into an area of <paramref name="widthRem"/> × <paramref name="heightRem"/> rem (at least 1 × 1).</summary>
    public static (int Columns, int Rows) GridFor(double widthRem, double heightRem)
    {
        static int Fit(double length, double tile) =>
            double.IsFinite(length) ? Math.Clamp((int)Math.Floor((length + GapRem) / (tile + GapRem)), 1, 64) : 1;
        return (Fit(widthRem, TileWidthRem), Fit(heightRem, TileHeightRem));
    }

    private void ShowPage(int index, DateTimeOffset now, bool keepTimer)
    {
        PageIndex = Math.Max(0, index);
        if (!keepTimer)
        {
            _pageShownAt = now;
        }
        else if (_pageShownAt == default)
        {
            _pageShownAt = now;
        }
        var start = PageIndex * Capacity;
        var count = Math.Max(0, Math.Min(Capacity, Tiles.Count - start));
        var visible = new WallTile[count];
        for (var i = 0; i < count; i++)
        {
            visible[i] = Tiles[start + i];
        }
        VisibleTiles = visible;
    }

    private void UpdateFindings(DashboardView view, DateTimeOffset now)
    {
        // Keep first-seen times only for current findings, so the map is as large as the view's findings, never more.
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var finding in view.Findings)
        {
            current.Add(finding.Key);
            _firstSeen.TryAdd(finding.Key, now);
        }
        if (_firstSeen.Count > current.Count)
        {
            foreach (var key in _firstSeen.Keys.Where(k => !current.Contains(k)).ToList())
            {
                _firstSeen.Remove(key);
            }
        }
        Findings = view.Findings
            .Select(f => new WallFinding(f, _firstSeen[f.Key]))
            .OrderBy(static f => f.Finding.Severity)
            .ThenByDescending(static f => f.Since)
            .ThenBy(static f => f.Finding.Key, StringComparer.Ordinal)
            .Take(_options.Findings)
            .ToArray();
    }

    // The tiles depend on the view and the grouping label only, so every wall shares one list per view: 50 walls do the
    // work of one and hold no tiles of their own (issue 9: the per-circuit budget is 500 KB).
    private static readonly ConditionalWeakTable<DashboardView, SharedTiles> s_tiles = [];

    private sealed record SharedTiles(string GroupingLabel, IReadOnlyList<WallTile> Tiles);

    /// <summary>The tiles of <paramref name="view"/>, computed once per view for every wall.</summary>
    internal static IReadOnlyList<WallTile> TilesOf(DashboardView view, string groupingLabel)
    {
        if (s_tiles.TryGetValue(view, out var shared) && shared.GroupingLabel == groupingLabel)
        {
            return shared.Tiles;
        }
        var cards = OverviewModel.Cards(view, groupingLabel);
        // A change touches a router or two: the other tiles keep the previous view's row strings (~3.6 KB a tile), so
        // the versions that views and circuits still hold share them instead of each holding all 125.
        var previous = Volatile.Read(ref s_last) is { } last && last.GroupingLabel == groupingLabel
            ? last.Tiles.ToDictionary(static t => t.Name, StringComparer.Ordinal)
            : null;
        var tiles = new WallTile[cards.Count];
        for (var i = 0; i < cards.Count; i++)
        {
            tiles[i] = Tile(cards[i], previous);
        }
        var computed = new SharedTiles(groupingLabel, tiles);
        s_tiles.AddOrUpdate(view, computed);
        Volatile.Write(ref s_last, computed);
        return tiles;
    }

    // The newest tiles, to reuse unchanged rows from (one list: bounded).
    private static SharedTiles? s_last;

    private static WallTile Tile(RouterCardModel card, Dictionary<string, WallTile>? previous)
    {
        var group = card.Group;
        var isBgp = group.Kind == RouterGroupKind.BgpPeer;
        var count = Math.Min(NodesPerTile, card.Nodes.Count);
        var nodes = new WallNode[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = Node(card.Nodes[i], isBgp);
        }
        return new WallTile(
            group.Name,
            card.Title,
            group.Redundancy,
            isBgp,
            isBgp ? group.Established : group.SpeakerNodes.Count,
            isBgp ? group.Expected : group.SelectedNodes.Count,
            nodes,
            card.HiddenNodes + card.Nodes.Count - count)
        {
            NodesHtml = previous is not null && previous.TryGetValue(group.Name, out var before) && before.Nodes.SequenceEqual(nodes)
                ? before.NodesHtml
                : WallMarkup.Nodes(nodes),
        };
    }

    private static WallNode Node(RouterCardNode node, bool isBgp)
    {
        if (!node.NodeReady)
        {
            return new WallNode(node.Name, WallNodeState.Problem, "node not ready");
        }
        switch (node.Speaker)
        {
            case SpeakerStatus.None:
                return new WallNode(node.Name, WallNodeState.Inactive, "no speaker");
            case SpeakerStatus.Failed or SpeakerStatus.NotReady:
                return new WallNode(node.Name, WallNodeState.Problem, Words.Speaker(node.Speaker));
            case SpeakerStatus.Pending or SpeakerStatus.Terminating:
                return new WallNode(node.Name, WallNodeState.Warning, Words.Speaker(node.Speaker));
        }
        if (!isBgp)
        {
            return new WallNode(node.Name, WallNodeState.Ok, "speaker up");
        }
        return node.Session?.Health switch
        {
            SessionHealth.Established => new WallNode(node.Name, WallNodeState.Ok, "up"),
            SessionHealth.Down => new WallNode(node.Name, WallNodeState.Problem, "session down"),
            SessionHealth.Stale => new WallNode(node.Name, WallNodeState.Warning, "stale status"),
            _ => new WallNode(node.Name, WallNodeState.Warning, "no status"),
        };
    }
}
