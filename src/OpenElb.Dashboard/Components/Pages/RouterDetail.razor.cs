using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class RouterDetail
{
    private RouterDetailModel? _model;
    private IReadOnlyList<string> _knownRouters = [];
    private List<BreadcrumbItem> _breadcrumbs = [];
    private DateTimeOffset _now;

    // The last router shown, so that "not found" can say it was deleted rather than never existed.
    private string? _shownName;

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The BgpPeer's name.</summary>
    [Parameter]
    public string Name { get; set; } = "";

    private bool Deleted => string.Equals(_shownName, Name, StringComparison.Ordinal);

    private bool Loading => View.Health.Kinds.Count == 0 || (!View.Health.IsSynced && View.Snapshot.Version == 0);

    protected override void OnViewChanged() => Rebuild();

    protected override void OnParametersSet()
    {
        _breadcrumbs = [new("Overview", href: ""), new(Name, href: null, disabled: true)];
        Rebuild();
    }

    private void Rebuild()
    {
        var model = RouterDetailModel.Create(View, Name);
        _shownName = model?.Peer.Name ?? _shownName;
        _model = model;
        _knownRouters = model is null ? RouterDetailModel.KnownRouters(View) : [];
        _now = Time.GetUtcNow();
    }
}
