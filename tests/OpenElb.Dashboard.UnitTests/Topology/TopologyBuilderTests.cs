using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.UnitTests.Topology;

public class TopologyBuilderTests
{
    private const string Zone = KnownLabels.Zone;
    private const string Rack = KnownLabels.Rack;

    private static LabelSelector Selector((string Key, string Value)[] matchLabels, params LabelSelectorRequirement[] expressions) =>
        new(LabelSet.Of(matchLabels), new([.. expressions]));

    private static LabelSelector Expressions(params LabelSelectorRequirement[] expressions) => Selector([], expressions);

    private static LabelSelectorRequirement Req(string key, string op, params string[] values) =>
        LabelSelectorRequirement.Of(key, op, values);

    /// <summary>
    /// Named selectors for <see cref="Build_PeerSelector_SelectsMatchingNodes"/>, evaluated against <see cref="FourNodes"/>:
    /// n1 rack=a zone=z1, n2 rack=a zone=z2, n3 rack=b zone=z1, n4 no rack, tier=edge.
    /// </summary>
    private static readonly Dictionary<string, LabelSelector?> s_selectors = new(StringComparer.Ordinal)
    {
        ["none"] = null,
        ["empty"] = Selector([]),
        ["matchLabels rack=a"] = LabelSelector.ForLabels((Rack, "a")),
        ["matchLabels rack=c"] = LabelSelector.ForLabels((Rack, "c")),
        ["matchLabels rack=a,zone=z2"] = LabelSelector.ForLabels((Rack, "a"), (Zone, "z2")),
        ["In rack a,b"] = Expressions(Req(Rack, SelectorOperators.In, "a", "b")),
        ["In rack b,c"] = Expressions(Req(Rack, SelectorOperators.In, "b", "c")),
        ["NotIn rack a"] = Expressions(Req(Rack, SelectorOperators.NotIn, "a")),
        ["Exists rack"] = Expressions(Req(Rack, SelectorOperators.Exists)),
        ["DoesNotExist rack"] = Expressions(Req(Rack, SelectorOperators.DoesNotExist)),
        ["Exists rack, NotIn zone z1"] = Expressions(Req(Rack, SelectorOperators.Exists), Req(Zone, SelectorOperators.NotIn, "z1")),
        ["matchLabels rack=a + In zone z2"] = Selector([(Rack, "a")], Req(Zone, SelectorOperators.In, "z2")),
        ["matchLabels zone=z1 + NotIn rack b"] = Selector([(Zone, "z1")], Req(Rack, SelectorOperators.NotIn, "b")),
        ["invalid: unknown operator"] = Expressions(Req(Rack, "Equals", "a")),
        ["invalid: Gt in a label selector"] = Expressions(Req("tier", SelectorOperators.Gt, "1")),
        ["invalid: In without values"] = Expressions(Req(Rack, SelectorOperators.In)),
        ["invalid: Exists with values"] = Expressions(Req(Rack, SelectorOperators.Exists, "a")),
        ["invalid: bad key in matchLabels"] = LabelSelector.ForLabels(("bad key", "a")),
        ["invalid: bad value in In"] = Expressions(Req(Rack, SelectorOperators.In, "a", "not valid!")),
        ["invalid: valid matchLabels + invalid expression"] = Selector([(Rack, "a")], Req(Zone, "Equals", "z1")),
    };

    /// <summary>Each node as <c>name:routerIndexes</c>, e.g. <c>n1:0,1</c>.</summary>
    private static IEnumerable<string> RoutersPerNode(ClusterTopology topology) =>
        topology.Nodes.Select(n => $"{n.Node.Name}:{string.Join(",", n.Routers)}");

    private static ClusterSnapshotBuilder FourNodes() => new ClusterSnapshotBuilder()
        .Speaker()
        .Node("n1", [(Rack, "a"), (Zone, "z1")])
        .Node("n2", [(Rack, "a"), (Zone, "z2")])
        .Node("n3", [(Rack, "b"), (Zone, "z1")])
        .Node("n4", [("tier", "edge")])
        .PodsWhereEligible();

