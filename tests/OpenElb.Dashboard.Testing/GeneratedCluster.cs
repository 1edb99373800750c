using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Testing;

/// <summary>
/// Generates a deterministic large cluster: <c>nodes</c> spread evenly over <c>routers</c> racks (one BgpPeer per rack,
/// selecting it by the rack label), three zones, a speaker on every node, and every session established.
/// </summary>
public static class GeneratedCluster
{
    /// <summary>Builds the snapshot.</summary>
    public static ClusterSnapshot Create(int nodes = 5000, int routers = 125)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(routers, 1);
        var nodeInfos = new List<NodeInfo>(nodes);
        var pods = new List<SpeakerPod>(nodes);
        var rackMembers = new List<string>[routers];
        for (var r = 0; r < routers; r++)
        {
            rackMembers[r] = [];
        }
        var started = ClusterSnapshotBuilder.Now.AddDays(-3);
        for (var i = 0; i < nodes; i++)
        {
            var name = $"node-{i:D5}";
            var rack = i % routers;
            rackMembers[rack].Add(name);
            var labels = LabelSet.Of(
                (KnownLabels.Hostname, name),
                (KnownLabels.Os, "linux"),
                ("kubernetes.io/arch", "amd64"),
                ("node.kubernetes.io/instance-type", i % 7 == 0 ? "metal-large" : "metal-medium"),
                (KnownLabels.Rack, RackName(rack)),
                (KnownLabels.Zone, $"zone-{(char)('a' + (i / routers % 3))}"),
                ("topology.kubernetes.io/region", "region-1"),
                ("example.com/pool", i % 2 == 0 ? "general" : "storage"));
            var taints = i < 3
                ? new EquatableArray<Taint>([new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule)])
                : EquatableArray<Taint>.Empty;
            nodeInfos.Add(new NodeInfo(name, labels, taints, true, false, $"10.{i / 65536}.{i / 256 % 256}.{i % 256}", "1000"));
            pods.Add(new SpeakerPod("openelb-system", $"openelb-speaker-{i:x5}", name, PodPhase.Running, true, 0, started));
        }

        var peers = new List<BgpPeerInfo>(routers);
        for (var r = 0; r < routers; r++)
        {
            var sessions = rackMembers[r]
                .Select(n => new PeerSession(n, BgpSessionState.Established, null, started, null, 1200, 1190))
                .ToArray();
            peers.Add(new BgpPeerInfo(
                $"leaf-{r:D3}",
                $"172.16.{r / 256}.{r % 256}",
                64512 + r,
                false,
                LabelSelector.ForLabels((KnownLabels.Rack, RackName(r))),
                new(sessions),
                null,
                "500"));
        }

        var speaker = new SpeakerDaemonSet(
            "openelb-system", "openelb-speaker", SpeakerPlacement.KubectlManifestDefault,
            DesiredScheduled: nodes, CurrentScheduled: nodes, Ready: nodes, Updated: nodes, ResourceVersion: "900");
        var bgpConf = new BgpConfInfo("default", 64500, null, 17900,
            new([.. Enumerable.Range(0, routers).Select(r => new RackAs(RackName(r), 64512 + r))]));
        return new ClusterSnapshot(1, ClusterSnapshotBuilder.Now, nodeInfos, pods, speaker, peers, bgpConf,
            [new EipInfo("eip-pool", "192.168.100.0/22", EipProtocol.Bgp, PoolSize: 1024, Usage: 40)]);
    }

    /// <summary>The rack label value of rack <paramref name="index"/>.</summary>
    public static string RackName(int index) => $"rack-{index:D3}";

    /// <summary>The first <paramref name="perRouter"/> nodes of every rack (what the seed's recipe would pick).</summary>
    public static string[] FirstNodesPerRack(ClusterSnapshot snapshot, int perRouter = 2)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Nodes
            .GroupBy(n => n.Labels.GetValueOrDefault(KnownLabels.Rack) ?? "", StringComparer.Ordinal)
            .SelectMany(g => g.Take(perRouter))
            .Select(n => n.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
