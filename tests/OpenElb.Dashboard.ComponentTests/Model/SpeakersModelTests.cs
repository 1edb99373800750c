using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class SpeakersModelTests
{
    private static DashboardView ViewOf(ClusterSnapshot snapshot) =>
        DashboardView.Create(1, snapshot, TestClusterState.Synced(), FindingsOptions.Default, TopologyOptions.Default);

    private static readonly Taint s_controlPlane = new("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule);
    private static readonly Taint s_gpu = new("gpu", "true", TaintEffect.NoExecute);

    // Placement: nodeSelector openelb-speaker=true, no tolerations.
    private static ClusterSnapshot Cluster() => new ClusterSnapshotBuilder()
        .Node("e1", [("openelb-speaker", "true")]).Node("e2", [("openelb-speaker", "true")])
        .Node("w1").Node("w2").Node("w3")
        .Node("cp1", [("openelb-speaker", "true")], [s_controlPlane])
        .Node("g1", [("openelb-speaker", "true")], [s_gpu])
        .Speaker(new SpeakerPlacement(LabelSet.Of(("openelb-speaker", "true")), null, []))
        .Pod("e1").Pod("w1")
        .Build();

    [Fact]
    public void Create_NoSpeaker_Null() => Assert.Null(SpeakersModel.Create(ViewOf(new ClusterSnapshotBuilder().Node("n1").Build())));

    [Fact]
    public void CountReasons_EveryReasonInFixedOrder_WithCountsSamplesAndCauses()
    {
        var reasons = SpeakersModel.CountReasons(ViewOf(Cluster()).Topology);

        Assert.Equal(
            [PlacementReason.Eligible, PlacementReason.NodeSelectorMismatch, PlacementReason.NodeAffinityMismatch, PlacementReason.UntoleratedNoSchedule, PlacementReason.UntoleratedNoExecute],
            reasons.Select(static r => r.Reason));
        Assert.Equal([2, 3, 0, 1, 1], reasons.Select(static r => r.Count));
        Assert.Equal(["e1", "e2"], reasons[0].SampleNodes);
        Assert.Equal(1, reasons[0].WithReadySpeaker);
        Assert.Equal(1, reasons[1].WithReadySpeaker); // w1 still runs one: placement changed under it.
        Assert.Equal(["node-role.kubernetes.io/control-plane:NoSchedule on 1 node"], reasons[3].Causes);
        Assert.Equal(["gpu=true:NoExecute on 1 node"], reasons[4].Causes);
        Assert.Empty(reasons[1].Causes);
    }

    [Fact]
    public void CountReasons_ManyNodes_SamplesTruncated()
    {
        var builder = new ClusterSnapshotBuilder().Speaker(new SpeakerPlacement(LabelSet.Of(("x", "y")), null, []));
        for (var i = 0; i < SpeakersModel.NodesPerReason + 5; i++)
        {
            builder.Node($"n{i:D2}");
        }

        var excluded = SpeakersModel.CountReasons(ViewOf(builder.Build()).Topology).Single(static r => r.Reason == PlacementReason.NodeSelectorMismatch);

        Assert.Equal(SpeakersModel.NodesPerReason, excluded.SampleNodes.Count);
        Assert.Equal(5, excluded.HiddenNodes);
        Assert.Equal("n00", excluded.SampleNodes[0]);
    }

    [Fact]
    public void Create_PlacementTablesAndWords()
    {
        var placement = new SpeakerPlacement(
            LabelSet.Of(("openelb-speaker", "true"), ("kubernetes.io/os", "linux")),
            [NodeSelectorTerm.Of(NodeSelectorRequirement.Of("zone", SelectorOperators.In, "a", "b")),
             new NodeSelectorTerm([], [NodeSelectorRequirement.Of("metadata.name", SelectorOperators.In, "n1")])],
            [new Toleration("node-role.kubernetes.io/control-plane", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule)]);
        var view = ViewOf(new ClusterSnapshotBuilder().Node("n1").Speaker(placement).Build());

        var model = SpeakersModel.Create(view)!;

        Assert.Equal(["kubernetes.io/os", "openelb-speaker"], model.NodeSelector.Select(static p => p.Key));
        Assert.Equal(
            [new AffinityRow(1, false, "zone", "In", "a, b"), new AffinityRow(2, true, "metadata.name", "In", "n1")],
            model.AffinityRows);
        Assert.Null(model.AffinityText);
        Assert.Single(model.Tolerations);
        Assert.Equal(Words.Placement(placement), model.PlacementText);
        Assert.StartsWith("Runs on nodes labelled", model.PlacementText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "No required node affinity")]
    [InlineData(true, "no term")]
    public void Create_AffinityNoneOrEmpty_Explained(bool emptyList, string expected)
    {
        var placement = new SpeakerPlacement(LabelSet.Empty, emptyList ? [] : null, []);

        var model = SpeakersModel.Create(ViewOf(new ClusterSnapshotBuilder().Node("n1").Speaker(placement).Build()))!;

        Assert.Empty(model.AffinityRows);
        Assert.Contains(expected, model.AffinityText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 4, 4, 4, 1, 1, false, 100)]
    [InlineData(4, 4, 2, 3, 1, 1, true, 50)]
    [InlineData(4, 4, 4, 4, 2, 1, true, 100)]
    [InlineData(0, 0, 0, 0, 1, 1, false, 100)]
    public void Rollout_PendingAndPercent(int desired, int current, int ready, int updated, long generation, long observed, bool pending, double readyPercent)
    {
        var speaker = new SpeakerDaemonSet("ns", "ds", SpeakerPlacement.Unrestricted, Generation: generation, ObservedGeneration: observed,
            DesiredScheduled: desired, CurrentScheduled: current, Ready: ready, Updated: updated);
        var snapshot = new ClusterSnapshotBuilder().Node("n1").Build().With(speaker: speaker);

        var rollout = SpeakersModel.Create(ViewOf(snapshot))!.Rollout;

        Assert.Equal(pending, rollout.Pending);
        Assert.Equal(readyPercent, rollout.ReadyPercent);
        Assert.Equal(generation > observed, rollout.GenerationLag);
    }
}
