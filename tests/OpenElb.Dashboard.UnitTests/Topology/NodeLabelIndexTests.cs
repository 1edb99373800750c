using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.UnitTests.Topology;

public class NodeLabelIndexTests
{
    private const string Rack = KnownLabels.Rack;
    private const string Zone = KnownLabels.Zone;
    private const string Pool = "example.com/pool";
    private const string InstanceType = "node.kubernetes.io/instance-type";

    private static readonly Lazy<ClusterSnapshot> s_cluster = new(CreateCluster);

    /// <summary>
    /// A generated cluster (600 nodes in 12 racks, three zones, two pools) plus odd nodes the generator never makes: one
    /// without rack and zone, one with an empty rack value, one with only a hostname-like label.
    /// </summary>
    private static ClusterSnapshot CreateCluster()
    {
        var generated = GeneratedCluster.Create(nodes: 600, routers: 12);
        NodeInfo[] odd =
        [
            new("odd-no-rack", LabelSet.Of((KnownLabels.Os, "linux"), (Pool, "general")), EquatableArray<Taint>.Empty),
            new("odd-empty-rack", LabelSet.Of((Rack, ""), (Zone, "zone-a"), (Pool, "storage")), EquatableArray<Taint>.Empty),
            new("odd-bare", LabelSet.Of((KnownLabels.Hostname, "odd-bare")), EquatableArray<Taint>.Empty),
        ];
        return generated.With(nodes: [.. generated.Nodes, .. odd]);
    }

    private static LabelSelectorRequirement Req(string key, string op, params string[] values) =>
        LabelSelectorRequirement.Of(key, op, values);

    private static LabelSelector Selector((string Key, string Value)[] matchLabels, params LabelSelectorRequirement[] expressions) =>
        new(LabelSet.Of(matchLabels), new([.. expressions]));

