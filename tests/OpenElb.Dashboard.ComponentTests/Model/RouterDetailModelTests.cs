using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class RouterDetailModelTests
{
    private static DashboardView ViewOf(ClusterSnapshot snapshot) =>
        DashboardView.Create(1, snapshot, TestClusterState.Synced(), FindingsOptions.Default, TopologyOptions.Default);

    // leaf-a selects a1, a2, a3: a1 established, a2 idle, a3 without speaker; x1 (rack b) left a stale entry,
    // b1 (rack b) still peers live: OpenELB did not re-read the selector.
    private static ClusterSnapshot Rack() => new ClusterSnapshotBuilder()
        .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")]).Node("a3", [(KnownLabels.Rack, "rack-a")])
        .Node("b1", [(KnownLabels.Rack, "rack-b")]).Node("x1", [(KnownLabels.Rack, "rack-b")])
        .Speaker().BgpConf()
        .RackPeer("leaf-a", "10.0.1.1", "rack-a")
        .Pod("a1").Pod("a2").Pod("b1")
        .Session("leaf-a", BgpSessionState.Established, "a1", "b1")
        .Session("leaf-a", BgpSessionState.Idle, "a2")
        .Session("leaf-a", BgpSessionState.Established, "x1")
        .Build();

    [Fact]
    public void Create_UnknownOrDeleted_Null()
    {
        Assert.Null(RouterDetailModel.Create(ViewOf(Rack()), "leaf-z"));
        Assert.Equal(["leaf-a"], RouterDetailModel.KnownRouters(ViewOf(Rack())));
    }

    [Fact]
    public void Create_LabelGroupIsNoRouter_Null()
    {
        var view = ViewOf(new ClusterSnapshotBuilder().Node("a1", [(KnownLabels.Rack, "rack-a")]).Speaker().Build());

        Assert.Null(RouterDetailModel.Create(view, "rack-a"));
    }

    [Fact]
    public void Create_SelectedNodes_ProblemsFirstWithHealth()
    {
        var model = RouterDetailModel.Create(ViewOf(Rack()), "leaf-a")!;

        Assert.Equal(["a2", "a3", "a1"], model.SelectedNodes.Select(static r => r.Name));
        Assert.Equal([SessionHealth.Down, SessionHealth.NoSpeaker, SessionHealth.Established], model.SelectedNodes.Select(static r => r.Session.Health));
        Assert.Equal("IDLE", model.SelectedNodes[0].StateText);
        Assert.Equal("no status entry", model.SelectedNodes[1].StateText);
        Assert.Equal(SpeakerStatus.None, model.SelectedNodes[1].Speaker);
        Assert.Equal("0 received / 0 sent", model.SelectedNodes[2].MessagesText);
    }

    [Fact]
    public void Create_UnselectedEntries_StaleAndLiveSeparated()
    {
        var model = RouterDetailModel.Create(ViewOf(Rack()), "leaf-a")!;

        Assert.Equal(["b1", "x1"], model.UnselectedEntries.Select(static r => r.Name));
        Assert.False(model.UnselectedEntries[0].Stale);
        Assert.True(model.UnselectedEntries[1].Stale);
        Assert.Equal("last reported ESTABLISHED", model.UnselectedEntries[1].StateText);
    }

    [Fact]
    public void Create_FindingsOfThisRouterOnly_MostSevereFirst()
    {
        var view = ViewOf(Rack());

        var model = RouterDetailModel.Create(view, "leaf-a")!;

        Assert.NotEmpty(model.Findings);
        Assert.All(model.Findings, static f => Assert.Equal("leaf-a", f.Finding.Router));
        Assert.Equal(model.Findings.Select(static f => f.Finding.Severity).Order(), model.Findings.Select(static f => f.Finding.Severity));
        Assert.Equal(view.Findings.Count(static f => f.Router == "leaf-a"), model.Findings.Count);
    }

    [Fact]
    public void Create_PeerAndConf()
    {
        var model = RouterDetailModel.Create(ViewOf(Rack()), "leaf-a")!;

        Assert.Equal("10.0.1.1", model.Peer.NeighborAddress);
        Assert.Equal("nodes labelled openelb.kubesphere.io/rack=rack-a", model.SelectorText);
        Assert.Equal("matchLabels:\n  openelb.kubesphere.io/rack: rack-a", model.RawSelector);
        Assert.Equal(17900, model.BgpConf!.ListenPort);
    }

    [Fact]
    public void FormatSelector_ExpressionsEmptyAndNone()
    {
        var selector = new LabelSelector(LabelSet.Empty, [LabelSelectorRequirement.Of("zone", SelectorOperators.In, "a", "b"), LabelSelectorRequirement.Of("gpu", SelectorOperators.DoesNotExist)]);

        Assert.Equal(
            "matchExpressions:\n  - key: zone\n    operator: In\n    values: [a, b]\n  - key: gpu\n    operator: DoesNotExist",
            RouterDetailModel.FormatSelector(selector));
        Assert.Equal("{}", RouterDetailModel.FormatSelector(new LabelSelector(LabelSet.Empty, [])));
        Assert.Null(RouterDetailModel.FormatSelector(null));
    }
}
