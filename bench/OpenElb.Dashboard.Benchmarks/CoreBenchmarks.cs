using BenchmarkDotNet.Attributes;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.Benchmarks;

/// <summary>Core on a generated cluster: topology, findings, and the seed's restrict-speakers plan (goal ≤ 20 ms per plan at 5,000 nodes).</summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
[MaxColumn]
public class CoreBenchmarks
{
    private ClusterSnapshot _snapshot = ClusterSnapshot.Empty;
    private ClusterTopology _topology = null!;
    private ChangeRequest _restrict = null!;
    private ChangeRequest _label = null!;

    [Params(5000)]
    public int Nodes { get; set; } = 5000;

    [Params(125)]
    public int Routers { get; set; } = 125;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = GeneratedCluster.Create(Nodes, Routers);
        _topology = TopologyBuilder.Build(_snapshot);
        var chosen = GeneratedCluster.FirstNodesPerRack(_snapshot, 2);
        _restrict = CompositeChange.RestrictSpeakersTo(_snapshot.Speaker!.Placement, "openelb-speaker", "true", useAffinity: false, chosen);
        _label = SetNodeLabels.Add("example.com/maintenance", "true", chosen[0], chosen[1]);
    }

    [Benchmark]
    public ClusterTopology Topology() => TopologyBuilder.Build(_snapshot);

    [Benchmark]
    public EquatableArray<Finding> Findings() => FindingsEvaluator.Evaluate(_snapshot, _topology);

    [Benchmark]
    public EquatableArray<Finding> TopologyAndFindings() => FindingsEvaluator.Evaluate(_snapshot, TopologyBuilder.Build(_snapshot));

    /// <summary>The seed's recipe: label two nodes per router, then set the nodeSelector (every speaker moves).</summary>
    [Benchmark]
    public ChangePlan PlanRestrictSpeakers() => ChangePlanner.Plan(_snapshot, _restrict);

    /// <summary>A small change: one label on two nodes.</summary>
    [Benchmark]
    public ChangePlan PlanLabelTwoNodes() => ChangePlanner.Plan(_snapshot, _label);
}
