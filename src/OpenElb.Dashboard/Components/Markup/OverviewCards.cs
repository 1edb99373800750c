using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Markup;

/// <summary>One router card of the overview, as finished HTML.</summary>
/// <param name="Router">The group's name (the card's <c>data-router</c>).</param>
/// <param name="Html">The card.</param>
/// <param name="Problem">The group has fewer than two working speakers or sessions (degraded or critical).</param>
public sealed record OverviewCard(string Router, MarkupString Html, bool Problem = false);

/// <summary>
/// The overview's router cards as static HTML, built once per view for every circuit. At 5,000 nodes the overview
/// shows 125 cards of up to 12 node rows; as MudBlazor components that was ~12,600 component instances and ~112 MB
/// per circuit (issue 9, a heap dump of one overview page). Cards have no behaviour besides links, and Blazor handles
/// a plain anchor's navigation, so each card is one markup frame of a string all circuits share. A card whose HTML
/// did not change since the last view keeps the same string instance, so the circuits' diffs compare references.
/// </summary>
public static class OverviewCards
{
    private static readonly ConditionalWeakTable<DashboardView, Computed> s_byView = [];
    private static readonly Lock s_lock = new();
    // The last cards per grouping label (one label in a running app), weakly: only to reuse unchanged cards' strings.
    private static readonly Dictionary<string, WeakReference<Computed>> s_last = new(StringComparer.Ordinal);

    private sealed record Computed(string GroupingLabel, IReadOnlyList<OverviewCard> Cards);

    /// <summary>The cards of <paramref name="view"/>, problem routers first (<see cref="OverviewModel.Cards"/>).</summary>
    public static IReadOnlyList<OverviewCard> For(DashboardView view, string groupingLabel)
    {
        ArgumentNullException.ThrowIfNull(view);
        lock (s_lock)
        {
            if (s_byView.TryGetValue(view, out var known) && known.GroupingLabel == groupingLabel)
            {
                return known.Cards;
            }
            var previous = s_last.TryGetValue(groupingLabel, out var weak) && weak.TryGetTarget(out var last)
                ? last.Cards.ToDictionary(static c => c.Router, static c => c.Html.Value, StringComparer.Ordinal)
                : null;
            var cards = OverviewModel.Cards(view, groupingLabel).Select(card =>
            {
                var html = Render(card);
                // Same text as before: keep the old instance (equal strings compare by reference first in the diff).
                if (previous is not null && previous.TryGetValue(card.Group.Name, out var old) && string.Equals(old, html, StringComparison.Ordinal))
                {
                    html = old;
                }
                return new OverviewCard(card.Group.Name, new MarkupString(html), card.Group.Redundancy != RedundancyState.Ok);
            }).ToList();
            var computed = new Computed(groupingLabel, cards);
            s_byView.AddOrUpdate(view, computed);
            s_last[groupingLabel] = new WeakReference<Computed>(computed);
            return cards;
        }
    }

    /// <summary>One card: heading with the router link, neighbour, verdict, detail, selector, node rows, links.</summary>
    public static string Render(RouterCardModel card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var group = card.Group;
        var headingId = "router-" + group.Name;
        var html = new HtmlWriter(1024 + (card.Nodes.Count * 640));
        html.Open("div").Attr("class", "mud-paper mud-elevation-1 mud-card router-card").Attr("data-router", group.Name)
            .Attr("role", "region").Attr("aria-labelledby", headingId).Close();

        html.Open("div").Attr("class", "mud-card-header mud-card-header-padding").Close()
            .Open("div").Attr("class", "mud-card-header-content").Close()
            .Open("h3").Attr("class", "mud-typography mud-typography-h6").Attr("id", headingId).Close();
        if (group.Kind == RouterGroupKind.BgpPeer)
        {
            html.Link("routers/" + Uri.EscapeDataString(group.Name), card.Title);
        }
        else
        {
            html.Text(card.Title);
        }
        html.End("h3");
        if (group.Peer is { } peer)
        {
            html.Element("p", "mud-typography mud-typography-body2 mud-text-secondary", $"Neighbor {peer.NeighborAddress} · AS {peer.PeerAs}");
        }
        html.End("div")
            .Open("div").Attr("class", "mud-card-header-actions").Close().Raw(ChipMarkup.Redundancy(group.Redundancy).Value).End("div")
            .End("div");

        html.Open("div").Attr("class", "mud-card-content mud-card-content-padding pt-0").Close()
            .Element("p", "mud-typography mud-typography-body2 redundancy-detail", Words.RedundancyDetail(group))
            .Element("span", "mud-typography mud-typography-caption mud-text-secondary selector-text", "Selects " + card.SelectorText);
        if (card.StaleEntries > 0)
        {
            html.Element("span", "mud-typography mud-typography-caption mud-warning-text d-block", Words.Count(card.StaleEntries, "stale session entry") + " (not counted)");
        }
        if (card.Nodes.Count == 0)
        {
            html.Element("p", "mud-typography mud-typography-body2 mt-2", "No node is under this router.");
        }
        else
        {
            html.Open("ul").Attr("class", "router-nodes").Attr("aria-label", $"Nodes under {card.Title}").Close();
            foreach (var node in card.Nodes)
            {
                // The row's link is styled by .router-node .node-name (dashboard.css) instead of MudLink's four classes.
                html.Open("li").Attr("class", "router-node").Attr("data-node", node.Name).Close()
                    .Open("a").Attr("href", "nodes/" + Uri.EscapeDataString(node.Name)).Attr("class", "node-name").Close().Text(node.Name).End("a");
                if (!node.NodeReady)
                {
                    html.Raw(ChipMarkup.NodeNotReady.Value);
                }
                html.Raw(ChipMarkup.Speaker(node.Speaker).Value)
                    .Raw(ChipMarkup.Session(node.Session, compact: true).Value ?? "")
                    .End("li");
            }
            html.End("ul");
            if (card.HiddenNodes > 0)
            {
                html.Link($"nodes?router={Uri.EscapeDataString(group.Name)}", $"and {card.HiddenNodes} more nodes", "mud-typography-body2 d-block");
            }
        }
        html.Link(RestrictSpeakersForm.Link(group.Name), "Restrict speakers…", "mud-typography-body2 d-block mt-2",
            ariaLabel: $"Restrict speakers… ({card.Title})", dataLink: "restrict-speakers");
        return html.End("div").End("div").ToString();
    }
}
