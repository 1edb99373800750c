using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Drift;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.UnitTests.Drift;

public class ObservedChangeDetectorTests
{
    private static ClusterSnapshotBuilder Cluster() => new ClusterSnapshotBuilder()
        .Node("a1", [(KnownLabels.Rack, "a"), ("team", "x")])
        .Node("a2", [(KnownLabels.Rack, "a")])
        .Speaker(SpeakerPlacement.KubectlManifestDefault with { NodeSelector = LabelSet.Of((KnownLabels.Os, "linux"), ("openelb-speaker", "true")) })
        .RackPeer("leaf-a", "10.0.0.1", "a");

    private static string Summary(ObservedChange c) => $"{c.Field} {c.Target} {c.Path}: {c.Before ?? "-"} -> {c.After ?? "-"}";

    [Fact]
    public void Detect_RelevantLabelChanged_Reported()
    {
        var before = Cluster().Build();
        var after = Cluster().Label("openelb-speaker", "true", "a2").Label(KnownLabels.Rack, "b", "a1").Build();

        Assert.Equal(
            [
                "NodeLabel Node/a1 metadata.labels[openelb.kubesphere.io/rack]: a -> b",
                "NodeLabel Node/a2 metadata.labels[openelb-speaker]: - -> true",
            ],
            ObservedChangeDetector.Detect(before, after).Select(Summary));
    }

    [Fact]
    public void Detect_IrrelevantLabelChanged_Ignored()
    {
        var before = Cluster().Build();
        var after = Cluster().Label("team", "y", "a1").Build();

        Assert.Empty(ObservedChangeDetector.Detect(before, after));
    }

    [Fact]
    public void Detect_TaintAdded_Reported()
    {
        var before = Cluster().Build();
        var after = Cluster().Taint(new Taint("openelb-speaker", "true", TaintEffect.NoSchedule), "a1").Build();

        Assert.Equal(["NodeTaints Node/a1 spec.taints: - -> openelb-speaker=true:NoSchedule"], ObservedChangeDetector.Detect(before, after).Select(Summary));
    }

    [Fact]
    public void Detect_PlacementTolerationsReplaced_ReportedPerPart()
    {
        var before = Cluster().Build();
        var placement = before.Speaker!.Placement with { Tolerations = EquatableArray.Create(new Toleration("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule)) };
        var after = before.With(speaker: before.Speaker with { Placement = placement });

        var change = Assert.Single(ObservedChangeDetector.Detect(before, after));

        Assert.Equal(ObservedField.SpeakerPlacement, change.Field);
        Assert.Equal(new ObjectRef("DaemonSet", "openelb-system", "openelb-speaker"), change.Target);
        Assert.Equal("spec.template.spec.tolerations", change.Path);
        Assert.Contains("node-role.kubernetes.io/control-plane", change.Before, StringComparison.Ordinal);
        Assert.Equal("openelb-speaker=true:NoSchedule", change.After);
    }

    [Fact]
    public void Detect_OnlyChangedNodesGiven_OthersNotCompared()
    {
        var before = Cluster().Build();
        var after = Cluster().Label("openelb-speaker", "true", "a1", "a2").Build();

        Assert.Equal(["Node/a2"], ObservedChangeDetector.Detect(before, after, ["a2"]).Select(c => c.Target.ToString()));
    }

    [Fact]
    public void RelevantLabelKeys_SelectorsAndPlacement_AllKeys()
    {
        Assert.Equal(
            [KnownLabels.Os, "openelb-speaker", KnownLabels.Rack],
            ObservedChangeDetector.RelevantLabelKeys(Cluster().Build()).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> Mutations => ["label", "rack", "taint", "nodeSelector", "affinity", "tolerations"];

    [Theory]
    [MemberData(nameof(Mutations))]
    public void TryReadField_EveryDetectedChange_ReadsBeforeAndAfterAsDetected(string mutation)
    {
        var before = Cluster().Build();
        var placement = before.Speaker!.Placement;
        var after = mutation switch
        {
            "label" => Cluster().Label("openelb-speaker", "true", "a2").Build(),
            "rack" => Cluster().Label(KnownLabels.Rack, "b", "a1").Build(),
            "taint" => Cluster().Taint(new Taint("k", "v", TaintEffect.NoExecute), "a2").Build(),
            "nodeSelector" => before.With(speaker: before.Speaker with { Placement = placement with { NodeSelector = LabelSet.Of(("x", "y")) } }),
            "affinity" => before.With(speaker: before.Speaker with
            {
                Placement = placement with { RequiredNodeAffinity = EquatableArray.Create(new NodeSelectorTerm(EquatableArray.Create(new NodeSelectorRequirement("z", SelectorOperators.Exists, [])), [])) },
            }),
            _ => before.With(speaker: before.Speaker with { Placement = placement with { Tolerations = [] } }),
        };

        var change = Assert.Single(ObservedChangeDetector.Detect(before, after));

        Assert.True(ObservedChangeDetector.TryReadField(before, change.Target, change.Path, out var was));
        Assert.True(ObservedChangeDetector.TryReadField(after, change.Target, change.Path, out var now));
        Assert.Equal(change.Before, was);
        Assert.Equal(change.After, now);
    }

    [Fact]
    public void TryReadField_MissingTargetOrUnknownPath_False()
    {
        var snapshot = Cluster().Build();

        Assert.False(ObservedChangeDetector.TryReadField(snapshot, new ObjectRef("Node", null, "gone"), "spec.taints", out _));
        Assert.False(ObservedChangeDetector.TryReadField(snapshot, new ObjectRef("Node", null, "a1"), "spec.unschedulable", out _));
        Assert.False(ObservedChangeDetector.TryReadField(snapshot, new ObjectRef("DaemonSet", "other", "openelb-speaker"), "spec.template.spec.tolerations", out _));
        Assert.True(ObservedChangeDetector.TryReadField(snapshot, new ObjectRef("Node", null, "a1"), "metadata.labels[absent]", out var absent));
        Assert.Null(absent);
    }
}
