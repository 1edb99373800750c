using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

/// <summary>
/// Issue 9: with many routers the overview shows every problem router and healthy ones up to
/// <see cref="Overview.CardsBeforeShowAll"/> cards, and says how many it leaves out; <c>?routers=all</c> shows all.
/// </summary>
public sealed class OverviewCollapseTests : DashboardTestContext
{
    // `routers` racks with a router each and two nodes with speakers; the racks in `degraded` have one session up.
    private static ClusterSnapshot Racks(int routers, int[]? degraded = null, long version = 1)
    {
        degraded ??= [];
        var builder = new ClusterSnapshotBuilder().Version(version);
        for (var r = 0; r < routers; r++)
        {
            var rack = $"rack-{r:D2}";
            builder.Node($"n{r:D2}a", [(KnownLabels.Rack, rack)]).Node($"n{r:D2}b", [(KnownLabels.Rack, rack)]);
        }
        builder.Speaker().BgpConf();
        for (var r = 0; r < routers; r++)
        {
            var rack = $"rack-{r:D2}";
            builder.RackPeer($"leaf-{r:D2}", $"10.0.{r}.1", rack).Pod($"n{r:D2}a").Pod($"n{r:D2}b");
            if (degraded.Contains(r))
            {
                builder.Session($"leaf-{r:D2}", BgpSessionState.Established, $"n{r:D2}a").Session($"leaf-{r:D2}", BgpSessionState.Active, $"n{r:D2}b");
            }
            else
            {
                builder.Session($"leaf-{r:D2}", BgpSessionState.Established, $"n{r:D2}a", $"n{r:D2}b");
            }
        }
        return builder.Build();
    }

    private string[] CardRouters(IRenderedComponent<Overview> cut) =>
        [.. cut.FindAll(".router-card").Select(static c => c.GetAttribute("data-router")!)];

    [Fact]
    public void Render_ManyRouters_ProblemsAndFirstHealthyUpToTheLimit_RestCounted()
    {
        Publish(Racks(30, [7, 29]));

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(Overview.CardsBeforeShowAll, cut.FindAll(".router-card").Count));
        var shown = CardRouters(cut);
        Assert.Equal(["leaf-07", "leaf-29", "leaf-00", "leaf-01"], shown[..4]);
        Assert.Equal("leaf-22", shown[^1]);
        var more = cut.Find("[data-banner=more-routers]");
        Assert.Contains("6 more routers not shown, all OK (at least 2 sessions established each)", more.TextContent, StringComparison.Ordinal);
        var button = cut.Find("[data-link=all-routers]");
        Assert.Contains("Show all 30 routers", button.TextContent, StringComparison.Ordinal);
        Assert.EndsWith("?routers=all", button.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-link=fewer-routers]"));
    }

    [Fact]
    public void Render_MoreProblemsThanTheLimit_EveryProblemShown()
    {
        var degraded = Enumerable.Range(0, Overview.CardsBeforeShowAll + 2).ToArray();
        Publish(Racks(Overview.CardsBeforeShowAll + 6, degraded));

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(degraded.Length, cut.FindAll(".router-card").Count));
        Assert.All(cut.FindAll(".router-card .redundancy-badge"), b => Assert.Equal("degraded", b.GetAttribute("data-redundancy")));
        Assert.Contains("4 more routers not shown", cut.Find("[data-banner=more-routers]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RoutersAll_ShowsEveryCardAndAWayBack()
    {
        Publish(Racks(30, [7]));
        Services.GetService<NavigationManager>()!.NavigateTo("?routers=all");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(30, cut.FindAll(".router-card").Count));
        Assert.Empty(cut.FindAll("[data-banner=more-routers]"));
        Assert.DoesNotContain("routers=", cut.Find("[data-link=fewer-routers]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AtTheLimit_NoBanner()
    {
        Publish(Racks(Overview.CardsBeforeShowAll));

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(Overview.CardsBeforeShowAll, cut.FindAll(".router-card").Count));
        Assert.Empty(cut.FindAll("[data-banner=more-routers]"));
    }

    [Fact]
    public void Publish_HiddenRouterDegrades_ItsCardAppears()
    {
        Publish(Racks(30));
        var cut = Render<Overview>();
        cut.WaitForAssertion(() => Assert.Equal(Overview.CardsBeforeShowAll, cut.FindAll(".router-card").Count));
        Assert.Empty(cut.FindAll("[data-router=leaf-28]"));

        Publish(Racks(30, [28], version: 2));

        cut.WaitForAssertion(() => Assert.Equal("leaf-28", CardRouters(cut)[0]));
        Assert.Equal(Overview.CardsBeforeShowAll, cut.FindAll(".router-card").Count);
        Assert.Contains("6 more routers", cut.Find("[data-banner=more-routers]").TextContent, StringComparison.Ordinal);
    }
}
