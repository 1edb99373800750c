using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class Findings
{
    private FindingsPageModel _page = FindingsModel.Build(DashboardView.Empty, null);

    /// <summary>The severity filter, e.g. <c>critical</c> or <c>critical,warning</c>; empty shows all.</summary>
    [SupplyParameterFromQuery(Name = "severity")]
    public string? SeverityFilter { get; set; }

    private bool Loading => View.Health.Kinds.Count == 0 || (!View.Health.IsSynced && View.Snapshot.Version == 0);

    protected override void OnViewChanged() => Rebuild();

    // The filter comes from the URL: a new query re-runs this without a new view.
    protected override void OnParametersSet() => Rebuild();

    private void Rebuild() => _page = FindingsModel.Build(View, SeverityFilter);

    private static string FilterHref(SeverityOption option) =>
        option.Query is { } query ? $"findings?severity={query}" : "findings";

    private static Color ButtonColor(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => Color.Error,
        FindingSeverity.Warning => Color.Warning,
        FindingSeverity.Advisory => Color.Info,
        _ => Color.Default,
    };
}
