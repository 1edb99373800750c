using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class OverviewTests : DashboardTestContext
{
    // Three racks with a router each: rack-a has two established sessions, rack-b one, rack-c none.
    internal static ClusterSnapshot ThreeRouters(long version = 1, bool fixRackB = false)
    {
        var builder = new ClusterSnapshotBuilder().Version(version)
            .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")])
            .Node("b1", [(KnownLabels.Rack, "rack-b")]).Node("b2", [(KnownLabels.Rack, "rack-b")])
            .Node("c1", [(KnownLabels.Rack, "rack-c")])
            .Speaker()
            .RackPeer("leaf-a", "10.0.1.1", "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b").RackPeer("leaf-c", "10.0.3.1", "rack-c")
            .BgpConf()
            .Pod("a1").Pod("a2").Pod("b1")
            .Session("leaf-a", BgpSessionState.Established, "a1", "a2")
            .Session("leaf-b", BgpSessionState.Established, "b1");
        if (fixRackB)
        {
            builder.Pod("b2").Session("leaf-b", BgpSessionState.Established, "b2");
        }
        return builder.Build();
    }

    [Fact]
    public void Render_ThreeRouters_OneCardEachWithVerdictInWords()
    {
        Publish(ThreeRouters());

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".router-card").Count));
        Assert.Equal("ok", cut.Find("[data-router=leaf-a] .redundancy-badge").GetAttribute("data-redundancy"));
        Assert.Equal("degraded", cut.Find("[data-router=leaf-b] .redundancy-badge").GetAttribute("data-redundancy"));
        Assert.Equal("critical", cut.Find("[data-router=leaf-c] .redundancy-badge").GetAttribute("data-redundancy"));
        Assert.Contains("Degraded: 1 session established of 1 expected", cut.Find("[data-router=leaf-b] .redundancy-detail").TextContent, StringComparison.Ordinal);
        Assert.Contains("openelb.kubesphere.io/rack=rack-b", cut.Find("[data-router=leaf-b] .selector-text").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NodeRows_AreStaticMarkupNotComponents()
    {
        // Issue 9: as MudChip/MudLink components the rows cost ~112 MB per overview circuit at 5,000 nodes.
        Publish(ThreeRouters());

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("li.router-node").Count));
        Assert.Equal(3, cut.FindAll("li.router-node [data-speaker=ready]").Count);
        Assert.Equal(2, cut.FindAll("li.router-node [data-speaker=none]").Count);
        Assert.Equal("nodes/c1", cut.Find("li[data-node=c1] a.node-name").GetAttribute("href"));
        Assert.Empty(cut.FindComponents<MudBlazor.MudChip<string>>());
        // The only MudLink left is the summary bar's findings link; none per node or per card.
        Assert.Equal("findings", Assert.Single(cut.FindComponents<MudBlazor.MudLink>()).Instance.Href);
    }

    [Fact]
    public void Render_ProblemRoutersFirst()
    {
        Publish(ThreeRouters());

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(
            ["leaf-c", "leaf-b", "leaf-a"],
            cut.FindAll(".router-card").Select(static c => c.GetAttribute("data-router")).ToArray()));
    }

    [Fact]
    public void Render_SummaryBar_CountsRoutersSpeakersAndSessions()
    {
        Publish(ThreeRouters());

        var cut = Render<Overview>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("1 OK", cut.Find("[data-summary=routers]").TextContent, StringComparison.Ordinal);
            Assert.Contains("1 degraded", cut.Find("[data-summary=routers]").TextContent, StringComparison.Ordinal);
            Assert.Contains("1 critical", cut.Find("[data-summary=routers]").TextContent, StringComparison.Ordinal);
            Assert.Contains("3 / 5", cut.Find("[data-summary=speakers]").TextContent, StringComparison.Ordinal);
            Assert.Contains("3 / 3", cut.Find("[data-summary=sessions]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Publish_RouterRecovers_CardUpdatesWithoutReload()
    {
        Publish(ThreeRouters());
        var cut = Render<Overview>();
        cut.WaitForAssertion(() => Assert.Equal("degraded", cut.Find("[data-router=leaf-b] .redundancy-badge").GetAttribute("data-redundancy")));

        Publish(ThreeRouters(version: 2, fixRackB: true));

        cut.WaitForAssertion(() => Assert.Equal("ok", cut.Find("[data-router=leaf-b] .redundancy-badge").GetAttribute("data-redundancy")));
    }

    [Fact]
    public void Render_NoBgpPeers_GroupsByRackAndSaysLayer2()
    {
        Publish(new ClusterSnapshotBuilder()
            .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")]).Node("b1", [(KnownLabels.Rack, "rack-b")])
            .Speaker().Pod("a1").Pod("a2").Pod("b1").Build());

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".router-card").Count));
        Assert.Contains("Layer2 or VIP", cut.Find("[data-banner=no-bgppeers]").TextContent, StringComparison.Ordinal);
        Assert.Equal("degraded", cut.Find("[data-router=rack-b] .redundancy-badge").GetAttribute("data-redundancy"));
        Assert.Contains("Rack rack-a", cut.Find("[data-router=rack-a] h3").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_Unsubscribes()
    {
        Publish(ThreeRouters());
        var cut = Render<Overview>();
        var views = Services.GetService<OpenElb.Dashboard.Model.LiveViewService>()!;
        cut.WaitForAssertion(() => Assert.Equal(1, views.SubscriberCount));

        await DisposeComponentsAsync();

        cut.WaitForAssertion(() => Assert.Equal(0, views.SubscriberCount));
    }
}
