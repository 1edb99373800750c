using OpenElb.Dashboard.Components.Markup;

namespace OpenElb.Dashboard.Components.Pages;

public partial class Overview
{
    private const int MaxUngrouped = 50;
    private IReadOnlyList<OverviewCard> _cards = [];

    private string GroupingLabel => DashboardOptions.Value.GroupingLabel;

    protected override void OnViewChanged() => _cards = OverviewCards.For(View, GroupingLabel);
}
