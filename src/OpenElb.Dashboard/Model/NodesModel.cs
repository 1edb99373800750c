using System.Globalization;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>The state filter of the nodes page.</summary>
public enum NodeStateFilter
{
    /// <summary>Every node.</summary>
    All,

    /// <summary>Nodes with something wrong: not ready, a speaker that is not working, a missing speaker the placement wants, or a session down.</summary>
    Problem,

    /// <summary>Nodes without a speaker pod.</summary>
    NoSpeaker,

    /// <summary>Nodes with a live, Ready speaker.</summary>
    SpeakerReady,

    /// <summary>Nodes with a speaker pod that is not Ready (starting, not ready, terminating, failed).</summary>
    SpeakerNotReady,

    /// <summary>Nodes with a live speaker whose session with a router that selects them is not established.</summary>
    SessionDown,

    /// <summary>Nodes with a stale session entry (a router's status names the node, but no live speaker runs there).</summary>
    Stale,

    /// <summary>Nodes whose Ready condition is not True.</summary>
    NodeNotReady,
}

/// <summary>The columns the nodes grid sorts by.</summary>
public enum NodeSortColumn
{
    /// <summary>Node name (the default).</summary>
    Name,

    /// <summary>Node readiness (ready first).</summary>
    Ready,

    /// <summary>Router names.</summary>
    Routers,

    /// <summary>Speaker status (working first, no speaker last).</summary>
    Speaker,

    /// <summary>Speaker container restarts.</summary>
    Restarts,

    /// <summary>Speaker pod age (youngest first).</summary>
    Age,

    /// <summary>Established sessions.</summary>
    Sessions,

    /// <summary>Zone label.</summary>
    Zone,
}

/// <summary>A sort order: a column and a direction.</summary>
/// <param name="Column">The column.</param>
/// <param name="Descending">Whether the order is reversed (missing values stay last either way).</param>
public sealed record NodeSort(NodeSortColumn Column, bool Descending = false)
{
    /// <summary>By name, ascending.</summary>
    public static NodeSort Default { get; } = new(NodeSortColumn.Name);

    /// <summary>The URL form: the column in lower case, prefixed with <c>-</c> when descending (<c>-restarts</c>).</summary>
    public override string ToString() => (Descending ? "-" : "") + NodeQuery.ColumnToken(Column);

    /// <summary>Parses the URL form; anything unknown gives <see cref="Default"/>.</summary>
    public static NodeSort Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Default;
        }
        text = text.Trim();
        var descending = text.StartsWith('-');
        var token = descending ? text[1..] : text;
        foreach (var column in Enum.GetValues<NodeSortColumn>())
        {
            if (string.Equals(NodeQuery.ColumnToken(column), token, StringComparison.OrdinalIgnoreCase))
            {
                return new NodeSort(column, descending);
            }
        }
        return Default;
    }

    /// <summary>The order after the user picks <paramref name="column"/>: the same column flips, another starts ascending.</summary>
    public NodeSort Toggle(NodeSortColumn column) => column == Column ? this with { Descending = !Descending } : new NodeSort(column);
}

/// <summary>
/// The nodes page's filters and sort, as kept in the URL (<c>?router=…&amp;state=…&amp;q=…&amp;sort=…</c>). Default values
/// are left out of the URL.
/// </summary>
/// <param name="Router">A router (group) name, <see cref="NoRouter"/> for nodes under no router, or <c>null</c> for all.</param>
/// <param name="State">The state filter.</param>
/// <param name="Text">Free text matched against name, labels and taints (whitespace-separated terms, all must match).</param>
/// <param name="Sort">The sort order.</param>
public sealed record NodeQuery(string? Router, NodeStateFilter State, string Text, NodeSort Sort)
{
    /// <summary>
    /// The router filter value for nodes under no router (the overview links to <c>nodes?router=none</c>). A BgpPeer
    /// literally named <c>none</c> cannot be filtered by name; the overview's link already fixed this spelling.
    /// </summary>
    public const string NoRouter = "none";

    /// <summary>Query parameter names.</summary>
    public const string RouterParameter = "router", StateParameter = "state", TextParameter = "q", SortParameter = "sort";

    /// <summary>No filter, sorted by name.</summary>
    public static NodeQuery Default { get; } = new(null, NodeStateFilter.All, "", NodeSort.Default);

    /// <summary>Builds a query from URL values; unknown or empty values fall back to the defaults.</summary>
    public static NodeQuery Parse(string? router, string? state, string? text, string? sort) => new(
        string.IsNullOrWhiteSpace(router) ? null : router.Trim(),
        ParseState(state),
        text?.Trim() ?? "",
        NodeSort.Parse(sort));

