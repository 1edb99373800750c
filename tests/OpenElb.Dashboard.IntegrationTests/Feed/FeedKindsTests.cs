using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Crds;
using FeedKind = OpenElb.Dashboard.Core.Abstractions.ResourceKind;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

public sealed class FeedKindsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Patch Merge(string json) => new(json, V1Patch.PatchType.MergePatch);

    [Fact]
    public async Task OpenElbNotInstalled_CrdKindsUnavailableButNodesSynced()
    {
        await using var harness = await FeedHarness.StartWithYamlAsync("""
            kind: Scenario
            name: bare
            description: A cluster without OpenELB.
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: lonely
              labels:
                kubernetes.io/os: linux
            """);

        var health = harness.Feed.Health;

        Assert.True(health.IsSynced);
        Assert.Equal(["lonely"], harness.Feed.Current.Nodes.Select(n => n.Name));
        Assert.Null(harness.Feed.Current.Speaker);
        foreach (var kind in (FeedKind[])[FeedKind.BgpPeers, FeedKind.BgpConfs, FeedKind.Eips])
        {
            var kindHealth = health.Kinds.Single(k => k.Kind == kind);
            Assert.Equal(SyncState.Unavailable, kindHealth.State);
            Assert.Contains("is OpenELB installed?", kindHealth.LastError, StringComparison.Ordinal);
        }
        Assert.Equal(SyncState.Synced, health.Kinds.Single(k => k.Kind == FeedKind.Nodes).State);
    }

    [Fact]
    public async Task OpenElbCustomResources_EachKindsChangeReachesTheSnapshot()
    {
        await using var harness = await FeedHarness.StartAsync();
        var peerName = harness.Feed.Current.Peers[0].Name;

        await harness.Client.CustomObjects.PatchClusterCustomObjectAsync(
            Merge("""{"spec":{"conf":{"adminDown":true}}}"""), V1Alpha2.Group, V1Alpha2.Version, V1Alpha2BgpPeer.Plural, peerName, cancellationToken: Ct);
        await harness.Client.CustomObjects.PatchClusterCustomObjectAsync(
            Merge("""{"spec":{"as":64999}}"""), V1Alpha2.Group, V1Alpha2.Version, V1Alpha2BgpConf.Plural, "default", cancellationToken: Ct);
        await harness.Client.CustomObjects.CreateClusterCustomObjectAsync(
            new V1Alpha2Eip
            {
                Metadata = new V1ObjectMeta { Name = "l2-pool" },
                Spec = new V1Alpha2EipSpec { Address = "192.168.1.10-192.168.1.20", Protocol = "layer2", Interface = "eth0" },
            },
            V1Alpha2.Group, V1Alpha2.Version, V1Alpha2Eip.Plural, cancellationToken: Ct);

        var snapshot = await harness.WaitForAsync(
            s => s.Peers[0].AdminDown && s.BgpConf?.As == 64999 && s.Eips.Any(e => e.Name == "l2-pool"),
            "the BgpPeer, BgpConf and Eip changes");
        Assert.Equal(EipProtocol.Layer2, snapshot.Eips.Single(e => e.Name == "l2-pool").Protocol);
    }

    [Fact]
    public async Task SpeakerSessions_StatusWrittenBySpeakers_ReachTheSnapshot()
    {
        await using var harness = await FeedHarness.StartAsync();

        // The simulated speakers write their own status keys; the feed must carry them into Core's sessions.
        var snapshot = await harness.WaitForAsync(
            s => s.Peers.Count == 1 && s.Peers[0].Sessions.Count == 6 && s.Peers[0].Sessions.All(x => x.State == BgpSessionState.Established),
            "six established sessions written by the speakers");
        Assert.Equal(["node1", "node2", "node3", "node4", "node5", "node6"], snapshot.Peers[0].Sessions.Select(x => x.NodeName));
    }
}
