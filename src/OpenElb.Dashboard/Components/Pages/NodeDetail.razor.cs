using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class NodeDetail
{
    private NodeDetailViewModel? _detail;
    private DateTimeOffset _now;
    private string? _builtFor;
    private DashboardView? _builtFrom;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The node's name (from the route).</summary>
    [Parameter]
    public string Name { get; set; } = "";

    private bool IsBgp => View.Topology.GroupKind == RouterGroupKind.BgpPeer;

    protected override void OnParametersSet() => Rebuild();

    protected override void OnViewChanged() => Rebuild();

    // Once per view or name, never per render.
    private void Rebuild()
    {
        if (ReferenceEquals(_builtFrom, View) && _builtFor == Name)
        {
            return;
        }
        _builtFrom = View;
        _builtFor = Name;
        _now = Time.GetUtcNow();
        _detail = NodeDetailModel.Build(View, Name, _now);
        _breadcrumbs = [new BreadcrumbItem("Nodes", "nodes"), new BreadcrumbItem(Name, null, disabled: true)];
    }
}