    /// <summary>The query parameters to put in the URL; <c>null</c> removes a parameter (its value is the default).</summary>
    public IReadOnlyDictionary<string, object?> ToQueryParameters() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        [RouterParameter] = Router,
        [StateParameter] = State == NodeStateFilter.All ? null : StateToken(State),
        [TextParameter] = Text.Length == 0 ? null : Text,
        [SortParameter] = Sort == NodeSort.Default ? null : Sort.ToString(),
    };

    /// <summary>The URL token of a state filter (<c>speaker-not-ready</c>).</summary>
    public static string StateToken(NodeStateFilter state) => state switch
    {
        NodeStateFilter.All => "all",
        NodeStateFilter.Problem => "problem",
        NodeStateFilter.NoSpeaker => "no-speaker",
        NodeStateFilter.SpeakerReady => "speaker-ready",
        NodeStateFilter.SpeakerNotReady => "speaker-not-ready",
        NodeStateFilter.SessionDown => "session-down",
        NodeStateFilter.Stale => "stale",
        NodeStateFilter.NodeNotReady => "node-not-ready",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>The state filter in words, for the filter's options.</summary>
    public static string StateLabel(NodeStateFilter state) => state switch
    {
        NodeStateFilter.All => "All nodes",
        NodeStateFilter.Problem => "Problems",
        NodeStateFilter.NoSpeaker => "No speaker",
        NodeStateFilter.SpeakerReady => "Speaker ready",
        NodeStateFilter.SpeakerNotReady => "Speaker not ready",
        NodeStateFilter.SessionDown => "Session down",
        NodeStateFilter.Stale => "Stale session entry",
        NodeStateFilter.NodeNotReady => "Node not ready",
        _ => state.ToString(),
    };

    private static NodeStateFilter ParseState(string? text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            foreach (var state in Enum.GetValues<NodeStateFilter>())
            {
                if (string.Equals(StateToken(state), text.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return state;
                }
            }
        }
        return NodeStateFilter.All;
    }

    internal static string ColumnToken(NodeSortColumn column) => column.ToString().ToLowerInvariant();
}

/// <summary>One row of the nodes grid, built once per view update. Immutable.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Ready">Whether the node is Ready.</param>
/// <param name="Unschedulable">Whether the node is cordoned.</param>
/// <param name="RouterIndexes">Indexes into the topology's groups of the routers the node sits under.</param>
/// <param name="Routers">Their names, sorted.</param>
/// <param name="Speaker">Speaker status.</param>
/// <param name="Pod">The most relevant speaker pod, when any.</param>
/// <param name="Established">Established sessions with routers that select the node.</param>
/// <param name="Expected">Sessions the node should have: routers that select it (and are not admin-down) while it runs a live speaker.</param>
/// <param name="Down">Sessions of a live speaker that are not established (including no status yet).</param>
/// <param name="Stale">Stale status entries naming the node (any router).</param>
/// <param name="Zone">Zone label.</param>
/// <param name="LabelsText">Labels as <c>k=v, …</c>, without the ones every node has or other columns show (see <see cref="NodesModel.IsRoutineLabel"/>).</param>
/// <param name="AllLabelsText">Every label as <c>k=v, …</c>.</param>
/// <param name="TaintsText">Taints as <c>key=value:Effect, …</c>.</param>
/// <param name="PlacementWantsSpeaker">Whether the speaker placement puts a speaker on the node.</param>
public sealed record NodeRow(
    string Name,
    bool Ready,
    bool Unschedulable,
    EquatableArray<int> RouterIndexes,
    EquatableArray<string> Routers,
    SpeakerStatus Speaker,
    SpeakerPod? Pod,
    int Established,
    int Expected,
    int Down,
    int Stale,
    string? Zone,
    string LabelsText,
    string AllLabelsText,
    string TaintsText,
    bool PlacementWantsSpeaker)
{
    /// <summary>Router names for the cell: the first few and "+N".</summary>
    public string RoutersText { get; } = Routers.Count switch
    {
        0 => "none",
        <= 3 => string.Join(", ", Routers),
        _ => string.Join(", ", Routers.Take(3)) + $" +{Routers.Count - 3}",
    };

    /// <summary>Whether a speaker pod exists that is not working (starting, not ready, terminating, failed).</summary>
    public bool SpeakerNotReady => Speaker is not (SpeakerStatus.Ready or SpeakerStatus.None);

    /// <summary>Whether something is wrong with the node (see <see cref="NodeStateFilter.Problem"/>).</summary>
    public bool IsProblem => !Ready || SpeakerNotReady || Down > 0 || (PlacementWantsSpeaker && Speaker == SpeakerStatus.None);

    /// <summary>What the free-text filter searches: name, labels and taints.</summary>
    internal string SearchText { get; } = Name + "\n" + AllLabelsText + "\n" + TaintsText;

    /// <summary>Sessions as "established / expected", or a dash when none is expected.</summary>
    public string SessionsText => Expected == 0 && Established == 0
        ? "—"
        : Established.ToString(CultureInfo.InvariantCulture) + " / " + Expected.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the row passes <paramref name="state"/>.</summary>
    public bool Matches(NodeStateFilter state) => state switch
    {
        NodeStateFilter.All => true,
        NodeStateFilter.Problem => IsProblem,
        NodeStateFilter.NoSpeaker => Speaker == SpeakerStatus.None,
        NodeStateFilter.SpeakerReady => Speaker == SpeakerStatus.Ready,
        NodeStateFilter.SpeakerNotReady => SpeakerNotReady,
        NodeStateFilter.SessionDown => Down > 0,
        NodeStateFilter.Stale => Stale > 0,
        NodeStateFilter.NodeNotReady => !Ready,
        _ => true,
    };
}

