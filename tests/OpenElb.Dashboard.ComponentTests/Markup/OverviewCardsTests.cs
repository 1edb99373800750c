using AngleSharp.Html.Parser;
using OpenElb.Dashboard.Components.Markup;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Markup;

/// <summary>The overview's cards as shared static HTML (issue 9: one markup frame per card instead of ~100 components).</summary>
public sealed class OverviewCardsTests
{
    private static DashboardView ViewOf(ClusterSnapshot snapshot, long sequence = 1) =>
        DashboardView.Create(sequence, snapshot, TestClusterState.Synced(), FindingsOptions.Default, TopologyOptions.Default);

    private static ClusterSnapshot TwoRouters(long version = 1, string neighbor = "10.0.1.1", bool bUp = true)
    {
        var builder = new ClusterSnapshotBuilder().Version(version)
            .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")])
            .Node("b1", [(KnownLabels.Rack, "rack-b")]).Node("b2", [(KnownLabels.Rack, "rack-b")])
            .Speaker().BgpConf()
            .RackPeer("leaf-a", neighbor, "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b")
            .Pod("a1").Pod("a2").Pod("b1").Pod("b2")
            .Session("leaf-a", BgpSessionState.Established, "a1", "a2")
            .Session("leaf-b", bUp ? BgpSessionState.Established : BgpSessionState.Active, "b1", "b2");
        return builder.Build();
    }

    private static AngleSharp.Dom.IElement Parse(OverviewCard card) =>
        new HtmlParser().ParseDocument("<body>" + card.Html.Value + "</body>").Body!.FirstElementChild!;

    [Fact]
    public void For_SameView_SameListForEveryCircuit()
    {
        var view = ViewOf(TwoRouters());

        var first = OverviewCards.For(view, KnownLabels.Rack);
        var second = OverviewCards.For(view, KnownLabels.Rack);

        Assert.Same(first, second);
        Assert.Equal(["leaf-a", "leaf-b"], first.Select(static c => c.Router));
    }

    [Fact]
    public void For_NextViewWithAnUnchangedCard_KeepsThatCardsString_ChangedCardIsNew()
    {
        // A label of its own: other tests' views must not come in between (cards are reused per grouping label).
        const string Label = "example.com/reuse-test";
        var before = OverviewCards.For(ViewOf(TwoRouters()), Label);

        var after = OverviewCards.For(ViewOf(TwoRouters(version: 2, bUp: false), sequence: 2), Label);

        var aBefore = before.Single(static c => c.Router == "leaf-a").Html.Value;
        var aAfter = after.Single(static c => c.Router == "leaf-a").Html.Value;
        Assert.Same(aBefore, aAfter);
        var bAfter = after.Single(static c => c.Router == "leaf-b");
        Assert.NotEqual(before.Single(static c => c.Router == "leaf-b").Html.Value, bAfter.Html.Value);
        Assert.Equal("critical", Parse(bAfter).QuerySelector(".redundancy-badge")!.GetAttribute("data-redundancy"));
    }

    [Fact]
    public void Render_Card_LinksRowsAndChipsAsTheComponentsHad()
    {
        var card = OverviewCards.For(ViewOf(TwoRouters(bUp: false)), KnownLabels.Rack).Single(static c => c.Router == "leaf-b");

        var root = Parse(card);

        Assert.Equal("region", root.GetAttribute("role"));
        Assert.Equal("router-leaf-b", root.GetAttribute("aria-labelledby"));
        Assert.Equal("leaf-b", root.QuerySelector("h3#router-leaf-b a")!.TextContent);
        Assert.Equal("routers/leaf-b", root.QuerySelector("h3 a")!.GetAttribute("href"));
        Assert.Equal(["b1", "b2"], root.QuerySelectorAll("li.router-node").Select(static li => li.GetAttribute("data-node")));
        var row = root.QuerySelector("li[data-node=b1]")!;
        Assert.Equal("nodes/b1", row.QuerySelector("a.node-name")!.GetAttribute("href"));
        Assert.Equal("ready", row.QuerySelector(".speaker-chip")!.GetAttribute("data-speaker"));
        Assert.Equal("down", row.QuerySelector(".session-chip")!.GetAttribute("data-session"));
        Assert.Equal("ACTIVE", row.QuerySelector(".session-chip")!.TextContent);
        Assert.Equal("session ACTIVE", row.QuerySelector(".session-chip")!.GetAttribute("title"));
        Assert.Equal("wizards/restrict-speakers?router=leaf-b", root.QuerySelector("[data-link=restrict-speakers]")!.GetAttribute("href"));
        // Icons are references into the layout's sprite, which holds every icon the chips use.
        var use = row.QuerySelector(".speaker-chip svg use")!.GetAttribute("href")!;
        Assert.Contains($"id=\"{use[1..]}\"", SvgIcons.Sprite.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NodeRow_StaysUnderHalfOfMudBlazorsMarkup()
    {
        // ~1,500 rows at 5,000 nodes, in every circuit's first render batch and in every view's cards. As MudLink and
        // two MudChips a row was ~980 characters (1.7 MB of overview HTML); drawn as one link and two one-element chips
        // it is ~520 with a ten-character node name (the rows here have two-character names).
        var card = OverviewCards.For(ViewOf(TwoRouters(bUp: false)), KnownLabels.Rack).Single(static c => c.Router == "leaf-b");

        var rows = System.Text.RegularExpressions.Regex.Matches(card.Html.Value, "<li class=\"router-node\".*?</li>").Select(static m => m.Value).ToList();

        Assert.Equal(2, rows.Count);
        Assert.All(rows, static row => Assert.InRange(row.Length, 300, 520));
    }

    [Fact]
    public void Render_ValuesFromTheCluster_AreEncodedNotMarkup()
    {
        // A BgpPeer's spec is whatever someone wrote into the CRD; it must never become markup in the page.
        var card = OverviewCards.For(ViewOf(TwoRouters(neighbor: "<img src=x onerror=alert(1)>\"")), KnownLabels.Rack).Single(static c => c.Router == "leaf-a");

        var root = Parse(card);

        Assert.Empty(root.QuerySelectorAll("img"));
        Assert.Contains("Neighbor <img src=x onerror=alert(1)>\"", root.TextContent, StringComparison.Ordinal);
        Assert.Contains("&lt;img", card.Html.Value, StringComparison.Ordinal);
    }
}
