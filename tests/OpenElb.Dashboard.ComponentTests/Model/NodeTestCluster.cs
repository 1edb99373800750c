using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

/// <summary>
/// A small cluster with one node per interesting state, shared by the nodes model and page tests:
/// <list type="bullet">
/// <item>a1 (rack-a, zone-1): ready speaker, session with leaf-a established.</item>
/// <item>a2 (rack-a, zone-2): speaker not ready; leaf-a still has an ESTABLISHED entry for it, which is stale.</item>
/// <item>n1 (rack-a): the placement wants a speaker but none is there.</item>
/// <item>b1 (rack-b): ready speaker, session with leaf-b IDLE (down).</item>
/// <item>b2 (rack-b): untolerated NoSchedule taint dedicated=lb, no speaker (as the placement says).</item>
/// <item>x1 (no rack): node not ready, ready speaker, under no router.</item>
/// </list>
/// </summary>
public static class NodeTestCluster
{
    public static readonly Taint Dedicated = new("dedicated", "lb", TaintEffect.NoSchedule);

    public static ClusterSnapshotBuilder Builder(long version = 1, bool fixB1 = false)
    {
        var builder = new ClusterSnapshotBuilder().Version(version)
            .Node("a1", [(KnownLabels.Rack, "rack-a"), (KnownLabels.Zone, "zone-1")])
            .Node("a2", [(KnownLabels.Rack, "rack-a"), (KnownLabels.Zone, "zone-2")])
            .Node("n1", [(KnownLabels.Rack, "rack-a")])
            .Node("b1", [(KnownLabels.Rack, "rack-b")])
            .Node("b2", [(KnownLabels.Rack, "rack-b")], [Dedicated])
            .Node("x1", ready: false)
            .Speaker()
            .RackPeer("leaf-a", "10.0.1.1", "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b")
            .BgpConf()
            .Pod("a1").Pod("a2", ready: false).Pod("b1").Pod("x1")
            .Session("leaf-a", BgpSessionState.Established, "a1", "a2")
            .Session("leaf-b", fixB1 ? BgpSessionState.Established : BgpSessionState.Idle, "b1");
        return builder;
    }

    public static ClusterSnapshot Snapshot(long version = 1, bool fixB1 = false) => Builder(version, fixB1).Build();

    public static DashboardView View(ClusterSnapshot? snapshot = null, long sequence = 1) =>
        DashboardView.Create(sequence, snapshot ?? Snapshot(), TestClusterState.Synced(), FindingsOptions.Default, TopologyOptions.Default);
}