    [Theory]
    [InlineData("none", new[] { "n1", "n2", "n3", "n4" })]
    [InlineData("empty", new[] { "n1", "n2", "n3", "n4" })]
    [InlineData("matchLabels rack=a", new[] { "n1", "n2" })]
    [InlineData("matchLabels rack=c", new string[0])]
    [InlineData("matchLabels rack=a,zone=z2", new[] { "n2" })]
    [InlineData("In rack a,b", new[] { "n1", "n2", "n3" })]
    [InlineData("In rack b,c", new[] { "n3" })]
    [InlineData("NotIn rack a", new[] { "n3", "n4" })]
    [InlineData("Exists rack", new[] { "n1", "n2", "n3" })]
    [InlineData("DoesNotExist rack", new[] { "n4" })]
    [InlineData("Exists rack, NotIn zone z1", new[] { "n2" })]
    [InlineData("matchLabels rack=a + In zone z2", new[] { "n2" })]
    [InlineData("matchLabels zone=z1 + NotIn rack b", new[] { "n1" })]
    [InlineData("invalid: unknown operator", new string[0])]
    [InlineData("invalid: Gt in a label selector", new string[0])]
    [InlineData("invalid: In without values", new string[0])]
    [InlineData("invalid: Exists with values", new string[0])]
    [InlineData("invalid: bad key in matchLabels", new string[0])]
    [InlineData("invalid: bad value in In", new string[0])]
    [InlineData("invalid: valid matchLabels + invalid expression", new string[0])]
    public void Build_PeerSelector_SelectsMatchingNodes(string selector, string[] expected)
    {
        var topology = TopologyBuilder.Build(FourNodes().Peer("leaf", "10.1.1.1", s_selectors[selector]).Build());

        var group = Assert.Single(topology.Groups);
        Assert.Equal(RouterGroupKind.BgpPeer, topology.GroupKind);
        Assert.Equal(RouterGroupKind.BgpPeer, group.Kind);
        Assert.Equal(expected, group.SelectedNodes);
        Assert.Equal(expected, group.SpeakerNodes);
        Assert.Equal(expected, topology.Nodes.Where(n => n.Routers.SequenceEqual([0])).Select(n => n.Node.Name));
        Assert.Equal(new[] { "n1", "n2", "n3", "n4" }.Except(expected), topology.UngroupedNodes);
    }

    [Fact]
    public void Build_TwoPeersWithoutSelector_EveryNodeUnderBoth()
    {
        var topology = TopologyBuilder.Build(FourNodes().Peer("tor-2", "10.1.1.2").Peer("tor-1", "10.1.1.1").Build());

        Assert.Equal(["tor-1", "tor-2"], topology.Groups.Select(g => g.Name));
        Assert.All(topology.Groups, g => Assert.Equal(["n1", "n2", "n3", "n4"], g.SelectedNodes));
        Assert.Equal(["n1:0,1", "n2:0,1", "n3:0,1", "n4:0,1"], RoutersPerNode(topology));
        Assert.Empty(topology.UngroupedNodes);
    }

    [Fact]
    public void Build_NodeMatchedByTwoSelectors_NodeUnderBothRouters()
    {
        var snapshot = FourNodes()
            .RackPeer("leaf-a", "10.1.1.1", "a")
            .Peer("spine", "10.1.2.1", Expressions(Req(Zone, SelectorOperators.In, "z1")))
            .Build();

        var topology = TopologyBuilder.Build(snapshot);

        Assert.Equal(["leaf-a", "spine"], topology.Groups.Select(g => g.Name));
        Assert.Equal(["n1", "n2"], topology.Groups[0].SelectedNodes);
        Assert.Equal(["n1", "n3"], topology.Groups[1].SelectedNodes);
        Assert.Equal(["n1:0,1", "n2:0", "n3:1", "n4:"], RoutersPerNode(topology));
        Assert.Equal(["n4"], topology.UngroupedNodes);
    }

    [Fact]
    public void Build_Always_NodesInNameOrderAndGroupsByName()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Node("worker-b", [(Rack, "x")])
            .Node("worker-a", [(Rack, "y")])
            .Node("Worker-c", [(Rack, "x")])
            .RackPeer("z-leaf", "10.1.1.2", "x")
            .RackPeer("a-leaf", "10.1.1.1", "y")
            .Version(42)
            .Build();

