using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class Overview
{
    private const int MaxUngrouped = 50;
    private IReadOnlyList<RouterCardModel> _cards = [];

    private string GroupingLabel => DashboardOptions.Value.GroupingLabel;

    protected override void OnViewChanged() => _cards = OverviewModel.Cards(View, GroupingLabel);
}
