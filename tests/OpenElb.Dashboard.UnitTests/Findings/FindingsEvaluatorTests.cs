using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.UnitTests.Findings;

public class FindingsEvaluatorTests
{
    private const string Rack = KnownLabels.Rack;
    private const string Zone = KnownLabels.Zone;

    private static EquatableArray<Finding> Evaluate(ClusterSnapshotBuilder builder, FindingsOptions? options = null)
    {
        var snapshot = builder.Build();
        return FindingsEvaluator.Evaluate(snapshot, TopologyBuilder.Build(snapshot), options);
    }

    /// <summary>Each finding as <c>Severity rule router [nodes]</c>, with <c>-</c> for a cluster-wide finding.</summary>
    private static string[] Summary(IEnumerable<Finding> findings) =>
        [.. findings.Select(static f => $"{f.Severity} {f.RuleId} {f.Router ?? "-"} [{string.Join(",", f.Nodes)}]")];

    private static Finding Single(EquatableArray<Finding> findings, string rule, string? router = null) =>
        Assert.Single(findings, f => f.RuleId == rule && f.Router == router);

    /// <summary>
    /// Two racks under two leaf routers: n1 (z1) and n2 (z2) in rack a under leaf-a, n3 (z1) and n4 (z2) in rack b under
    /// leaf-b, the kubectl manifest's speaker, BgpConf default with asPerRack, and a BGP Eip. No pods, no sessions yet.
    /// </summary>
    private static ClusterSnapshotBuilder TwoRacks(bool speaker = true, bool bgpConf = true, bool asPerRack = true)
    {
        var builder = new ClusterSnapshotBuilder()
            .Node("n1", [(Rack, "a"), (Zone, "z1")])
            .Node("n2", [(Rack, "a"), (Zone, "z2")])
            .Node("n3", [(Rack, "b"), (Zone, "z1")])
            .Node("n4", [(Rack, "b"), (Zone, "z2")])
            .RackPeer("leaf-a", "10.1.1.1", "a")
            .RackPeer("leaf-b", "10.1.2.1", "b")
            .Eip("pool", "192.168.0.0/24");
        if (speaker)
        {
            builder.Speaker();
        }
        if (bgpConf)
        {
            builder = asPerRack ? builder.BgpConf(65000, ("a", 65001), ("b", 65002)) : builder.BgpConf(65000);
        }
        return builder;
    }

    /// <summary><see cref="TwoRacks"/> with a Ready speaker on every node and every session established.</summary>
    private static ClusterSnapshotBuilder Healthy() => TwoRacks().PodsWhereEligible().EstablishAll();

    /// <summary><paramref name="count"/> nodes without rack or zone, each with a Ready speaker, under one router.</summary>
    private static ClusterSnapshotBuilder FlatCluster(int count, LabelSelector? selector = null)
    {
        var builder = new ClusterSnapshotBuilder().Speaker().BgpConf().Eip("pool", "192.168.0.0/24");
        for (var i = 1; i <= count; i++)
        {
            builder.Node($"n{i:D2}");
        }
        return builder.PodsWhereEligible().Peer("tor", "10.1.1.1", selector).EstablishAll();
    }

    /// <summary>Nodes n1, n2 in rack a and n3, n4 in rack b with Ready speakers, no BgpPeers, and a Layer2 Eip.</summary>
    private static ClusterSnapshotBuilder Layer2TwoRacks(EipProtocol protocol = EipProtocol.Layer2) => new ClusterSnapshotBuilder()
        .Speaker()
        .Nodes(["n1", "n2"], (Rack, "a"))
        .Nodes(["n3", "n4"], (Rack, "b"))
        .PodsWhereEligible()
        .Eip("l2-pool", "192.168.1.10-192.168.1.20", protocol);

