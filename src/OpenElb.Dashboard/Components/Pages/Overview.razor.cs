using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Components.Markup;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class Overview
{
    private const int MaxUngrouped = 50;

    /// <summary>
    /// Cards shown before "Show all": every degraded or critical router is always shown, then healthy ones up to this. At 5,000
    /// nodes all 125 cards were ~1 MB of HTML in every admin page's first render batch (and again in the prerendered
    /// page), which the renderer serializes through 2 MB pooled buffers; 24 cards fill a large screen several times over.
    /// </summary>
    internal const int CardsBeforeShowAll = 24;

    private IReadOnlyList<OverviewCard> _allCards = [];
    private IReadOnlyList<OverviewCard> _cards = [];
    private int _hiddenCards;

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary><c>?routers=all</c> shows every card.</summary>
    [SupplyParameterFromQuery(Name = "routers")]
    public string? RoutersQuery { get; set; }

    private bool ShowAll => string.Equals(RoutersQuery, "all", StringComparison.OrdinalIgnoreCase);

    private string GroupingLabel => DashboardOptions.Value.GroupingLabel;

    private string GroupsWord => View.Topology.GroupKind == RouterGroupKind.BgpPeer ? "routers" : "groups";

    protected override void OnViewChanged()
    {
        _allCards = OverviewCards.For(View, GroupingLabel);
        SelectCards();
    }

    protected override void OnParametersSet()
    {
        SelectCards();
        base.OnParametersSet();
    }

    private void SelectCards()
    {
        var (shown, hidden) = Collapse(_allCards, ShowAll);
        _cards = shown;
        _hiddenCards = hidden;
    }

    /// <summary>
    /// The cards to show: all of them when <paramref name="showAll"/> or when there are few; otherwise every problem
    /// card and the first healthy ones, up to <see cref="CardsBeforeShowAll"/> cards in all.
    /// </summary>
    internal static (IReadOnlyList<OverviewCard> Shown, int Hidden) Collapse(IReadOnlyList<OverviewCard> cards, bool showAll)
    {
        if (showAll || cards.Count <= CardsBeforeShowAll)
        {
            return (cards, 0);
        }
        var problems = 0;
        foreach (var card in cards)
        {
            problems += card.Problem ? 1 : 0;
        }
        var healthy = Math.Max(0, CardsBeforeShowAll - problems);
        if (problems + healthy >= cards.Count)
        {
            return (cards, 0);
        }
        // In the given order (problems first, OverviewModel.Cards), without relying on it.
        var shown = new List<OverviewCard>(problems + healthy);
        foreach (var card in cards)
        {
            if (card.Problem || healthy-- > 0)
            {
                shown.Add(card);
            }
        }
        return (shown, cards.Count - shown.Count);
    }

    // The minimum is the one the topology judged by (Dashboard:MinSpeakersPerRouter).
    private string HiddenCardsText => View.Topology.GroupKind == RouterGroupKind.BgpPeer
        ? $"{Words.Count(_hiddenCards, "more router")} not shown, all OK (at least {Words.Count(DashboardOptions.Value.MinSpeakersPerRouter, "session")} established each). Every degraded or critical router is shown above."
        : $"{Words.Count(_hiddenCards, "more group")} not shown, all OK (at least {Words.Count(DashboardOptions.Value.MinSpeakersPerRouter, "speaker")} ready each). Every degraded or critical group is shown above.";

    private string AllCardsHref => Navigation.GetUriWithQueryParameter("routers", "all");

    private string FewerCardsHref => Navigation.GetUriWithQueryParameter("routers", (string?)null);
}
