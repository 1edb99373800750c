using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class NodeDetailModelTests
{
    private static readonly DateTimeOffset s_now = ClusterSnapshotBuilder.Now;

    [Fact]
    public void Build_UnknownNode_Null()
    {
        Assert.Null(NodeDetailModel.Build(NodeTestCluster.View(), "nope", s_now));
    }

    [Fact]
    public void Build_SessionsListSelectingRoutersAndLeftoverEntries()
    {
        // a1 moves from rack-a to rack-b; leaf-a keeps its entry (OpenELB does not re-evaluate selectors).
        var snapshot = NodeTestCluster.Snapshot();
        var nodes = snapshot.Nodes.Select(n => n.Name != "a1" ? n : n with { Labels = n.Labels.With([KeyValuePair.Create(Core.KnownLabels.Rack, "rack-b")]) });

        var detail = NodeDetailModel.Build(NodeTestCluster.View(snapshot.With(nodes: nodes)), "a1", s_now)!;

        Assert.Equal(["leaf-a", "leaf-b"], detail.Sessions.Select(static s => s.Group.Name));
        Assert.False(detail.Sessions[0].Selected);
        Assert.Equal("session established", detail.Sessions[0].State);
        Assert.Equal("up 1 h", detail.Sessions[0].Since);
        Assert.True(detail.Sessions[1].Selected);
        Assert.Equal("no session status", detail.Sessions[1].State);
        Assert.Equal(0, detail.OtherRouters);
    }

    [Theory]
    [InlineData(TaintEffect.NoSchedule, true, "still runs here")]
    [InlineData(TaintEffect.NoSchedule, false, "none will be placed")]
    [InlineData(TaintEffect.NoExecute, true, "being evicted")]
    public void Build_UntoleratedTaint_NuanceDependsOnThePodThere(TaintEffect effect, bool pod, string expected)
    {
        var builder = new ClusterSnapshotBuilder().Node("w1", taints: [new Taint("dedicated", "lb", effect)]).Speaker();
        if (pod)
        {
            builder.Pod("w1");
        }

        var detail = NodeDetailModel.Build(NodeTestCluster.View(builder.Build()), "w1", s_now)!;

        Assert.Contains(expected, detail.PlacementNuance, StringComparison.Ordinal);
        Assert.False(detail.Taints[0].Tolerated);
    }

    [Fact]
    public void Build_EligibleWithoutPod_SaysTheControllerShouldCreateIt()
    {
        var detail = NodeDetailModel.Build(NodeTestCluster.View(), "n1", s_now)!;

        Assert.Equal(PlacementReason.Eligible, detail.Node.Placement.Reason);
        Assert.Contains("should create it", detail.PlacementNuance, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoSpeakerWorkload_TaintToleranceUnknown()
    {
        var detail = NodeDetailModel.Build(
            NodeTestCluster.View(new ClusterSnapshotBuilder().Node("w1", taints: [new Taint("dedicated", "lb", TaintEffect.NoSchedule)]).Build()),
            "w1",
            s_now)!;

        Assert.Equal(PlacementReason.NoSpeakerWorkload, detail.Node.Placement.Reason);
        Assert.Null(detail.Taints[0].Tolerated);
        Assert.Null(detail.PlacementRule);
    }
}