    /// <summary>
    /// For every rule, a scenario in which it fires (with the options to use). <see cref="Evaluate_EveryRule_FiresInItsScenario"/>
    /// makes a new rule in <see cref="FindingRules.All"/> fail until a scenario (and its tests) is added here.
    /// </summary>
    private static readonly Dictionary<string, Func<(ClusterSnapshotBuilder Builder, FindingsOptions? Options)>> s_firing = new(StringComparer.Ordinal)
    {
        [FindingRules.SpeakerMissing] = () => (new ClusterSnapshotBuilder().Node("n1").Node("n2"), null),
        [FindingRules.BgpConfMissing] = () => (TwoRacks(bgpConf: false).PodsWhereEligible().EstablishAll(), null),
        [FindingRules.RouterNoSession] = () => (Healthy().Session("leaf-a", BgpSessionState.Active, "n1", "n2"), null),
        [FindingRules.RouterFewSessions] = () => (Healthy().Session("leaf-a", BgpSessionState.Idle, "n2"), null),
        [FindingRules.RouterFewSpeakers] = () => (TwoRacks().Pod("n2", ready: false).PodsWhereEligible().EstablishAll(), null),
        [FindingRules.SelectedNodeWithoutSpeaker] = () => (
            TwoRacks()
                .Node("n5", [(Rack, "a"), (Zone, "z3")], [new Taint("dedicated", "db", TaintEffect.NoExecute)])
                .PodsWhereEligible()
                .EstablishAll(),
            null),
        [FindingRules.SpeakersShareZone] = () => (TwoRacks().Label(Zone, "z1", "n2").PodsWhereEligible().EstablishAll(), null),
        [FindingRules.RouterSessionLoad] = () => (FlatCluster(9), null),
        [FindingRules.Layer2AcrossRouters] = () => (Layer2TwoRacks(), null),
        [FindingRules.Layer2FewSpeakers] = () => (
            new ClusterSnapshotBuilder().Speaker().Node("n1").Node("n2").Pod("n1").Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2),
            null),
        [FindingRules.StaleSessionEntries] = () => (Healthy().Session("leaf-a", BgpSessionState.Established, "gone"), null),
        [FindingRules.SessionsNeedRestart] = () => (Healthy().Session("leaf-a", BgpSessionState.Established, "n3"), null),
        [FindingRules.PeerAdminDown] = () => (
            TwoRacks().Peer("leaf-a", "10.1.1.1", LabelSelector.ForLabels((Rack, "a")), adminDown: true).PodsWhereEligible().EstablishAll(),
            null),
        [FindingRules.RackWithoutAsPerRack] = () => (TwoRacks(asPerRack: false).PodsWhereEligible().EstablishAll(), null),
    };

    private static EquatableArray<Finding> Firing(string rule)
    {
        var (builder, options) = s_firing[rule]();
        return Evaluate(builder, options);
    }

    public static TheoryData<string> AllRules => [.. FindingRules.All];

    [Theory]
    [MemberData(nameof(AllRules))]
    public void Evaluate_EveryRule_FiresInItsScenario(string rule)
    {
        Assert.True(s_firing.ContainsKey(rule), $"No firing scenario (and so no test) for rule '{rule}'.");

        Assert.Contains(Firing(rule), f => f.RuleId == rule);
    }

    [Fact]
    public void FiringScenarios_Keys_AreExactlyTheKnownRules()
    {
        Assert.Equal(FindingRules.All.Order(StringComparer.Ordinal), s_firing.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(FindingRules.All.Count, FindingRules.All.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(AllRules))]
    public void Evaluate_FiringScenario_MessagesNameTheRouterAndNodesAreSorted(string rule)
    {
        foreach (var finding in Firing(rule))
        {
            Assert.False(string.IsNullOrWhiteSpace(finding.Message));
            Assert.False(string.IsNullOrWhiteSpace(finding.Remedy.Text));
            if (finding.Router is { } router)
            {
                Assert.Contains(router, finding.Message, StringComparison.Ordinal);
                Assert.Equal($"{finding.RuleId}/{router}", finding.Key);
            }
            else
            {
                Assert.Equal(finding.RuleId, finding.Key);
            }
            Assert.Equal(finding.Nodes.Order(StringComparer.Ordinal), finding.Nodes);
        }
    }

    [Fact]
    public void Evaluate_HealthyRackCluster_NoFindings()
    {
        Assert.Empty(Evaluate(Healthy()));
    }

    [Fact]
    public void Evaluate_EmptySnapshot_NoFindings()
    {
        Assert.Empty(FindingsEvaluator.Evaluate(ClusterSnapshot.Empty, TopologyBuilder.Build(ClusterSnapshot.Empty)));
    }

    [Fact]
    public void Evaluate_NoSpeakerWorkload_SpeakerMissingCritical()
    {
        var finding = Assert.Single(Firing(FindingRules.SpeakerMissing));

        Assert.Equal("Critical speaker-missing - []", Summary([finding])[0]);
        Assert.Contains("speaker", finding.Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.None, finding.Remedy.Kind);
    }

    [Fact]
    public void Evaluate_SpeakerWorkloadPresent_NoSpeakerMissing()
    {
        Assert.DoesNotContain(Evaluate(new ClusterSnapshotBuilder().Speaker().Node("n1").Node("n2")), f => f.RuleId == FindingRules.SpeakerMissing);
    }

    [Fact]
    public void Evaluate_NoSpeakerWorkloadWithRouters_EverySelectedNodeExcludedAndSortedBySeverityRuleRouter()
    {
        var findings = Evaluate(TwoRacks(speaker: false));

        Assert.Equal(
            [
                "Critical router-no-session leaf-a []",
                "Critical router-no-session leaf-b []",
                "Critical speaker-missing - []",
                "Warning router-few-speakers leaf-a []",
                "Warning router-few-speakers leaf-b []",
                "Warning selected-node-without-speaker leaf-a [n1,n2]",
                "Warning selected-node-without-speaker leaf-b [n3,n4]",
            ],
            Summary(findings));
    }

    [Fact]
    public void Evaluate_BgpPeersWithoutBgpConf_BgpConfMissingCritical()
    {
        var findings = Firing(FindingRules.BgpConfMissing);

        Assert.Equal(["Critical bgpconf-missing - []"], Summary(findings));
        Assert.Contains("'default'", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.EditBgpConfiguration, findings[0].Remedy.Kind);
    }

    [Theory]
    [InlineData(EipProtocol.Bgp, false, true)]
    [InlineData(EipProtocol.Bgp, true, false)]
    [InlineData(EipProtocol.Layer2, false, false)]
    [InlineData(EipProtocol.Vip, false, false)]
    public void Evaluate_NoPeersNoBgpConf_BgpConfMissingOnlyWithAnEnabledBgpEip(EipProtocol protocol, bool disabled, bool fires)
    {
        var builder = new ClusterSnapshotBuilder().Speaker().Node("n1").Node("n2").PodsWhereEligible().Eip("pool", "192.168.0.0/24", protocol, disabled);

        Assert.Equal(fires, Evaluate(builder).Any(f => f.RuleId == FindingRules.BgpConfMissing));
    }

    [Fact]
    public void Evaluate_BgpConfPresent_NoBgpConfMissing()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.BgpConfMissing);
    }

    [Fact]
    public void Evaluate_SpeakersUpButNoSessionEstablished_RouterNoSessionCriticalPointsAtTheRouter()
    {
        var findings = Firing(FindingRules.RouterNoSession);

        Assert.Equal(["Critical router-no-session leaf-a [n1,n2]"], Summary(findings));
        var finding = findings[0];
        Assert.Contains("leaf-a", finding.Message, StringComparison.Ordinal);
        Assert.Contains("10.1.1.1", finding.Message, StringComparison.Ordinal);
        Assert.Contains("2 speakers", finding.Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.None, finding.Remedy.Kind);
        Assert.Contains("10.1.1.1", finding.Remedy.Text, StringComparison.Ordinal);
        Assert.Contains("AS 65001", finding.Remedy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoReadySpeakerUnderRouter_RouterNoSessionWithRestrictRemedy()
    {
        var findings = Evaluate(TwoRacks().Pod("n3").Pod("n4").EstablishAll());

        Assert.Equal(["Critical router-no-session leaf-a []", "Warning router-few-speakers leaf-a []"], Summary(findings));
        Assert.Contains("no node under it runs a ready speaker", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.RestrictSpeakers, findings[0].Remedy.Kind);
        Assert.Contains("0 ready speakers although the placement allows 2", findings[1].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.None, findings[1].Remedy.Kind);
        Assert.Contains("n1, n2", findings[1].Remedy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OnlyStaleEstablishedEntries_RouterNoSessionAndStaleInfo()
    {
        var builder = TwoRacks()
            .Pod("n1", ready: false)
            .Pod("n2", terminating: true)
            .PodsWhereEligible()
            .EstablishAll()
            .Session("leaf-a", BgpSessionState.Established, "n1", "n2");

        Assert.Equal(
            [
                "Critical router-no-session leaf-a []",
                "Warning router-few-speakers leaf-a []",
                "Info stale-session-entries leaf-a [n1,n2]",
            ],
            Summary(Evaluate(builder)));
    }

    [Fact]
    public void Evaluate_OneOfTwoSessionsEstablished_RouterFewSessionsWarningNamesTheEstablishedNode()
    {
        var findings = Firing(FindingRules.RouterFewSessions);

        Assert.Equal(["Warning router-few-sessions leaf-a [n1]"], Summary(findings));
        Assert.Contains("leaf-a", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("only one established", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.None, findings[0].Remedy.Kind);
        Assert.Contains("1 speaker under leaf-a", findings[0].Remedy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NoSessionEstablished_NoSingleSessionFinding()
    {
        Assert.DoesNotContain(Firing(FindingRules.RouterNoSession), f => f.RuleId == FindingRules.RouterFewSessions);
    }

    [Fact]
    public void Evaluate_OneSpeakerNotReady_RouterFewSpeakersSaysSpeakersMissingOrNotReady()
    {
        var findings = Firing(FindingRules.RouterFewSpeakers);

        Assert.Equal(
            ["Warning router-few-sessions leaf-a [n1]", "Warning router-few-speakers leaf-a [n1]"],
            Summary(findings));
        var few = findings[1];
        Assert.Contains("leaf-a", few.Message, StringComparison.Ordinal);
        Assert.Contains("1 ready speaker although the placement allows 2", few.Message, StringComparison.Ordinal);
        Assert.Equal(new Remedy(RemedyKind.None, "Check the speaker pods on n2."), few.Remedy);
    }

    [Fact]
    public void Evaluate_PlacementAllowsOneNodeUnderRouter_FewSpeakersAndExcludedNodeWarnings()
    {
        var placement = new SpeakerPlacement(LabelSet.Of((KnownLabels.SeedSpeakerLabel, "true")), null, EquatableArray<Toleration>.Empty);
        var builder = TwoRacks()
            .Speaker(placement)
            .Label(KnownLabels.SeedSpeakerLabel, "true", "n1", "n3", "n4")
            .PodsWhereEligible()
            .EstablishAll();

        var findings = Evaluate(builder);

        Assert.Equal(
            [
                "Warning router-few-sessions leaf-a [n1]",
                "Warning router-few-speakers leaf-a [n1]",
                "Warning selected-node-without-speaker leaf-a [n2]",
            ],
            Summary(findings));
        Assert.Contains("allows only 1 node under it", findings[1].Message, StringComparison.Ordinal);
        Assert.All(findings, f => Assert.Equal(RemedyKind.RestrictSpeakers, f.Remedy.Kind));
        Assert.Contains("1 node selected by Router leaf-a (10.1.1.1) is excluded", findings[2].Message, StringComparison.Ordinal);
        Assert.Contains("fewer than 2 speakers", findings[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TwoSpeakersPerRouter_NoFewSpeakersFinding()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.RouterFewSpeakers);
    }

    [Fact]
    public void Evaluate_MinSpeakersPerRouterThree_TwoSpeakerRoutersAreShort()
    {
        var findings = Evaluate(Healthy(), new FindingsOptions { MinSpeakersPerRouter = 3 });

        Assert.Equal(
            [
                "Warning router-few-sessions leaf-a [n1,n2]",
                "Warning router-few-sessions leaf-b [n3,n4]",
                "Warning router-few-speakers leaf-a [n1,n2]",
                "Warning router-few-speakers leaf-b [n3,n4]",
            ],
            Summary(findings));
        Assert.Contains("only 2 established BGP sessions (at least 3 are needed)", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("allows only 2 nodes", findings[2].Message, StringComparison.Ordinal);
        Assert.Contains("at least 3 nodes", findings[2].Remedy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MinSpeakersPerRouterOne_OneSpeakerIsEnough()
    {
        var (builder, _) = s_firing[FindingRules.RouterFewSpeakers]();

        Assert.DoesNotContain(Evaluate(builder, new FindingsOptions { MinSpeakersPerRouter = 1 }), f => f.RuleId == FindingRules.RouterFewSpeakers);
    }

    [Fact]
    public void Evaluate_SelectedNodeExcludedButRouterStillRedundant_SelectedNodeWithoutSpeakerInfo()
    {
        var findings = Firing(FindingRules.SelectedNodeWithoutSpeaker);

        Assert.Equal(["Info selected-node-without-speaker leaf-a [n5]"], Summary(findings));
        Assert.Contains("leaf-a", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("intended when speakers are restricted", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.None, findings[0].Remedy.Kind);
    }

    [Fact]
    public void Evaluate_EverySelectedNodeAllowed_NoSelectedNodeWithoutSpeaker()
    {
        var findings = Evaluate(TwoRacks().Node("n5", [(Rack, "a"), (Zone, "z3")]).PodsWhereEligible().EstablishAll());

        Assert.DoesNotContain(findings, f => f.RuleId == FindingRules.SelectedNodeWithoutSpeaker);
    }

    [Fact]
    public void Evaluate_BothSpeakersInOneZone_SpeakersShareZoneAdvisory()
    {
        var findings = Firing(FindingRules.SpeakersShareZone);

        Assert.Equal(["Advisory speakers-share-zone leaf-a [n1,n2]"], Summary(findings));
        Assert.Contains("leaf-a", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("zone 'z1'", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.RestrictSpeakers, findings[0].Remedy.Kind);
    }

    [Fact]
    public void Evaluate_OneSpeakerWithoutZone_NoSpeakersShareZone()
    {
        var builder = TwoRacks().Node("n2", [(Rack, "a")]).PodsWhereEligible().EstablishAll();

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Evaluate_OnlyOneSpeakerInZone_NoSpeakersShareZone()
    {
        var (builder, _) = s_firing[FindingRules.RouterFewSpeakers]();

        Assert.DoesNotContain(Evaluate(builder), f => f.RuleId == FindingRules.SpeakersShareZone);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("example.com/dc", true)]
    public void Evaluate_ZoneLabelOption_DecidesTheFailureDomain(string? zoneLabel, bool fires)
    {
        var builder = Healthy().Label("example.com/dc", "dc1", "n1", "n2");
        var options = zoneLabel is null ? null : new FindingsOptions { ZoneLabel = zoneLabel };

        var findings = Evaluate(builder, options);

        Assert.Equal(fires ? ["Advisory speakers-share-zone leaf-a [n1,n2]"] : [], Summary(findings));
        if (fires)
        {
            Assert.Contains("zone 'dc1'", findings[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Evaluate_RouterWithoutSelectorAndNineSessions_RouterSessionLoadAdvisory()
    {
        var findings = Firing(FindingRules.RouterSessionLoad);

        Assert.Equal(["Advisory router-session-load tor []"], Summary(findings));
        Assert.Contains("tor", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("9 sessions (more than 8)", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.RestrictSpeakers, findings[0].Remedy.Kind);
    }

    [Theory]
    [InlineData(8, "none", null, false)]
    [InlineData(9, "none", null, true)]
    [InlineData(9, "empty", null, true)]
    [InlineData(9, "os=linux", null, false)]
    [InlineData(5, "none", 4, true)]
    [InlineData(4, "none", 4, false)]
    [InlineData(20, "none", 20, false)]
    public void Evaluate_SessionsOnOneRouter_RouterSessionLoadAboveThresholdWithoutSelector(int nodes, string selector, int? max, bool fires)
    {
        var peerSelector = selector switch
        {
            "none" => null,
            "empty" => new LabelSelector(LabelSet.Empty, EquatableArray<LabelSelectorRequirement>.Empty),
            _ => LabelSelector.ForLabels((KnownLabels.Os, "linux")),
        };
        var options = max is { } m ? new FindingsOptions { MaxSessionsPerRouter = m } : null;

        var findings = Evaluate(FlatCluster(nodes, peerSelector), options);

        Assert.Equal(fires ? ["Advisory router-session-load tor []"] : [], Summary(findings));
    }

    [Fact]
    public void Evaluate_NineNodesButEightReadySpeakers_NoRouterSessionLoad()
    {
        var builder = FlatCluster(8).Node("n09").Pod("n09", ready: false);

        Assert.DoesNotContain(Evaluate(builder), f => f.RuleId == FindingRules.RouterSessionLoad);
    }

    [Theory]
    [InlineData(EipProtocol.Layer2)]
    [InlineData(EipProtocol.Vip)]
    public void Evaluate_Layer2EipAcrossTwoRacks_Layer2AcrossRoutersWarning(EipProtocol protocol)
    {
        var findings = Evaluate(Layer2TwoRacks(protocol));

        Assert.Equal(["Warning layer2-across-routers - []"], Summary(findings));
        Assert.Contains("l2-pool", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.EditBgpConfiguration, findings[0].Remedy.Kind);
    }

    [Fact]
    public void Evaluate_Layer2EipWithTwoSelectivePeers_Layer2AcrossRoutersWarning()
    {
        var findings = Evaluate(Healthy().Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2));

        Assert.Equal(["Warning layer2-across-routers - []"], Summary(findings));
    }

    [Fact]
    public void Evaluate_Layer2EipInOneRack_NoLayer2AcrossRouters()
    {
        var builder = new ClusterSnapshotBuilder()
            .Speaker()
            .Nodes(["n1", "n2", "n3"], (Rack, "a"))
            .Node("n4")
            .PodsWhereEligible()
            .Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2);

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Evaluate_DisabledLayer2EipAcrossRacks_NoLayer2Findings()
    {
        var builder = new ClusterSnapshotBuilder()
            .Speaker()
            .Nodes(["n1", "n2"], (Rack, "a"))
            .Nodes(["n3"], (Rack, "b"))
            .PodsWhereEligible()
            .Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2, disabled: true);

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Evaluate_Layer2EipWithTwoPeersWithoutSelector_NoLayer2AcrossRouters()
    {
        var builder = FlatCluster(3).Peer("tor-2", "10.1.1.2").EstablishAll().Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2);

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Evaluate_BgpOnlyAcrossRacks_NoLayer2AcrossRouters()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.Layer2AcrossRouters);
    }

    [Fact]
    public void Evaluate_Layer2ClusterWithOneSpeaker_Layer2FewSpeakersWarning()
    {
        var findings = Firing(FindingRules.Layer2FewSpeakers);

        Assert.Equal(["Warning layer2-few-speakers cluster [n1]"], Summary(findings));
        Assert.Contains("The cluster has 1 ready speaker", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.RestrictSpeakers, findings[0].Remedy.Kind);
    }

    [Fact]
    public void Evaluate_Layer2ClusterWithoutSpeakers_Layer2FewSpeakersCritical()
    {
        var builder = new ClusterSnapshotBuilder().Speaker().Node("n1").Node("n2").Eip("l2-pool", "192.168.1.10", EipProtocol.Vip);

        Assert.Equal(["Critical layer2-few-speakers cluster []"], Summary(Evaluate(builder)));
    }

    [Fact]
    public void Evaluate_Layer2RackWithOneSpeaker_Layer2FewSpeakersNamesTheRack()
    {
        var builder = new ClusterSnapshotBuilder()
            .Speaker()
            .Nodes(["n1", "n2"], (Rack, "a"))
            .Nodes(["n3", "n4"], (Rack, "b"))
            .Pod("n1")
            .Pod("n2")
            .Pod("n3")
            .Pod("n4", PodPhase.Pending, ready: false)
            .Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2);

        var findings = Evaluate(builder);

        Assert.Equal(["Warning layer2-across-routers - []", "Warning layer2-few-speakers b [n3]"], Summary(findings));
        Assert.Contains("Rack b has 1 ready speaker", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Layer2ClusterWithTwoSpeakers_NoLayer2FewSpeakers()
    {
        var builder = new ClusterSnapshotBuilder().Speaker().Node("n1").Node("n2").PodsWhereEligible().Eip("l2-pool", "192.168.1.10", EipProtocol.Layer2);

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Evaluate_OneSpeakerAndNoLayer2Eip_NoLayer2FewSpeakers()
    {
        var builder = new ClusterSnapshotBuilder().Speaker().Node("n1").Node("n2").Pod("n1");

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Evaluate_Layer2MinSpeakersThree_TwoSpeakerRackIsShort()
    {
        var findings = Evaluate(Layer2TwoRacks(), new FindingsOptions { MinSpeakersPerRouter = 3 });

        Assert.Equal(
            ["Warning layer2-across-routers - []", "Warning layer2-few-speakers a [n1,n2]", "Warning layer2-few-speakers b [n3,n4]"],
            Summary(findings));
        Assert.Contains("at least 3 speakers", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_EntryOfDeletedNode_StaleSessionEntriesInfo()
    {
        var findings = Firing(FindingRules.StaleSessionEntries);

        Assert.Equal(["Info stale-session-entries leaf-a [gone]"], Summary(findings));
        Assert.Contains("leaf-a", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("1 node without a live speaker", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.None, findings[0].Remedy.Kind);
    }

    [Fact]
    public void Evaluate_UnselectedNodeEntryWithoutLiveSpeaker_StaleNotRestart()
    {
        var builder = Healthy().Node("n5", [(Rack, "b")]).Pod("n5", terminating: true).Session("leaf-a", BgpSessionState.Established, "n5");

        Assert.Equal(["Info stale-session-entries leaf-a [n5]"], Summary(Evaluate(builder)));
    }

    [Fact]
    public void Evaluate_NoEntryWithoutSpeaker_NoStaleSessionEntries()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.StaleSessionEntries);
    }

    [Fact]
    public void Evaluate_LiveSessionFromUnselectedNode_SessionsNeedRestartWarning()
    {
        var findings = Firing(FindingRules.SessionsNeedRestart);

        Assert.Equal(["Warning sessions-need-restart leaf-a [n3]"], Summary(findings));
        Assert.Contains("leaf-a", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("1 speaker still peer", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(new Remedy(RemedyKind.RestartSpeakers, "Restart the speakers on n3."), findings[0].Remedy);
    }

    [Theory]
    [InlineData(BgpSessionState.Active)]
    [InlineData(BgpSessionState.Unknown)]
    public void Evaluate_DownSessionFromUnselectedLiveNode_SessionsNeedRestart(BgpSessionState state)
    {
        var findings = Evaluate(Healthy().Session("leaf-b", state, "n1", "n2"));

        Assert.Equal(["Warning sessions-need-restart leaf-b [n1,n2]"], Summary(findings));
        Assert.Equal("Restart the speakers on n1, n2.", findings[0].Remedy.Text);
    }

    [Fact]
    public void Evaluate_ManyUnselectedLiveSessions_RemedyListsFiveNodes()
    {
        var builder = Healthy();
        var extra = new[] { "x1", "x2", "x3", "x4", "x5", "x6" };
        builder.Nodes(extra, (Rack, "c")).PodsWhereEligible().Session("leaf-a", BgpSessionState.Established, extra);

        var finding = Single(Evaluate(builder), FindingRules.SessionsNeedRestart, "leaf-a");

        Assert.Equal(extra, finding.Nodes);
        Assert.Contains("6 speakers still peer", finding.Message, StringComparison.Ordinal);
        Assert.Equal("Restart the speakers on x1, x2, x3, x4, x5 and 1 more.", finding.Remedy.Text);
    }

    [Fact]
    public void Evaluate_AdminDownPeer_PeerAdminDownWarningAndNoSessionFindings()
    {
        var findings = Firing(FindingRules.PeerAdminDown);

        Assert.Equal(["Warning peer-admin-down leaf-a [n1,n2]"], Summary(findings));
        Assert.Contains("leaf-a", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("administratively down", findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.EditBgpConfiguration, findings[0].Remedy.Kind);
        Assert.Contains("'leaf-a'", findings[0].Remedy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AdminDownPeerWithoutSessions_OnlyPeerAdminDown()
    {
        var builder = TwoRacks().Peer("leaf-a", "10.1.1.1", LabelSelector.ForLabels((Rack, "a")), adminDown: true).PodsWhereEligible().EstablishAll()
            .Session("leaf-a", BgpSessionState.Idle, "n1", "n2", "gone");

        Assert.Equal(["Warning peer-admin-down leaf-a [n1,n2]"], Summary(Evaluate(builder)));
    }

    [Fact]
    public void Evaluate_PeerAdminUp_NoPeerAdminDown()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.PeerAdminDown);
    }

    [Fact]
    public void Evaluate_RackLabelsWithoutAsPerRack_RackWithoutAsPerRackAdvisory()
    {
        var findings = Firing(FindingRules.RackWithoutAsPerRack);

        Assert.Equal(["Advisory rack-without-as-per-rack - []"], Summary(findings));
        Assert.Contains(Rack, findings[0].Message, StringComparison.Ordinal);
        Assert.Equal(RemedyKind.EditBgpConfiguration, findings[0].Remedy.Kind);
    }

    [Fact]
    public void Evaluate_PeerSelectsByRackExpressionButNoNodeHasTheLabel_RackWithoutAsPerRack()
    {
        var selector = new LabelSelector(LabelSet.Empty, EquatableArray.Create(LabelSelectorRequirement.Of(Rack, "In", "a")));
        var builder = FlatCluster(2).Peer("leaf-a", "10.1.1.2", selector);

        Assert.Contains(Evaluate(builder), f => f.RuleId == FindingRules.RackWithoutAsPerRack);
    }

    [Fact]
    public void Evaluate_NoRackLabelsAnywhere_NoRackWithoutAsPerRack()
    {
        Assert.Empty(Evaluate(FlatCluster(3, LabelSelector.ForLabels((KnownLabels.Os, "linux")))));
    }

    [Fact]
    public void Evaluate_AsPerRackSet_NoRackWithoutAsPerRack()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.RackWithoutAsPerRack);
    }

    [Fact]
    public void Evaluate_RackLabelsInLayer2OnlyCluster_NoRackWithoutAsPerRack()
    {
        Assert.DoesNotContain(Evaluate(Layer2TwoRacks().BgpConf()), f => f.RuleId == FindingRules.RackWithoutAsPerRack);
    }

    [Fact]
    public void Evaluate_CustomRackLabel_UsesTheOption()
    {
        var builder = FlatCluster(2).Label("example.com/leaf", "l1", "n01", "n02");

        Assert.Empty(Evaluate(builder));
        Assert.Equal(
            ["Advisory rack-without-as-per-rack - []"],
            Summary(Evaluate(builder, new FindingsOptions { RackLabel = "example.com/leaf" })));
    }

    [Fact]
    public void Evaluate_ManyProblems_SortedBySeverityThenRuleThenRouter()
    {
        var builder = TwoRacks(asPerRack: false)
            .Label(Zone, "z1", "n4")
            .Peer("core", "10.1.9.1", adminDown: true)
            .RackPeer("leaf-c", "10.1.3.1", "c")
            .PodsWhereEligible()
            .EstablishAll()
            .Session("leaf-a", BgpSessionState.Active, "n2")
            .Session("leaf-b", BgpSessionState.Established, "gone");

        var findings = Evaluate(builder);

        Assert.Equal(
            [
                "Critical router-no-session leaf-c []",
                "Warning peer-admin-down core [n1,n2,n3,n4]",
                "Warning router-few-sessions leaf-a [n1]",
                "Warning router-few-speakers leaf-c []",
                "Advisory rack-without-as-per-rack - []",
                "Advisory speakers-share-zone leaf-b [n3,n4]",
                "Info stale-session-entries leaf-b [gone]",
            ],
            Summary(findings));
    }

    [Fact]
    public void Evaluate_SameInputTwice_EqualResults()
    {
        var (builder, _) = s_firing[FindingRules.RouterFewSpeakers]();
        var snapshot = builder.Build();

        Assert.Equal(
            FindingsEvaluator.Evaluate(snapshot, TopologyBuilder.Build(snapshot)),
            FindingsEvaluator.Evaluate(snapshot, TopologyBuilder.Build(snapshot)));
    }

    [Fact]
    public void Evaluate_RunningSpeakerUnderUntoleratedNoScheduleTaint_IsNotReportedAsExcluded()
    {
        // The DaemonSet controller lets a running speaker continue under an untolerated NoSchedule taint.
        var builder = Healthy().Taint(new Taint("maintenance", "", TaintEffect.NoSchedule), "n1");

        Assert.DoesNotContain(Evaluate(builder), f => f.RuleId is FindingRules.SelectedNodeWithoutSpeaker or FindingRules.RouterFewSpeakers);
    }

    [Fact]
    public void Evaluate_UntoleratedNoScheduleTaintWithoutSpeaker_IsReportedAsExcluded()
    {
        var builder = TwoRacks().Taint(new Taint("maintenance", "", TaintEffect.NoSchedule), "n1").PodsWhereEligible().EstablishAll();

        var finding = Single(Evaluate(builder), FindingRules.SelectedNodeWithoutSpeaker, "leaf-a");

        Assert.Equal(["n1"], finding.Nodes);
        Assert.Contains("excluded by the speaker placement (n1)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TwoSessionsWithMinimumTwo_NoFewSessionsFinding()
    {
        Assert.DoesNotContain(Evaluate(Healthy()), f => f.RuleId == FindingRules.RouterFewSessions);
    }

    [Fact]
    public void Evaluate_RedundantRouterPairSelectingSameNodes_Layer2IsNotAcrossRouters()
    {
        var selector = LabelSelector.ForLabels((KnownLabels.SeedSpeakerLabel, "true"));
        var builder = new ClusterSnapshotBuilder()
            .Speaker()
            .Nodes(["n1", "n2"], (KnownLabels.SeedSpeakerLabel, "true"))
            .PodsWhereEligible()
            .Peer("tor-1", "10.1.1.1", selector)
            .Peer("tor-2", "10.1.1.2", selector)
            .EstablishAll()
            .BgpConf()
            .Eip("l2-pool", "192.168.1.10-192.168.1.20", EipProtocol.Layer2);

        Assert.DoesNotContain(Evaluate(builder), f => f.RuleId == FindingRules.Layer2AcrossRouters);
    }

    [Fact]
    public void Evaluate_RoutersSelectingDifferentNodes_Layer2IsAcrossRouters()
    {
        var builder = Healthy().Eip("l2-pool", "192.168.1.10-192.168.1.20", EipProtocol.Layer2);

        Assert.Contains(Evaluate(builder), f => f.RuleId == FindingRules.Layer2AcrossRouters);
    }

    [Fact]
    public void Evaluate_Layer2EipOnEmptyCluster_NoFindingForAnEmptyGroup()
    {
        var builder = new ClusterSnapshotBuilder().Speaker().Eip("l2-pool", "192.168.1.10-192.168.1.20", EipProtocol.Layer2);

        Assert.Empty(Evaluate(builder));
    }

    [Fact]
    public void Build_EmptyRackValue_GroupIsNamedEmpty()
    {
        var snapshot = new ClusterSnapshotBuilder().Nodes(["n1"], (Rack, "")).Build();

        Assert.Equal(["(empty)"], TopologyBuilder.Build(snapshot).Groups.Select(g => g.Name));
    }
}