/// <summary>A click on a row's checkbox.</summary>
/// <param name="Position">The row's position among the visible rows.</param>
/// <param name="Name">The node.</param>
/// <param name="Selected">The state the user asked for.</param>
/// <param name="Range">Whether Shift was held: apply <paramref name="Selected"/> from the previously clicked row to this one.</param>
public sealed record NodeRowToggle(int Position, string Name, bool Selected, bool Range);

/// <summary>A visible row and its position among the visible rows.</summary>
/// <param name="Position">Zero-based position.</param>
/// <param name="Row">The row.</param>
public readonly record struct VisibleNodeRow(int Position, NodeRow Row);

/// <summary>
/// The nodes page's state: rows built once per view, the filtered and sorted rows rebuilt only when the view or the
/// query changes (never per render), and the selection. Not thread-safe: use it on the renderer's context.
/// </summary>
public sealed class NodesModel
{
    private readonly HashSet<string> _selected = new(StringComparer.Ordinal);
    private ClusterTopology? _topology;
    private NodeRow[] _rows = [];
    private NodeRow[] _visible = [];
    private VisibleNodeRow[] _visibleRows = [];
    private string[] _routerNames = [];
    private NodeQuery _query = NodeQuery.Default;
    private bool _dirty = true;

    /// <summary>Raised when the selection changes (by the user, or because selected nodes were deleted).</summary>
    public event Action? SelectionChanged;

    /// <summary>Every row, in node-name order.</summary>
    public IReadOnlyList<NodeRow> Rows => _rows;

    /// <summary>The rows that pass the query, in its order. The same instance until the view or the query changes.</summary>
    public NodeRow[] Visible
    {
        get
        {
            Refresh();
            return _visible;
        }
    }

    /// <summary><see cref="Visible"/> with each row's position (for <c>aria-rowindex</c> and range selection).</summary>
    public VisibleNodeRow[] VisibleRows
    {
        get
        {
            Refresh();
            return _visibleRows;
        }
    }

    private void Refresh()
    {
        if (!_dirty)
        {
            return;
        }
        _visible = Filter(_rows, _query, _topology);
        _visibleRows = new VisibleNodeRow[_visible.Length];
        for (var i = 0; i < _visible.Length; i++)
        {
            _visibleRows[i] = new VisibleNodeRow(i, _visible[i]);
        }
        _dirty = false;
    }

    /// <summary>The router (group) names, sorted, for the router filter.</summary>
    public IReadOnlyList<string> RouterNames => _routerNames;

    /// <summary>How groups were formed (BgpPeers, or labels without BgpPeers).</summary>
    public RouterGroupKind GroupKind => _topology?.GroupKind ?? RouterGroupKind.BgpPeer;

    /// <summary>The current query.</summary>
    public NodeQuery Query => _query;

    /// <summary>Whether the router filter names a router that does not exist (anymore).</summary>
    public bool UnknownRouter => _query.Router is { } router && router != NodeQuery.NoRouter && _topology?.FindGroup(router) is null;

    /// <summary>The selected node names (the wizards take these).</summary>
    public IReadOnlySet<string> Selected => _selected;