        var topology = TopologyBuilder.Build(snapshot);

        Assert.Equal(42, topology.SnapshotVersion);
        Assert.Equal(["Worker-c", "worker-a", "worker-b"], topology.Nodes.Select(n => n.Node.Name));
        Assert.Equal(["a-leaf", "z-leaf"], topology.Groups.Select(g => g.Name));
        Assert.Equal(["Worker-c", "worker-b"], topology.Groups[1].SelectedNodes);
    }

    [Fact]
    public void Build_SameSnapshotTwice_EqualTopologies()
    {
        var snapshot = FourNodes().RackPeer("leaf-a", "10.1.1.1", "a").Peer("all", "10.1.1.9").EstablishAll().Build();

        Assert.Equal(TopologyBuilder.Build(snapshot), TopologyBuilder.Build(snapshot));
    }

    [Fact]
    public void Build_NoPeersAndRackLabels_GroupsByRackAndListsUnlabelledNodesAsUngrouped()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Node("n1", [(Rack, "b")])
            .Node("n2", [(Rack, "a")])
            .Node("n3", [(Rack, "b")])
            .Node("n4")
            .Node("n5", [(Rack, "a")])
            .Pod("n1")
            .Pod("n2", ready: false)
            .Pod("n3")
            .Pod("n4")
            .Build();

        var topology = TopologyBuilder.Build(snapshot);

        Assert.Equal(RouterGroupKind.Label, topology.GroupKind);
        Assert.Equal(["a", "b"], topology.Groups.Select(g => g.Name));
        Assert.All(topology.Groups, g => Assert.Equal(RouterGroupKind.Label, g.Kind));
        Assert.All(topology.Groups, g => Assert.Null(g.Peer));
        Assert.All(topology.Groups, g => Assert.Empty(g.Sessions));
        Assert.All(topology.Groups, g => Assert.Equal((0, 0), (g.Established, g.Expected)));
        Assert.Equal(["n2", "n5"], topology.Groups[0].SelectedNodes);
        Assert.Empty(topology.Groups[0].SpeakerNodes);
        Assert.Equal(["n1", "n3"], topology.Groups[1].SelectedNodes);
        Assert.Equal(["n1", "n3"], topology.Groups[1].SpeakerNodes);
        Assert.Equal(["n4"], topology.UngroupedNodes);
        Assert.Equal(["n1:1", "n2:0", "n3:1", "n4:", "n5:0"], RoutersPerNode(topology));
    }

    [Fact]
    public void Build_NoPeersAndCustomGroupingLabel_GroupsByThatLabel()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Node("n1", [("example.com/leaf", "l1"), (Rack, "r1")])
            .Node("n2", [("example.com/leaf", "l2"), (Rack, "r1")])
            .Node("n3", [(Rack, "r2")])
            .Build();

        var topology = TopologyBuilder.Build(snapshot, new TopologyOptions { GroupingLabel = "example.com/leaf" });

        Assert.Equal(RouterGroupKind.Label, topology.GroupKind);
        Assert.Equal(["l1", "l2"], topology.Groups.Select(g => g.Name));
        Assert.Equal(["n3"], topology.UngroupedNodes);
    }

    [Fact]
    public void Build_NoPeersAndNoNodeHasTheLabel_OneClusterGroupWithEveryNode()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Node("n1")
            .Node("n2")
            .Node("n3")
            .Pod("n1")
            .Pod("n3", terminating: true)
            .Build();

        var topology = TopologyBuilder.Build(snapshot);

        Assert.Equal(RouterGroupKind.Cluster, topology.GroupKind);
        var group = Assert.Single(topology.Groups);
        Assert.Equal("cluster", group.Name);
        Assert.Equal(RouterGroupKind.Cluster, group.Kind);
        Assert.Equal(["n1", "n2", "n3"], group.SelectedNodes);
        Assert.Equal(["n1"], group.SpeakerNodes);
        Assert.Empty(topology.UngroupedNodes);
        Assert.Equal(["n1:0", "n2:0", "n3:0"], RoutersPerNode(topology));
        Assert.Same(group, topology.FindGroup("cluster"));
    }

    [Fact]
    public void Build_PeersPresent_GroupingLabelIgnored()
    {
        var snapshot = FourNodes().Peer("leaf", "10.1.1.1", LabelSelector.ForLabels(("tier", "edge"))).Build();

        var topology = TopologyBuilder.Build(snapshot);

        Assert.Equal(RouterGroupKind.BgpPeer, topology.GroupKind);
        Assert.Equal(["leaf"], topology.Groups.Select(g => g.Name));
        Assert.Equal(["n1", "n2", "n3"], topology.UngroupedNodes);
    }

    [Fact]
    public void FindGroup_UnknownName_Null()
    {
        var topology = TopologyBuilder.Build(FourNodes().RackPeer("leaf-a", "10.1.1.1", "a").Build());

        Assert.Equal("leaf-a", topology.FindGroup("leaf-a")?.Name);
        Assert.Null(topology.FindGroup("leaf-b"));
        Assert.Null(topology.FindGroup("LEAF-A"));
    }

    /// <summary>Adds the pod described by <paramref name="pod"/> on <paramref name="node"/>.</summary>
    private static ClusterSnapshotBuilder WithPod(ClusterSnapshotBuilder builder, string node, string pod) => pod switch
    {
        "none" => builder,
        "ready" => builder.Pod(node),
        "not-ready" => builder.Pod(node, ready: false),
        "terminating" => builder.Pod(node, terminating: true),
        "pending" => builder.Pod(node, PodPhase.Pending, ready: false),
        "failed" => builder.Pod(node, PodPhase.Failed, ready: false),
        "unknown" => builder.Pod(node, PodPhase.Unknown, ready: true),
        "rolling" => builder.Pod(node, terminating: true, name: "old").Pod(node, name: "new"),
        _ => throw new ArgumentOutOfRangeException(nameof(pod), pod, null),
    };

    [Theory]
    [InlineData("ready", BgpSessionState.Established, SessionHealth.Established, 1, 1)]
    [InlineData("rolling", BgpSessionState.Established, SessionHealth.Established, 1, 1)]
    [InlineData("ready", BgpSessionState.Active, SessionHealth.Down, 0, 1)]
    [InlineData("ready", BgpSessionState.Idle, SessionHealth.Down, 0, 1)]
    [InlineData("ready", BgpSessionState.OpenConfirm, SessionHealth.Down, 0, 1)]
    [InlineData("ready", BgpSessionState.Unknown, SessionHealth.Down, 0, 1)]
    [InlineData("ready", null, SessionHealth.Unknown, 0, 1)]
    [InlineData("none", BgpSessionState.Established, SessionHealth.Stale, 0, 0)]
    [InlineData("not-ready", BgpSessionState.Established, SessionHealth.Stale, 0, 0)]
    [InlineData("terminating", BgpSessionState.Established, SessionHealth.Stale, 0, 0)]
    [InlineData("pending", BgpSessionState.Established, SessionHealth.Stale, 0, 0)]
    [InlineData("failed", BgpSessionState.Established, SessionHealth.Stale, 0, 0)]
    [InlineData("unknown", BgpSessionState.Established, SessionHealth.Stale, 0, 0)]
    [InlineData("none", BgpSessionState.Active, SessionHealth.Stale, 0, 0)]
    [InlineData("none", null, SessionHealth.NoSpeaker, 0, 0)]
    [InlineData("not-ready", null, SessionHealth.NoSpeaker, 0, 0)]
    [InlineData("terminating", null, SessionHealth.NoSpeaker, 0, 0)]
    public void Build_SelectedNodeWithPodAndEntry_ClassifiesHealthAndCounts(string pod, BgpSessionState? entry, SessionHealth health, int established, int expected)
    {
        var builder = WithPod(new ClusterSnapshotBuilder().Speaker().Node("n1").Peer("leaf", "10.1.1.1"), "n1", pod);
        if (entry is { } state)
        {
            builder.Session("leaf", state, "n1");
        }

        var group = Assert.Single(TopologyBuilder.Build(builder.Build()).Groups);

        var session = Assert.Single(group.Sessions);
        Assert.Equal("n1", session.NodeName);
        Assert.Equal(health, session.Health);
        Assert.True(session.Selected);
        Assert.Equal(entry, session.Entry?.State);
        Assert.Equal(established, group.Established);
        Assert.Equal(expected, group.Expected);
        Assert.Equal(expected == 1 ? new[] { "n1" } : [], group.SpeakerNodes);
        Assert.Equal(health == SessionHealth.Stale ? new[] { "n1" } : [], group.StaleSessions.Select(s => s.NodeName));
    }

    [Theory]
    [InlineData(false, null, SessionHealth.NoSpeaker)]
    [InlineData(false, BgpSessionState.Established, SessionHealth.Stale)]
    [InlineData(false, BgpSessionState.Idle, SessionHealth.Stale)]
    [InlineData(true, null, SessionHealth.Unknown)]
    [InlineData(true, BgpSessionState.Established, SessionHealth.Established)]
    [InlineData(true, BgpSessionState.Connect, SessionHealth.Down)]
    [InlineData(true, BgpSessionState.OpenSent, SessionHealth.Down)]
    [InlineData(true, BgpSessionState.Unknown, SessionHealth.Down)]
    public void Classify_LiveSpeakerAndEntry_Health(bool live, BgpSessionState? state, SessionHealth expected)
    {
        var entry = state is { } s ? new PeerSession("n1", s) : null;

        Assert.Equal(expected, TopologyBuilder.Classify(live, entry));
    }

    [Fact]
    public void Build_EntriesOfUnselectedNodes_KeptWithSelectedFalseAndNotCounted()
    {
        var snapshot = FourNodes()
            .Node("n5", [(Rack, "b")])
            .Pod("n5", ready: false)
            .RackPeer("leaf-a", "10.1.1.1", "a")
            .Session("leaf-a", BgpSessionState.Established, "n1", "n2", "n3", "n5", "gone")
            .Session("leaf-a", BgpSessionState.Active, "n4")
            .Build();

        var group = Assert.Single(TopologyBuilder.Build(snapshot).Groups);

        Assert.Equal(
            [
                ("gone", SessionHealth.Stale, false),
                ("n1", SessionHealth.Established, true),
                ("n2", SessionHealth.Established, true),
                ("n3", SessionHealth.Established, false),
                ("n4", SessionHealth.Down, false),
                ("n5", SessionHealth.Stale, false),
            ],
            group.Sessions.Select(s => (s.NodeName, s.Health, s.Selected)));
        Assert.Equal(["n1", "n2"], group.SelectedNodes);
        Assert.Equal(["n1", "n2"], group.SpeakerNodes);
        Assert.Equal(2, group.Established);
        Assert.Equal(2, group.Expected);
        Assert.Equal(["gone", "n5"], group.StaleSessions.Select(s => s.NodeName));
    }

    [Fact]
    public void Build_MixedSelectedNodes_EstablishedCountsOnlyLiveEstablishedSelected()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Node("n1", [(Rack, "a")])
            .Node("n2", [(Rack, "a")])
            .Node("n3", [(Rack, "a")])
            .Node("n4", [(Rack, "a")])
            .Node("n5", [(Rack, "b")])
            .Pod("n1")
            .Pod("n3")
            .Pod("n4")
            .Pod("n5")
            .RackPeer("leaf-a", "10.1.1.1", "a")
            .Session("leaf-a", BgpSessionState.Established, "n1", "n2", "n5")
            .Session("leaf-a", BgpSessionState.Active, "n3")
            .Build();

        var group = Assert.Single(TopologyBuilder.Build(snapshot).Groups);

        Assert.Equal(
            [
                ("n1", SessionHealth.Established),
                ("n2", SessionHealth.Stale),
                ("n3", SessionHealth.Down),
                ("n4", SessionHealth.Unknown),
                ("n5", SessionHealth.Established),
            ],
            group.Sessions.Select(s => (s.NodeName, s.Health)));
        Assert.Equal(["n1", "n3", "n4"], group.SpeakerNodes);
        Assert.Equal(1, group.Established);
        Assert.Equal(3, group.Expected);
        Assert.Equal(RedundancyState.Degraded, group.Redundancy);
    }

    [Fact]
    public void Build_AdminDownPeer_ExpectedAndEstablishedZero()
    {
        var snapshot = FourNodes()
            .Peer("leaf-a", "10.1.1.1", LabelSelector.ForLabels((Rack, "a")), adminDown: true)
            .EstablishAll()
            .Build();

        var group = Assert.Single(TopologyBuilder.Build(snapshot).Groups);

        Assert.Equal(0, group.Established);
        Assert.Equal(0, group.Expected);
        Assert.Equal(["n1", "n2"], group.SpeakerNodes);
        Assert.All(group.Sessions, s => Assert.Equal(SessionHealth.Established, s.Health));
        Assert.Equal(RedundancyState.Critical, group.Redundancy);
    }

    [Theory]
    [InlineData(0, RedundancyState.Critical)]
    [InlineData(1, RedundancyState.Degraded)]
    [InlineData(2, RedundancyState.Ok)]
    [InlineData(3, RedundancyState.Ok)]
    public void Redundancy_PeerGroup_FollowsEstablishedNotSpeakers(int established, RedundancyState expected)
    {
        var nodes = new[] { "n1", "n2", "n3" };
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Nodes(nodes)
            .PodsWhereEligible()
            .Peer("leaf", "10.1.1.1")
            .Session("leaf", BgpSessionState.Established, nodes[..established])
            .Build();

        var group = Assert.Single(TopologyBuilder.Build(snapshot).Groups);

        Assert.Equal(established, group.Established);
        Assert.Equal(3, group.SpeakerNodes.Count);
        Assert.Equal(expected, group.Redundancy);
    }

    [Theory]
    [InlineData(0, RedundancyState.Critical)]
    [InlineData(1, RedundancyState.Degraded)]
    [InlineData(2, RedundancyState.Ok)]
    public void Redundancy_LabelGroup_FollowsSpeakerNodes(int speakers, RedundancyState expected)
    {
        var builder = new ClusterSnapshotBuilder().Speaker().Nodes(["n1", "n2", "n3"], (Rack, "a"));
        foreach (var node in new[] { "n1", "n2" }[..speakers])
        {
            builder.Pod(node);
        }

        var group = Assert.Single(TopologyBuilder.Build(builder.Build()).Groups);

        Assert.Equal(RouterGroupKind.Label, group.Kind);
        Assert.Equal(expected, group.Redundancy);
    }

    [Theory]
    [InlineData(0, 2, RedundancyState.Critical)]
    [InlineData(1, 2, RedundancyState.Degraded)]
    [InlineData(2, 2, RedundancyState.Ok)]
    [InlineData(2, 3, RedundancyState.Degraded)]
    [InlineData(3, 3, RedundancyState.Ok)]
    [InlineData(1, 1, RedundancyState.Ok)]
    public void FromCount_CountAndMinimum_State(int count, int minimum, RedundancyState expected)
    {
        Assert.Equal(expected, RedundancyStates.FromCount(count, minimum));
    }

    /// <summary>Parses <c>name:kind</c> pods, where kind is ready, not-ready, pending, failed, succeeded, unknown or terminating.</summary>
    private static SpeakerPod[] Pods(string text) =>
        text.Length == 0
            ? []
            : [.. text.Split(',').Select(static item =>
            {
                var (name, kind) = (item.Split(':')[0], item.Split(':')[1]);
                return kind switch
                {
                    "ready" => new SpeakerPod("ns", name, "n1", PodPhase.Running, true),
                    "not-ready" => new SpeakerPod("ns", name, "n1", PodPhase.Running, false),
                    "pending" => new SpeakerPod("ns", name, "n1", PodPhase.Pending, false),
                    "failed" => new SpeakerPod("ns", name, "n1", PodPhase.Failed, false),
                    "succeeded" => new SpeakerPod("ns", name, "n1", PodPhase.Succeeded, false),
                    "unknown" => new SpeakerPod("ns", name, "n1", PodPhase.Unknown, false),
                    "terminating" => new SpeakerPod("ns", name, "n1", PodPhase.Running, true, Terminating: true),
                    _ => throw new ArgumentOutOfRangeException(nameof(text), kind, null),
                };
            })];

    [Theory]
    [InlineData("", SpeakerStatus.None, null)]
    [InlineData("a:ready", SpeakerStatus.Ready, "a")]
    [InlineData("a:not-ready", SpeakerStatus.NotReady, "a")]
    [InlineData("a:pending", SpeakerStatus.Pending, "a")]
    [InlineData("a:failed", SpeakerStatus.Failed, "a")]
    [InlineData("a:succeeded", SpeakerStatus.Failed, "a")]
    [InlineData("a:unknown", SpeakerStatus.Failed, "a")]
    [InlineData("a:terminating", SpeakerStatus.Terminating, "a")]
    [InlineData("old:terminating,new:pending", SpeakerStatus.Pending, "new")]
    [InlineData("old:terminating,new:ready", SpeakerStatus.Ready, "new")]
    [InlineData("old:terminating,new:failed", SpeakerStatus.Failed, "new")]
    [InlineData("a:failed,b:not-ready", SpeakerStatus.NotReady, "b")]
    [InlineData("a:pending,b:ready", SpeakerStatus.Ready, "b")]
    [InlineData("a:not-ready,b:pending", SpeakerStatus.NotReady, "a")]
    [InlineData("a:ready,b:ready", SpeakerStatus.Ready, "a")]
    [InlineData("a:terminating,b:terminating", SpeakerStatus.Terminating, "a")]
    public void SpeakerStatusOf_Pods_StatusAndMostRelevantPod(string pods, SpeakerStatus status, string? pod)
    {
        var (actualStatus, actualPod) = TopologyBuilder.SpeakerStatusOf(Pods(pods));

        Assert.Equal(status, actualStatus);
        Assert.Equal(pod, actualPod?.Name);
    }

    [Fact]
    public void Build_NodeViews_CarrySpeakerStatusPodAndPlacement()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Speaker()
            .Node("n1")
            .Node("n2")
            .Node("n3", taints: [new Taint("dedicated", "db", TaintEffect.NoExecute)])
            .Node("n4")
            .Pod("n1", terminating: true, name: "old")
            .Pod("n1", name: "new")
            .Pod("n2", PodPhase.Pending, ready: false)
            .Build();

        var nodes = TopologyBuilder.Build(snapshot).Nodes;

        Assert.Equal(
            [
                ("n1", SpeakerStatus.Ready, "new", PlacementReason.Eligible),
                ("n2", SpeakerStatus.Pending, "openelb-speaker-n2", PlacementReason.Eligible),
                ("n3", SpeakerStatus.None, null, PlacementReason.UntoleratedNoExecute),
                ("n4", SpeakerStatus.None, null, PlacementReason.Eligible),
            ],
            nodes.Select(n => (n.Node.Name, n.Speaker, n.SpeakerPod?.Name, n.Placement.Reason)));
    }

    [Fact]
    public void Build_NoSpeakerWorkload_PlacementSaysSo()
    {
        var snapshot = new ClusterSnapshotBuilder().Node("n1").Peer("leaf", "10.1.1.1").Build();

        var node = Assert.Single(TopologyBuilder.Build(snapshot).Nodes);

        Assert.Equal(PlacementReason.NoSpeakerWorkload, node.Placement.Reason);
        Assert.Equal(SpeakerStatus.None, node.Speaker);
    }

    [Fact]
    public void Build_StatusEntriesOutOfOrder_ArePairedWithTheirNodes()
    {
        var built = new ClusterSnapshotBuilder().Nodes(["n1", "n2", "n3"]).Speaker().PodsWhereEligible().Peer("tor", "10.0.0.254").Build();
        var peer = built.Peers[0] with
        {
            Sessions = EquatableArray.Create(
                new PeerSession("n3", BgpSessionState.Established),
                new PeerSession("gone", BgpSessionState.Established),
                new PeerSession("n1", BgpSessionState.Idle)),
        };
        var snapshot = built.With(peers: [peer]);

        var group = Assert.Single(TopologyBuilder.Build(snapshot).Groups);

        Assert.Equal(
            ["gone Stale False", "n1 Down True", "n2 Unknown True", "n3 Established True"],
            group.Sessions.Select(s => $"{s.NodeName} {s.Health} {s.Selected}"));
        Assert.Equal(1, group.Established);
    }
}
