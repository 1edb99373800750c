using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class Nodes
{
    /// <summary>The grid's row height in pixels (the CSS fixes it, so virtualization can compute offsets). Internal for tests.</summary>
    internal const float RowHeight = 40;

    private const string AllRouters = "";

    // Rows in the prerendered page, before virtualization takes over.
    private const int StaticRows = 50;

    private static readonly NodeColumn[] s_columns =
    [
        new("Node", "col-name", NodeSortColumn.Name),
        new("Node ready", "col-ready", NodeSortColumn.Ready),
        new("Routers", "col-routers", NodeSortColumn.Routers),
        new("Speaker", "col-speaker", NodeSortColumn.Speaker),
        new("Pod phase", "col-phase", null),
        new("Restarts", "col-restarts num", NodeSortColumn.Restarts),
        new("Age", "col-age num", NodeSortColumn.Age),
        new("Sessions", "col-sessions", NodeSortColumn.Sessions),
        new("Zone", "col-zone", NodeSortColumn.Zone),
        new("Labels", "col-labels", null),
        new("Taints", "col-taints", null),
    ];

    private readonly NodesModel _model = new();
    private DateTimeOffset _now;
    private int? _anchor;

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The router filter (<c>?router=</c>): a router name, or <c>none</c> for nodes under no router.</summary>
    [SupplyParameterFromQuery(Name = NodeQuery.RouterParameter)]
    public string? Router { get; set; }

    /// <summary>The state filter (<c>?state=</c>), e.g. <c>problem</c> or <c>speaker-not-ready</c>.</summary>
    [SupplyParameterFromQuery(Name = NodeQuery.StateParameter)]
    public string? State { get; set; }

    /// <summary>The free-text filter (<c>?q=</c>).</summary>
    [SupplyParameterFromQuery(Name = NodeQuery.TextParameter)]
    public string? Text { get; set; }

    /// <summary>The sort order (<c>?sort=</c>), e.g. <c>-restarts</c>.</summary>
    [SupplyParameterFromQuery(Name = NodeQuery.SortParameter)]
    public string? Sort { get; set; }

    /// <summary>Raised with the selected node names whenever the selection changes (the wizards take it).</summary>
    [Parameter]
    public EventCallback<IReadOnlySet<string>> SelectedNodesChanged { get; set; }

    /// <summary>The selected node names.</summary>
    public IReadOnlySet<string> SelectedNodes => _model.Selected;

    private NodeRow[] Visible => _model.Visible;

    private bool IsBgp => _model.GroupKind == RouterGroupKind.BgpPeer;

    private string RouterFilterLabel => IsBgp ? "Router" : "Group";

    private string RouterValue => _model.Query.Router ?? AllRouters;

    protected override void OnInitialized()
    {
        // The model lives and dies with the page: no need to unsubscribe.
        _model.SelectionChanged += OnSelectionChanged;
        base.OnInitialized();
    }

    protected override void OnParametersSet()
    {
        if (_model.SetQuery(NodeQuery.Parse(Router, State, Text, Sort)))
        {
            _anchor = null;
        }
    }

    protected override void OnViewChanged()
    {
        _now = Time.GetUtcNow();
        if (_model.Update(View))
        {
            _anchor = null;
        }
    }

    private void OnSelectionChanged()
    {
        if (SelectedNodesChanged.HasDelegate)
        {
            _ = InvokeAsync(() => SelectedNodesChanged.InvokeAsync(_model.Selected));
        }
    }

    private Task OnRouterChangedAsync(string? router) =>
        NavigateAsync(_model.Query with { Router = string.IsNullOrEmpty(router) ? null : router });

    private Task OnStateChangedAsync(NodeStateFilter state) => NavigateAsync(_model.Query with { State = state });

    private Task OnTextChangedAsync(string? text) => NavigateAsync(_model.Query with { Text = text?.Trim() ?? "" });

    private Task SortByAsync(NodeSortColumn column) => NavigateAsync(_model.Query with { Sort = _model.Query.Sort.Toggle(column) });

    private Task ShowAllRoutersAsync() => OnRouterChangedAsync(null);

    // The URL is the source of truth: apply the query at once (so the grid answers without a round trip) and write it
    // to the address bar without a history entry; OnParametersSet then sees the same query and does nothing.
    private Task NavigateAsync(NodeQuery query)
    {
        if (_model.SetQuery(query))
        {
            _anchor = null;
        }
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(query.ToQueryParameters()), replace: true);
        return Task.CompletedTask;
    }

    private void OnRowToggleAsync(NodeRowToggle toggle)
    {
        if (toggle.Range && _anchor is { } anchor)
        {
            _model.SetRangeSelected(anchor, toggle.Position, toggle.Selected);
        }
        else
        {
            _model.SetSelected(toggle.Name, toggle.Selected);
        }
        _anchor = toggle.Position;
    }

    private void OnSelectAllChanged(ChangeEventArgs args) => _model.SetAllVisibleSelected(args.Value is true);

    private void ClearSelection() => _model.ClearSelection();

    private string AriaSort(NodeSortColumn? column) =>
        column is { } c && c == _model.Query.Sort.Column ? (_model.Query.Sort.Descending ? "descending" : "ascending") : "none";

    private string SortIcon(NodeSortColumn column) =>
        column != _model.Query.Sort.Column ? Icons.Material.Filled.UnfoldMore
        : _model.Query.Sort.Descending ? Icons.Material.Filled.ArrowDownward : Icons.Material.Filled.ArrowUpward;

    private sealed record NodeColumn(string Title, string Class, NodeSortColumn? Sort);
}