    /// <summary>Rebuilds the rows when <paramref name="view"/> carries a new topology; returns whether it did.</summary>
    public bool Update(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (ReferenceEquals(view.Topology, _topology))
        {
            return false;
        }
        _topology = view.Topology;
        _rows = BuildRows(view);
        _routerNames = [.. view.Topology.Groups.Select(static g => g.Name)];
        _dirty = true;
        // Deleted nodes leave the selection, so a wizard never receives a node that is gone.
        if (_selected.Count > 0 && _selected.RemoveWhere(name => view.Snapshot.IndexOfNode(name) < 0) > 0)
        {
            SelectionChanged?.Invoke();
        }
        return true;
    }

    /// <summary>Applies a query; returns whether it differed from the current one.</summary>
    public bool SetQuery(NodeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query == _query)
        {
            return false;
        }
        _query = query;
        _dirty = true;
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is selected.</summary>
    public bool IsSelected(string name) => _selected.Contains(name);

    /// <summary>Selects or deselects one node.</summary>
    public void SetSelected(string name, bool selected)
    {
        if (selected ? _selected.Add(name) : _selected.Remove(name))
        {
            SelectionChanged?.Invoke();
        }
    }

    /// <summary>Selects or deselects the visible rows from position <paramref name="from"/> to <paramref name="to"/> (inclusive, either order).</summary>
    public void SetRangeSelected(int from, int to, bool selected)
    {
        var rows = Visible;
        var changed = false;
        for (var i = Math.Max(0, Math.Min(from, to)); i <= Math.Min(rows.Length - 1, Math.Max(from, to)); i++)
        {
            changed |= selected ? _selected.Add(rows[i].Name) : _selected.Remove(rows[i].Name);
        }
        if (changed)
        {
            SelectionChanged?.Invoke();
        }
    }

