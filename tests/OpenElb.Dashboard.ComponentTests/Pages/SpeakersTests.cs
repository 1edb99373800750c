using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class SpeakersTests : DashboardTestContext
{
    private static readonly Taint s_controlPlane = new("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule);

    private static readonly SpeakerPlacement s_labelled = new(LabelSet.Of(("openelb-speaker", "true")), null, []);

    // Two labelled workers, two unlabelled, one labelled control-plane node the speaker does not tolerate.
    private static ClusterSnapshotBuilder Workers(SpeakerPlacement? placement = null, string? helm = null, SpeakerWorkloadKind kind = SpeakerWorkloadKind.DaemonSet) =>
        new ClusterSnapshotBuilder()
            .Node("w1", [("openelb-speaker", "true")]).Node("w2", [("openelb-speaker", "true")])
            .Node("w3").Node("w4")
            .Node("cp1", [("openelb-speaker", "true")], [s_controlPlane])
            .Speaker(placement ?? s_labelled, helm, kind)
            .Pod("w1").Pod("w2");

    private static string Count(IRenderedComponent<Speakers> cut, PlacementReason reason) =>
        cut.Find($"[data-reason={reason}] .reason-count").GetAttribute("data-count")!;

    [Fact]
    public void Render_Placement_InWordsAndAsTables()
    {
        Publish(Workers(new SpeakerPlacement(
            LabelSet.Of(("openelb-speaker", "true")),
            [NodeSelectorTerm.Of(NodeSelectorRequirement.Of("topology.kubernetes.io/zone", SelectorOperators.In, "z1", "z2"))],
            [new Toleration("node-role.kubernetes.io/control-plane", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule)])).Build());

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.StartsWith("Runs on nodes labelled openelb-speaker=true", cut.Find("[data-fact=placement]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Contains("tolerates node-role.kubernetes.io/control-plane Exists:NoSchedule", cut.Find("[data-fact=placement]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["openelb-speaker", "true"], cut.FindAll(".speaker-node-selector tbody td").Select(static td => td.TextContent.Trim()));
        Assert.Equal(["1", "topology.kubernetes.io/zone", "In", "z1, z2"], cut.FindAll(".speaker-affinity tbody td").Select(static td => td.TextContent.Trim()));
        Assert.Equal("node-role.kubernetes.io/control-plane", cut.Find(".speaker-tolerations tbody td").TextContent.Trim());
        Assert.Contains("openelb-system/openelb-speaker", cut.Find("[data-fact=workload]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ReasonCounts_WithNodeLinks()
    {
        Publish(Workers().Build());

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, PlacementReason.Eligible)));
        Assert.Equal("2", Count(cut, PlacementReason.NodeSelectorMismatch));
        Assert.Equal("0", Count(cut, PlacementReason.NodeAffinityMismatch));
        Assert.Equal("1", Count(cut, PlacementReason.UntoleratedNoSchedule));
        Assert.Equal(["nodes/w3", "nodes/w4"], cut.FindAll($"[data-reason={PlacementReason.NodeSelectorMismatch}] .reason-node").Select(static a => a.GetAttribute("href")));
        Assert.Contains("node-role.kubernetes.io/control-plane:NoSchedule on 1 node", cut.Find($"[data-reason={PlacementReason.UntoleratedNoSchedule}]").TextContent, StringComparison.Ordinal);
        Assert.Equal("nodes", cut.Find("[data-section=reasons] p a").GetAttribute("href"));
    }

    [Fact]
    public void Publish_PlacementChanged_CountsFollow()
    {
        Publish(Workers().Build());
        var cut = Render<Speakers>();
        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, PlacementReason.Eligible)));

        Publish(Workers(SpeakerPlacement.Unrestricted).Version(2).Build());

        cut.WaitForAssertion(() => Assert.Equal("4", Count(cut, PlacementReason.Eligible)));
        Assert.Equal("0", Count(cut, PlacementReason.NodeSelectorMismatch));
        Assert.Contains("Runs on every node", cut.Find("[data-fact=placement]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HelmManaged_WarnsToChangeValues()
    {
        Publish(Workers(helm: "openelb").Build());

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.Contains("helm upgrade", cut.Find("[data-banner=helm]").TextContent, StringComparison.Ordinal));
        Assert.Contains("speaker.nodeSelector", cut.Find("[data-banner=helm]").TextContent, StringComparison.Ordinal);
        Assert.Contains("release openelb", cut.Find("[data-banner=helm]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NotHelmManaged_NoHelmWarning()
    {
        Publish(Workers().Build());

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-fact=placement]")));
        Assert.Empty(cut.FindAll("[data-banner=helm]"));
        Assert.Empty(cut.FindAll("[data-banner=legacy-speakers]"));
    }

    [Fact]
    public void Render_LegacyManager_ShowsLegacyNotice()
    {
        Publish(Workers(kind: SpeakerWorkloadKind.LegacyManagerDeployment).Build());

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.Contains("openelb-manager", cut.Find("[data-banner=legacy-speakers]").TextContent, StringComparison.Ordinal));
        Assert.StartsWith("Deployment", cut.Find("[data-fact=workload]").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoSpeaker_NotInstalledState()
    {
        Publish(new ClusterSnapshotBuilder().Node("n1").Build());

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.Contains("No OpenELB speaker is installed", cut.Find("[data-state=not-installed]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-section=rollout]"));
    }

    [Fact]
    public void Render_RolloutPending_SaysInProgressWithNumbers()
    {
        var snapshot = Workers().Build();
        Publish(snapshot.With(speaker: snapshot.Speaker! with { Generation = 3, ObservedGeneration = 3, DesiredScheduled = 4, CurrentScheduled = 4, Ready = 3, Updated = 2 }));

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.Contains("Rollout in progress", cut.Find("[data-state=rollout-pending]").TextContent, StringComparison.Ordinal));
        Assert.Contains("2 of 4 speakers run the newest pod template", cut.Find("[data-state=rollout-pending]").TextContent, StringComparison.Ordinal);
        Assert.Equal("3 of 4 speakers ready, 2 updated, 4 scheduled.", cut.Find("[data-fact=rollout]").TextContent.Trim());
        Assert.Equal("4", cut.Find("[data-count=desired]").TextContent.Trim());
        Assert.Equal("2", cut.Find("[data-count=updated]").TextContent.Trim());
    }

    [Fact]
    public void Render_RolloutDone_NoInProgressNotice()
    {
        var snapshot = Workers().Build();
        Publish(snapshot.With(speaker: snapshot.Speaker! with { DesiredScheduled = 2, CurrentScheduled = 2, Ready = 2, Updated = 2 }));

        var cut = Render<Speakers>();

        cut.WaitForAssertion(() => Assert.Equal("2 of 2 speakers ready, 2 updated, 2 scheduled.", cut.Find("[data-fact=rollout]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-state=rollout-pending]"));
    }
}
