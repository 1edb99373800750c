using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class RouterDetailTests : DashboardTestContext
{
    // leaf-a selects rack-a (a1 established, a2 idle, a3 no speaker); x1 in rack-b left a stale entry; leaf-b selects rack-b.
    private static ClusterSnapshotBuilder Racks(long version = 1) => new ClusterSnapshotBuilder().Version(version)
        .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")]).Node("a3", [(KnownLabels.Rack, "rack-a")])
        .Node("x1", [(KnownLabels.Rack, "rack-b")]).Node("b1", [(KnownLabels.Rack, "rack-b")])
        .Speaker().BgpConf(64512)
        .RackPeer("leaf-a", "10.0.1.1", "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b")
        .Pod("a1").Pod("a2").Pod("b1")
        .Session("leaf-a", BgpSessionState.Established, "a1", "x1")
        .Session("leaf-a", BgpSessionState.Idle, "a2")
        .Session("leaf-b", BgpSessionState.Established, "b1");

    private IRenderedComponent<RouterDetail> RenderRouter(string name) =>
        Render<RouterDetail>(p => p.Add(static c => c.Name, name));

    [Fact]
    public void Render_Router_PeerInReadableForm()
    {
        Publish(Racks().Build());

        var cut = RenderRouter("leaf-a");

        cut.WaitForAssertion(() => Assert.Equal("Router leaf-a", cut.Find("h1").TextContent.Trim()));
        Assert.Equal("10.0.1.1", cut.Find("[data-fact=neighbor]").TextContent.Trim());
        Assert.Equal("65001", cut.Find("[data-fact=peer-as]").TextContent.Trim());
        Assert.Equal("up", cut.Find("[data-fact=admin]").TextContent.Trim());
        Assert.Equal("nodes labelled openelb.kubesphere.io/rack=rack-a", cut.Find("[data-fact=selector]").TextContent.Trim());
        Assert.Contains("openelb.kubesphere.io/rack: rack-a", cut.Find("[data-fact=raw-selector] pre").TextContent, StringComparison.Ordinal);
        Assert.Equal("64512", cut.Find("[data-fact=local-as]").TextContent.Trim());
        Assert.Equal("17900", cut.Find("[data-fact=listen-port]").TextContent.Trim());
        Assert.Contains("InternalIP", cut.Find("[data-fact=router-id]").TextContent, StringComparison.Ordinal);
        Assert.Equal("degraded", cut.Find(".redundancy-badge").GetAttribute("data-redundancy"));
        Assert.Contains("1 session established of 2 expected", cut.Find(".redundancy-detail").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SelectedNodes_StateInWordsProblemsFirst()
    {
        Publish(Racks().Build());

        var cut = RenderRouter("leaf-a");

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("#nodes-heading ~ * tbody tr, [aria-labelledby=nodes-heading] tbody tr").Count));
        var rows = cut.FindAll("[aria-labelledby=nodes-heading] tbody tr");
        Assert.Equal(["a2", "a3", "a1"], rows.Select(static r => r.GetAttribute("data-node")));
        Assert.Equal("IDLE", rows[0].QuerySelector(".state-cell")!.TextContent.Trim());
        Assert.Equal("ESTABLISHED", rows[2].QuerySelector(".state-cell")!.TextContent.Trim());
        Assert.Contains("up since 2026-11-30 11:00:00 UTC", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("no session expected", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("nodes/a1", rows[2].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void Render_StaleEntryOfUnselectedNode_ListedSeparatelyAsNotCounted()
    {
        Publish(Racks().Build());

        var cut = RenderRouter("leaf-a");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-section=unselected] tbody tr")));
        var row = cut.Find("[data-section=unselected] tbody tr");
        Assert.Equal("x1", row.GetAttribute("data-node"));
        Assert.Equal("stale", row.GetAttribute("data-health"));
        Assert.Contains("not counted", row.QuerySelector(".stale-marker")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[aria-labelledby=nodes-heading] tr[data-node=x1]"));
    }

    [Fact]
    public void Render_Findings_OnlyThisRoutersWithRemedy()
    {
        Publish(Racks().Build());

        var cut = RenderRouter("leaf-a");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".finding-item")));
        var rules = cut.FindAll(".finding-item").Select(static f => f.GetAttribute("data-finding")).ToList();
        Assert.All(rules, static r => Assert.EndsWith("/leaf-a", r, StringComparison.Ordinal));
        Assert.Contains($"{FindingRules.RouterFewSessions}/leaf-a", rules);
        Assert.Empty(cut.FindAll(".finding-router"));
        Assert.NotEmpty(cut.Find(".finding-item .remedy-text").TextContent.Trim());
    }

    [Fact]
    public void Publish_RouterDeleted_ShowsNotFoundWithTheOtherRouters()
    {
        Publish(Racks().Build());
        var cut = RenderRouter("leaf-a");
        cut.WaitForAssertion(() => Assert.Equal("Router leaf-a", cut.Find("h1").TextContent.Trim()));

        var withoutLeafA = Racks(version: 2).Build();
        Publish(withoutLeafA.With(version: 3, peers: withoutLeafA.Peers.Where(static p => p.Name != "leaf-a")));

        cut.WaitForAssertion(() => Assert.Equal("Router not found", cut.Find("h1").TextContent.Trim()));
        Assert.Contains("was deleted", cut.Find("[data-state=not-found]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["routers/leaf-b"], cut.FindAll(".known-routers a").Select(static a => a.GetAttribute("href")));
    }

    [Fact]
    public void Render_UnknownRouter_NotFoundWithoutDeletedClaim()
    {
        Publish(Racks().Build());

        var cut = RenderRouter("leaf-z");

        cut.WaitForAssertion(() => Assert.Equal("Router not found", cut.Find("h1").TextContent.Trim()));
        Assert.DoesNotContain("deleted", cut.Find("[data-state=not-found]").TextContent, StringComparison.Ordinal);
        Assert.Contains("leaf-z", cut.Find("[data-state=not-found]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoBgpConfAndAdminDown_SaysSo()
    {
        var snapshot = Racks().Build();
        var peers = snapshot.Peers.Select(static p => p.Name == "leaf-a" ? p with { AdminDown = true, Description = "maintenance" } : p);
        Publish(new ClusterSnapshot(2, snapshot.ObservedAt, snapshot.Nodes, snapshot.SpeakerPods, snapshot.Speaker, peers, null, snapshot.Eips));

        var cut = RenderRouter("leaf-a");

        cut.WaitForAssertion(() => Assert.Contains("no session can come up", cut.Find("[data-state=no-bgpconf]").TextContent, StringComparison.Ordinal));
        Assert.Contains("down", cut.Find("[data-fact=admin]").TextContent, StringComparison.Ordinal);
        Assert.Equal("maintenance", cut.Find("[data-fact=description]").TextContent.Trim());
        Assert.Contains("administratively down", cut.Find(".redundancy-detail").TextContent, StringComparison.Ordinal);
    }
}
