using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class RestrictSpeakersFormTests
{
    private static RestrictSpeakersForm Form(ClusterSnapshot snapshot)
    {
        var view = DashboardView.Create(1, snapshot, TestClusterState.Synced(), FindingsOptions.Default, TopologyOptions.Default);
        return new RestrictSpeakersForm(view.Snapshot, view.Topology);
    }

    private static (string Key, string Value)[] Rack(string rack, string? zone = null) =>
        zone is null ? [(KnownLabels.Rack, rack)] : [(KnownLabels.Rack, rack), (KnownLabels.Zone, zone)];

    private static RestrictRouter Router(RestrictSpeakersForm form, string name) => Assert.Single(form.Routers, r => r.Name == name);

    [Fact]
    public void Proposal_RouterSpansZones_PicksOneNodePerZoneEvenOverABetterSameZoneNode()
    {
        // a1 and a2 both have established sessions in zone-1; a3 (zone-2) has no speaker yet.
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a1", Rack("rack-a", "zone-1")).Node("a2", Rack("rack-a", "zone-1")).Node("a3", Rack("rack-a", "zone-2"))
            .Speaker().RackPeer("leaf-a", "10.0.1.1", "rack-a").BgpConf()
            .Pod("a1").Pod("a2").Session("leaf-a", BgpSessionState.Established, "a1", "a2")
            .Build());

        Assert.Equal(["a1", "a3"], Router(form, "leaf-a").Proposal);
        Assert.Equal(["a1", "a3"], form.PickedNodes);
        Assert.Equal(["zone-1", "zone-2"], Router(form, "leaf-a").Zones);
        Assert.DoesNotContain(form.Warnings, static w => w.Kind == RestrictSpeakersWarningKind.SameZone);
    }

    [Theory]
    // Established beats merely ready, ready beats no speaker, and a node that is not Ready comes last.
    [InlineData("b-est", "a-ready", "b-est,a-ready,c-none,0-down")]
    public void Proposal_OneZone_PrefersEstablishedThenReadyThenNoSpeaker(string first, string second, string order)
    {
        var form = Form(new ClusterSnapshotBuilder()
            .Node("0-down", Rack("r"), ready: false).Node("a-ready", Rack("r")).Node("b-est", Rack("r")).Node("c-none", Rack("r"))
            .Speaker().RackPeer("leaf", "10.0.1.1", "r").BgpConf()
            .Pod("0-down").Pod("a-ready").Pod("b-est")
            .Session("leaf", BgpSessionState.Established, "b-est").Session("leaf", BgpSessionState.Active, "a-ready")
            .Build());

        var router = Router(form, "leaf");
        Assert.Equal([first, second], router.Proposal);
        Assert.Equal(order.Split(','), router.Candidates.Select(static c => c.NodeName));
        Assert.Equal(
            [CandidateRank.Established, CandidateRank.SpeakerReady, CandidateRank.NoSpeaker, CandidateRank.CannotRunSpeaker],
            router.Candidates.Select(static c => c.Rank));
        Assert.Equal(SessionHealth.Down, router.Candidates[1].Session);
    }

    [Fact]
    public void Proposal_EqualNodes_TieBrokenByName()
    {
        var form = Form(new ClusterSnapshotBuilder()
            .Node("n3", Rack("r")).Node("n1", Rack("r")).Node("n2", Rack("r"))
            .Speaker().RackPeer("leaf", "10.0.1.1", "r").BgpConf().PodsWhereEligible().EstablishAll()
            .Build());

        Assert.Equal(["n1", "n2"], Router(form, "leaf").Proposal);
        Assert.Empty(form.Warnings);
    }

    [Fact]
    public void Proposal_TaintedNodeTheSpeakerCannotTolerate_RankedLast()
    {
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a", Rack("r"), [new Taint("dedicated", "lb", TaintEffect.NoSchedule)]).Node("b", Rack("r")).Node("c", Rack("r"))
            .Speaker().RackPeer("leaf", "10.0.1.1", "r").BgpConf()
            .Build());

        Assert.Equal(["b", "c"], Router(form, "leaf").Proposal);
        Assert.Equal(CandidateRank.CannotRunSpeaker, Router(form, "leaf").Candidates[^1].Rank);
    }

    [Fact]
    public void Proposal_NodeUnderTwoRouters_CountsForBoth()
    {
        // leaf-a selects rack-a only; spine has no selector (every node). The rack-b nodes are better for spine alone,
        // but the two rack-a picks already give spine its two.
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a1", Rack("rack-a")).Node("a2", Rack("rack-a")).Node("b1", Rack("rack-b")).Node("b2", Rack("rack-b"))
            .Speaker().RackPeer("leaf-a", "10.0.1.1", "rack-a").Peer("spine", "10.0.0.1").BgpConf()
            .Pod("b1").Pod("b2").Session("spine", BgpSessionState.Established, "b1", "b2")
            .Build());

        Assert.Equal(["a1", "a2"], Router(form, "leaf-a").Proposal);
        Assert.Equal(["a1", "a2"], Router(form, "spine").Proposal);
        Assert.Equal(["a1", "a2"], form.PickedNodes);
        Assert.Equal(["spine"], Router(form, "leaf-a").Candidates[0].OtherRouters);
        Assert.Empty(form.Warnings);

        form.SetPicked("a1", false);

        Assert.Equal(
            [("leaf-a", RestrictSpeakersWarningKind.FewerThanTwo), ("spine", RestrictSpeakersWarningKind.FewerThanTwo)],
            form.Warnings.Select(static w => (w.Subject, w.Kind)));
    }

    [Fact]
    public void Warnings_RouterWithOneNode_FewerThanTwo()
    {
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a1", Rack("rack-a")).Node("b1", Rack("rack-b")).Node("b2", Rack("rack-b"))
            .Speaker().RackPeer("leaf-a", "10.0.1.1", "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b").BgpConf()
            .Build());

        Assert.Equal(["a1"], Router(form, "leaf-a").Proposal);
        var warning = Assert.Single(form.Warnings);
        Assert.Equal(RestrictSpeakersWarningKind.FewerThanTwo, warning.Kind);
        Assert.Equal("leaf-a", warning.Subject);
        Assert.Contains("1 picked node", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_PicksAllInOneZone_SameZoneNamesTheZones()
    {
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a1", Rack("rack-a", "zone-1")).Node("a2", Rack("rack-a", "zone-1")).Node("a3", Rack("rack-a", "zone-2"))
            .Speaker().RackPeer("leaf-a", "10.0.1.1", "rack-a").BgpConf()
            .Build());
        form.SetPicked("a3", false);
        form.SetPicked("a2", true);

        var warning = Assert.Single(form.Warnings);

        Assert.Equal(RestrictSpeakersWarningKind.SameZone, warning.Kind);
        Assert.Contains("zone-1, zone-2", warning.Message, StringComparison.Ordinal);
        form.AcceptProposal();
        Assert.Empty(form.Warnings);
    }

    [Fact]
    public void Warnings_UnpickedNodeAlreadyLabelled_NamedBecauseItKeepsItsSpeaker()
    {
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a1", Rack("r")).Node("a2", Rack("r")).Node("a3", [(KnownLabels.Rack, "r"), (KnownLabels.SeedSpeakerLabel, "true")])
            .Speaker().RackPeer("leaf", "10.0.1.1", "r").BgpConf()
            .Build());

        // By default the label is removed from a3 as the last step, so there is nothing to warn about.
        Assert.Empty(form.Warnings);
        Assert.Equal(["a3"], form.UnpickedCarrying);
        var steps = form.ToRequest().Steps;
        Assert.Equal(3, steps.Count);
        var removal = Assert.IsType<SetNodeLabels>(steps[^1]);
        Assert.Equal(["a3"], removal.Nodes);
        Assert.Equal([KnownLabels.SeedSpeakerLabel], removal.Remove);

        form.RemoveFromOthers = false;
        var warning = Assert.Single(form.Warnings);

        Assert.Equal(RestrictSpeakersWarningKind.UnpickedCarryLabel, warning.Kind);
        Assert.EndsWith(": a3.", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, form.ToRequest().Steps.Count);
        form.Key = "example.com/other";
        Assert.Empty(form.Warnings);
    }

    [Fact]
    public void Warnings_PickThatOtherSelectorKeysKeepOff_NamedWithThePlacementReason()
    {
        // The existing selector also wants disk=ssd, which b lacks: labelling b gives it no speaker.
        var placement = SpeakerPlacement.Unrestricted with { NodeSelector = LabelSet.Of(("disk", "ssd")) };
        var form = Form(new ClusterSnapshotBuilder()
            .Node("a", [(KnownLabels.Rack, "r"), ("disk", "ssd")]).Node("b", Rack("r")).Node("c", [(KnownLabels.Rack, "r"), ("disk", "ssd")])
            .Speaker(placement).RackPeer("leaf", "10.0.1.1", "r").BgpConf()
            .Build());
        Assert.Equal(["a", "c"], Router(form, "leaf").Proposal);

        form.SetPicked("b", true);

        var warning = Assert.Single(form.Warnings);
        Assert.Equal(RestrictSpeakersWarningKind.PickWontRunSpeaker, warning.Kind);
        Assert.Equal("b", warning.Subject);
        Assert.Contains("disk=ssd", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad key!", "true")]
    [InlineData("openelb-speaker", "not a value!")]
    [InlineData("", "true")]
    public void Validation_InvalidKeyOrValue_CoresReasonsAndNoPreview(string key, string value)
    {
        var form = Form(new ClusterSnapshotBuilder().Node("a", Rack("r")).Node("b", Rack("r")).Speaker().RackPeer("leaf", "10.0.1.1", "r").Build());
        Assert.True(form.CanPreview);

        form.Key = key;
        form.Value = value;

        Assert.False(form.CanPreview);
        Assert.Equal(KubernetesValidation.ValidateKey(key, "key").Select(static e => e.Message), form.KeyErrors);
        Assert.Equal(KubernetesValidation.ValidateValue(value, "value").Select(static e => e.Message), form.ValueErrors);
        Assert.NotEmpty(form.KeyErrors.Concat(form.ValueErrors));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToRequest_UnionOfPicks_LabelsThenPlacementByTheChosenMethod(bool useAffinity)
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Node("a1", Rack("rack-a")).Node("a2", Rack("rack-a")).Node("a3", Rack("rack-a")).Node("b1", Rack("rack-b")).Node("b2", Rack("rack-b"))
            .Speaker().RackPeer("leaf-a", "10.0.1.1", "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b").BgpConf()
            .Build();
        var form = Form(snapshot);
        form.Key = "example.com/speaker";
        form.Value = "yes";
        form.UseAffinity = useAffinity;

        var request = form.ToRequest();

        Assert.Equal(CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "example.com/speaker", "yes", useAffinity, "a1", "a2", "b1", "b2"), request);
        var labels = Assert.IsType<SetNodeLabels>(request.Steps[0]);
        Assert.Equal(["a1", "a2", "b1", "b2"], labels.Nodes);
        var placement = Assert.IsType<SetSpeakerPlacement>(request.Steps[1]);
        Assert.Equal(useAffinity ? PlacementParts.NodeAffinity : PlacementParts.NodeSelector, placement.Parts);
    }

    [Fact]
    public void NoSpeakerWorkload_NothingToPreview()
    {
        var form = Form(new ClusterSnapshotBuilder().Node("a", Rack("r")).Node("b", Rack("r")).RackPeer("leaf", "10.0.1.1", "r").Build());

        Assert.False(form.HasSpeaker);
        Assert.False(form.CanPreview);
        Assert.Throws<InvalidOperationException>(form.ToRequest);
    }

    [Fact]
    public void Link_EscapesTheRouterName() =>
        Assert.Equal("wizards/restrict-speakers?router=leaf%20a%2F1", RestrictSpeakersForm.Link("leaf a/1"));
}