    /// <summary>Whether every visible row is selected (and there is at least one).</summary>
    public bool AllVisibleSelected
    {
        get
        {
            var rows = Visible;
            if (rows.Length == 0 || _selected.Count < rows.Length)
            {
                return false;
            }
            foreach (var row in rows)
            {
                if (!_selected.Contains(row.Name))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Selects every visible row, or deselects them all.</summary>
    public void SetAllVisibleSelected(bool selected) => SetRangeSelected(0, Visible.Length - 1, selected);

    /// <summary>Clears the selection.</summary>
    public void ClearSelection()
    {
        if (_selected.Count > 0)
        {
            _selected.Clear();
            SelectionChanged?.Invoke();
        }
    }

    /// <summary>Builds one row per node of <paramref name="view"/>, in snapshot (name) order. Cost: nodes plus status entries.</summary>
    public static NodeRow[] BuildRows(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var topology = view.Topology;
        var snapshot = view.Snapshot;
        var count = topology.Nodes.Count;
        var established = new int[count];
        var expected = new int[count];
        var down = new int[count];
        var stale = new int[count];
        // One pass over every group's sessions (selected nodes plus leftover entries), not nodes × routers.
        foreach (var group in topology.Groups)
        {
            var adminDown = group.Peer?.AdminDown == true;
            foreach (var session in group.Sessions)
            {
                var i = snapshot.IndexOfNode(session.NodeName);
                if (i < 0 || i >= count)
                {
                    continue;
                }
                if (session.Health == SessionHealth.Stale)
                {
                    stale[i]++;
                    continue;
                }
                if (!session.Selected || adminDown)
                {
                    continue;
                }
                switch (session.Health)
                {
                    case SessionHealth.Established:
                        established[i]++;
                        expected[i]++;
                        break;
                    case SessionHealth.Down or SessionHealth.Unknown:
                        down[i]++;
                        expected[i]++;
                        break;
                }
            }
        }

        var rows = new NodeRow[count];
        for (var i = 0; i < count; i++)
        {
            var node = topology.Nodes[i];
            var info = node.Node;
            var routers = new string[node.Routers.Count];
            for (var r = 0; r < routers.Length; r++)
            {
                routers[r] = topology.Groups[node.Routers[r]].Name;
            }
            rows[i] = new NodeRow(
                info.Name,
                info.Ready,
                info.Unschedulable,
                node.Routers,
                new(routers),
                node.Speaker,
                node.SpeakerPod,
                established[i],
                expected[i],
                down[i],
                stale[i],
                info.Zone,
                string.Join(", ", info.Labels.Where(static l => !IsRoutineLabel(l.Key)).Select(LabelText)),
                string.Join(", ", info.Labels.Select(LabelText)),
                info.Taints.IsEmpty ? "" : string.Join(", ", info.Taints.Select(static t => t.ToString())),
                node.Placement.ShouldRun);
        }
        return rows;
    }

    /// <summary>
    /// Labels the grid's label column leaves out: set on every node by the kubelet (hostname, os, arch and their beta
    /// forms) or shown in a column of their own (zone). Search and the node page still see them.
    /// </summary>
    public static bool IsRoutineLabel(string key) => key is Core.KnownLabels.Hostname or Core.KnownLabels.Os or Core.KnownLabels.Zone or "kubernetes.io/arch"
        || key.StartsWith("beta.kubernetes.io/", StringComparison.Ordinal);

    private static string LabelText(KeyValuePair<string, string> label) => label.Value.Length == 0 ? label.Key : label.Key + "=" + label.Value;

    /// <summary>The rows of <paramref name="rows"/> that pass <paramref name="query"/>, sorted by it (ties by name).</summary>
    public static NodeRow[] Filter(IReadOnlyList<NodeRow> rows, NodeQuery query, ClusterTopology? topology)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(query);
        var routerIndex = -1;
        var noRouter = false;
        if (query.Router is { } router)
        {
            if (router == NodeQuery.NoRouter)
            {
                noRouter = true;
            }
            else
            {
                routerIndex = IndexOfGroup(topology, router);
                if (routerIndex < 0)
                {
                    return [];
                }
            }
        }
        var terms = query.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var result = new List<NodeRow>();
        foreach (var row in rows)
        {
            if (noRouter ? !row.RouterIndexes.IsEmpty : routerIndex >= 0 && !Contains(row.RouterIndexes, routerIndex))
            {
                continue;
            }
            if (!row.Matches(query.State) || !MatchesText(row, terms))
            {
                continue;
            }
            result.Add(row);
        }
        var array = result.ToArray();
        // Rows arrive in name order; only another order needs a sort.
        if (query.Sort != NodeSort.Default)
        {
            Array.Sort(array, Comparer(query.Sort));
        }
        return array;
    }

    private static int IndexOfGroup(ClusterTopology? topology, string name)
    {
        if (topology is null)
        {
            return -1;
        }
        for (var g = 0; g < topology.Groups.Count; g++)
        {
            if (string.Equals(topology.Groups[g].Name, name, StringComparison.Ordinal))
            {
                return g;
            }
        }
        return -1;
    }

    private static bool Contains(EquatableArray<int> indexes, int value) => indexes.AsSpan().Contains(value);

    private static bool MatchesText(NodeRow row, string[] terms)
    {
        foreach (var term in terms)
        {
            if (!row.SearchText.Contains(term, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The comparison for a sort order; missing values (no pod, no zone) stay last in both directions, ties go by name.</summary>
    public static Comparison<NodeRow> Comparer(NodeSort sort)
    {
        ArgumentNullException.ThrowIfNull(sort);
        var sign = sort.Descending ? -1 : 1;
        return (a, b) =>
        {
            var c = sort.Column switch
            {
                NodeSortColumn.Name => sign * string.CompareOrdinal(a.Name, b.Name),
                NodeSortColumn.Ready => sign * b.Ready.CompareTo(a.Ready),
                NodeSortColumn.Routers => NullsLast(a.Routers.IsEmpty ? null : a.RoutersText, b.Routers.IsEmpty ? null : b.RoutersText, sign, string.CompareOrdinal),
                NodeSortColumn.Speaker => sign * SpeakerRank(a.Speaker).CompareTo(SpeakerRank(b.Speaker)),
                NodeSortColumn.Restarts => NullsLast(a.Pod?.Restarts, b.Pod?.Restarts, sign, static (x, y) => x!.Value.CompareTo(y!.Value)),
                // Youngest first: a later start time is a smaller age.
                NodeSortColumn.Age => NullsLast(a.Pod?.StartTime, b.Pod?.StartTime, sign, static (x, y) => y!.Value.CompareTo(x!.Value)),
                NodeSortColumn.Sessions => sign * (a.Established != b.Established ? a.Established.CompareTo(b.Established) : a.Expected.CompareTo(b.Expected)),
                NodeSortColumn.Zone => NullsLast(a.Zone, b.Zone, sign, string.CompareOrdinal),
                _ => 0,
            };
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        };
    }

    private static int NullsLast<T>(T? a, T? b, int sign, Func<T?, T?, int> compare)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : 1) : -1;
        }
        return sign * compare(a, b);
    }

    // Working speakers first, then the ones on their way, broken ones, and nodes without a speaker last.
    private static int SpeakerRank(SpeakerStatus status) => status switch
    {
        SpeakerStatus.Ready => 0,
        SpeakerStatus.Pending => 1,
        SpeakerStatus.Terminating => 2,
        SpeakerStatus.NotReady => 3,
        SpeakerStatus.Failed => 4,
        _ => 5,
    };
}