    private static readonly Dictionary<string, LabelSelector?> s_selectors = new(StringComparer.Ordinal)
    {
        ["null"] = null,
        ["empty"] = Selector([]),
        ["matchLabels one rack"] = LabelSelector.ForLabels((Rack, GeneratedCluster.RackName(3))),
        ["matchLabels rack + pool"] = LabelSelector.ForLabels((Rack, GeneratedCluster.RackName(3)), (Pool, "storage")),
        ["matchLabels pool + instance type (most selective second)"] = LabelSelector.ForLabels((Pool, "general"), (InstanceType, "metal-large")),
        ["matchLabels unknown value"] = LabelSelector.ForLabels((Rack, "rack-999")),
        ["matchLabels unknown key"] = LabelSelector.ForLabels(("example.com/missing", "x")),
        ["matchLabels empty value"] = LabelSelector.ForLabels((Rack, "")),
        ["In one value"] = Selector([], Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(5))),
        ["In several values"] = Selector([], Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(1), GeneratedCluster.RackName(5), GeneratedCluster.RackName(11))),
        ["In duplicate values"] = Selector([], Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(2), GeneratedCluster.RackName(2))),
        ["In with absent value"] = Selector([], Req(Rack, SelectorOperators.In, "rack-999", GeneratedCluster.RackName(0))),
        ["In empty value"] = Selector([], Req(Rack, SelectorOperators.In, "")),
        ["In unknown key"] = Selector([], Req("example.com/missing", SelectorOperators.In, "x")),
        ["In + NotIn"] = Selector([], Req(Zone, SelectorOperators.In, "zone-a", "zone-b"), Req(Rack, SelectorOperators.NotIn, GeneratedCluster.RackName(0))),
        ["NotIn before In"] = Selector([], Req(Pool, SelectorOperators.NotIn, "storage"), Req(Zone, SelectorOperators.In, "zone-c")),
        ["two In"] = Selector([], Req(Zone, SelectorOperators.In, "zone-a"), Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(4), GeneratedCluster.RackName(7))),
        ["NotIn only"] = Selector([], Req(Rack, SelectorOperators.NotIn, GeneratedCluster.RackName(0), GeneratedCluster.RackName(1))),
        ["NotIn only, zone"] = Selector([], Req(Zone, SelectorOperators.NotIn, "zone-b")),
        ["Exists only"] = Selector([], Req(Zone, SelectorOperators.Exists)),
        ["Exists unknown key"] = Selector([], Req("example.com/missing", SelectorOperators.Exists)),
        ["DoesNotExist only"] = Selector([], Req(Rack, SelectorOperators.DoesNotExist)),
        ["Exists + DoesNotExist"] = Selector([], Req(Pool, SelectorOperators.Exists), Req(KnownLabels.Hostname, SelectorOperators.DoesNotExist)),
        ["matchLabels + In"] = Selector([(Pool, "general")], Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(2), GeneratedCluster.RackName(3))),
        ["matchLabels + NotIn + Exists"] = Selector([(Zone, "zone-a")], Req(InstanceType, SelectorOperators.NotIn, "metal-large"), Req(Rack, SelectorOperators.Exists)),
        ["matchLabels + In + NotIn + DoesNotExist"] = Selector(
            [(Pool, "general")],
            Req(InstanceType, SelectorOperators.In, "metal-large", "metal-medium"),
            Req(Zone, SelectorOperators.NotIn, "zone-a"),
            Req("example.com/missing", SelectorOperators.DoesNotExist)),
        ["matchLabels + contradicting In"] = Selector([(Rack, GeneratedCluster.RackName(3))], Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(4))),
        ["invalid: In without values"] = Selector([], Req(Rack, SelectorOperators.In)),
        ["invalid: unknown operator"] = Selector([(Pool, "general")], Req(Rack, "Equals", GeneratedCluster.RackName(3))),
        ["invalid: Exists with values"] = Selector([], Req(Rack, SelectorOperators.Exists, GeneratedCluster.RackName(3))),
        ["invalid: value in In"] = Selector([], Req(Rack, SelectorOperators.In, GeneratedCluster.RackName(3), "-bad-")),
        ["invalid: matchLabels key"] = LabelSelector.ForLabels(("/rack", GeneratedCluster.RackName(3))),
    };

    /// <summary>The reference answer: <see cref="SelectorMatching.Matches"/> on every node of the cluster.</summary>
    private static List<int> BruteForce(LabelSelector? selector)
    {
        var nodes = s_cluster.Value.Nodes;
        return [.. Enumerable.Range(0, nodes.Count).Where(i => SelectorMatching.Matches(selector, nodes[i].Labels))];
    }

    public static TheoryData<string> SelectorNames => [.. s_selectors.Keys];

    [Theory]
    [MemberData(nameof(SelectorNames))]
    public void Select_GeneratedCluster_SameAsBruteForceMatches(string name)
    {
        var selector = s_selectors[name];
        var nodes = s_cluster.Value.Nodes;

        var actual = new NodeLabelIndex(nodes).Select(selector);

        Assert.Equal(BruteForce(selector), actual);
    }

    [Theory]
    [MemberData(nameof(SelectorNames))]
    public void Select_IndexBuiltForAllSelectors_SameAsBruteForceMatches(string name)
    {
        var selector = s_selectors[name];
        var nodes = s_cluster.Value.Nodes;

        var actual = new NodeLabelIndex(nodes, s_selectors.Values).Select(selector);

        Assert.Equal(BruteForce(selector), actual);
    }

    [Theory]
    [MemberData(nameof(SelectorNames))]
    public void Select_IndexBuiltForOtherSelectors_SameAsBruteForceMatches(string name)
    {
        // The index only knows the pool key: every other selector must fall back to a correct (partial) scan.
        var selector = s_selectors[name];
        var nodes = s_cluster.Value.Nodes;

        var actual = new NodeLabelIndex(nodes, [LabelSelector.ForLabels((Pool, "general")), null]).Select(selector);

        Assert.Equal(BruteForce(selector), actual);
    }

    [Theory]
    [MemberData(nameof(SelectorNames))]
    public void Select_IndexBuiltForNoSelector_SameAsBruteForceMatches(string name)
    {
        var selector = s_selectors[name];
        var nodes = s_cluster.Value.Nodes;

        var actual = new NodeLabelIndex(nodes, []).Select(selector);

        Assert.Equal(BruteForce(selector), actual);
    }

    [Theory]
    [MemberData(nameof(SelectorNames))]
    public void Build_GeneratedClusterPeerWithSelector_SelectedNodesSameAsBruteForce(string name)
    {
        var selector = s_selectors[name];
        var cluster = s_cluster.Value;
        var peer = new BgpPeerInfo("probe", "172.31.0.1", 65100, false, selector, EquatableArray<PeerSession>.Empty);
        var snapshot = cluster.With(peers: [.. cluster.Peers, peer]);

        var group = TopologyBuilder.Build(snapshot).FindGroup("probe");

        Assert.NotNull(group);
        Assert.Equal(
            snapshot.Nodes.Where(n => SelectorMatching.Matches(selector, n.Labels)).Select(n => n.Name),
            group.SelectedNodes);
    }

    [Fact]
    public void Build_EverySelectorAsAPeerAtOnce_EachGroupSameAsBruteForce()
    {
        var cluster = s_cluster.Value;
        var peers = s_selectors.Select((entry, i) =>
            new BgpPeerInfo($"probe-{i:D2}", $"172.31.0.{i}", 65100, false, entry.Value, EquatableArray<PeerSession>.Empty)).ToArray();
        var snapshot = cluster.With(peers: peers);

        var topology = TopologyBuilder.Build(snapshot);

        Assert.Equal(peers.Length, topology.Groups.Count);
        Assert.All(peers, peer => Assert.Equal(
            snapshot.Nodes.Where(n => SelectorMatching.Matches(peer.NodeSelector, n.Labels)).Select(n => n.Name),
            topology.FindGroup(peer.Name)!.SelectedNodes));
    }

    [Fact]
    public void Select_Cluster_SelectorsCoverNonTrivialResults()
    {
        // Guards the equivalence tests above against a table where every selector selects all or nothing.
        var index = new NodeLabelIndex(s_cluster.Value.Nodes);
        var total = s_cluster.Value.Nodes.Count;

        var counts = s_selectors.Values.Select(s => index.Select(s).Count).ToArray();

        Assert.Contains(counts, c => c > 0 && c < total / 10);
        Assert.Contains(counts, c => c > total / 2 && c < total);
        Assert.Contains(0, counts);
        Assert.Contains(total, counts);
    }

    [Fact]
    public void Select_EmptyNodeList_Empty()
    {
        var index = new NodeLabelIndex(EquatableArray<NodeInfo>.Empty);

        Assert.Empty(index.Select(null));
        Assert.Empty(index.Select(LabelSelector.ForLabels((Rack, "a"))));
    }

    [Fact]
    public void Build_GeneratedCluster_EveryRackPeerSelectsItsRack()
    {
        var cluster = GeneratedCluster.Create(nodes: 240, routers: 12);

        var topology = TopologyBuilder.Build(cluster);

        Assert.Equal(12, topology.Groups.Count);
        Assert.All(topology.Groups, g =>
        {
            Assert.Equal(20, g.SelectedNodes.Count);
            Assert.Equal(20, g.Established);
            Assert.Equal(20, g.Expected);
            Assert.All(g.Sessions, s => Assert.True(s.Selected));
        });
        Assert.Empty(topology.UngroupedNodes);
        Assert.All(topology.Nodes, n => Assert.Single(n.Routers));
    }
}
