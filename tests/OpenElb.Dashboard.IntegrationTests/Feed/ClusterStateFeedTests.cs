using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Abstractions;
using FeedKind = OpenElb.Dashboard.Core.Abstractions.ResourceKind;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

public sealed class ClusterStateFeedTests
{
    private static readonly string[] s_seedNodes = ["node1", "node2", "node3", "node4", "node5", "node6"];

    private static V1Patch Labels(string key, string value) =>
        new(new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["labels"] = new System.Text.Json.Nodes.JsonObject { [key] = value } } }.ToJsonString(), V1Patch.PatchType.MergePatch);

    [Fact]
    public async Task Start_SeedScenario_SnapshotMatchesSimulatorGroundTruth()
    {
        await using var harness = await FeedHarness.StartAsync();

        var snapshot = harness.Feed.Current;

        Assert.Equal(harness.Host.Store.List(ResourceCatalog.Nodes).Items.Select(n => n["metadata"]!["name"]!.GetValue<string>()).Order(), snapshot.Nodes.Select(n => n.Name));
        Assert.Equal(s_seedNodes, snapshot.Nodes.Select(n => n.Name));
        Assert.Equal(s_seedNodes, snapshot.SpeakerPods.Select(p => p.NodeName));
        Assert.All(snapshot.SpeakerPods, p => Assert.True(p.IsLive));
        Assert.Equal("openelb-system/openelb-speaker", snapshot.Speaker?.Id);
        Assert.Equal(SpeakerPlacement.KubectlManifestDefault, snapshot.Speaker!.Placement);
        Assert.Single(snapshot.Peers);
        Assert.Equal("default", snapshot.BgpConf?.Name);
        Assert.True(harness.Feed.Health.IsSynced);
        Assert.All(harness.Feed.Health.Kinds, k => Assert.Null(k.LastError));
    }

    [Fact]
    public async Task Subscribe_NodeLabelledThroughApi_UpdateCarriesSnapshotAndChange()
    {
        await using var harness = await FeedHarness.StartAsync();
        using var cancel = new CancellationTokenSource(TestTimeouts.Default);
        var subscription = harness.Feed.Subscribe(cancel.Token);

        await harness.Client.CoreV1.PatchNodeAsync(Labels("openelb-speaker", "true"), "node1", cancellationToken: cancel.Token);

        await foreach (var update in subscription.Updates.WithCancellation(cancel.Token))
        {
            if (update.Snapshot.FindNode("node1")!.Labels.GetValueOrDefault("openelb-speaker") == "true")
            {
                Assert.Contains(new ClusterChange(FeedKind.Nodes, ChangeType.Upsert, "node1"), update.Changes);
                Assert.True(update.Snapshot.Version > subscription.Initial.Snapshot.Version);
                return;
            }
        }
    }

    [Fact]
    public async Task Kubectl_LabelNode_ReachesFeed()
    {
        await using var harness = await FeedHarness.StartAsync();

        (await Kubectl.RunAsync(harness.KubeconfigPath, "label", "nodes", "node2", "openelb-speaker=true")).EnsureSuccess();

        await harness.WaitForAsync(s => s.FindNode("node2")!.Labels.GetValueOrDefault("openelb-speaker") == "true", "kubectl's label in the feed");
    }

    [Fact]
    public async Task DeletePod_RemovedFromSnapshot()
    {
        await using var harness = await FeedHarness.StartAsync();
        var pod = harness.Feed.Current.SpeakerPodsOn("node3")[0];

        await harness.Client.CoreV1.DeleteNamespacedPodAsync(pod.Name, pod.Namespace, cancellationToken: TestContext.Current.CancellationToken);

        await harness.WaitForAsync(s => s.SpeakerPods.All(p => p.Name != pod.Name), "the deleted pod to leave the snapshot");
    }

    [Fact]
    public async Task AllWatchesClosed_WatchResumesAndNextChangeArrives()
    {
        await using var harness = await FeedHarness.StartAsync();

        harness.Host.Store.CloseAllWatches();
        await harness.Client.CoreV1.PatchNodeAsync(Labels("after-close", "yes"), "node4", cancellationToken: TestContext.Current.CancellationToken);

        await harness.WaitForAsync(s => s.FindNode("node4")!.Labels.ContainsKey("after-close"), "the change made after the watches were closed");
        await harness.WaitForSyncedAsync();
    }

    [Fact]
    public async Task HistoryCompacted_ReListsWithoutMissingChanges()
    {
        await using var harness = await FeedHarness.StartAsync();

        // Changes the feed has not seen yet, then history compaction and closed watches: the feed's next watch asks for
        // a resourceVersion the server no longer has (410 Gone) and must re-list to catch up.
        harness.Host.Store.CloseAllWatches();
        for (var i = 0; i < 60; i++)
        {
            harness.Host.Store.Mutate(ResourceCatalog.Nodes, null, "node5", node =>
            {
                node["metadata"]!["labels"]!["churn"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return node;
            });
        }
        harness.Host.Store.CompactHistory();
        harness.Host.Store.Delete(ResourceCatalog.Nodes, null, "node6");

        var snapshot = await harness.WaitForAsync(
            s => s.FindNode("node5")?.Labels.GetValueOrDefault("churn") == "59" && s.FindNode("node6") is null,
            "the last of 60 changes and a deletion, across a 410");
        Assert.Equal(["node1", "node2", "node3", "node4", "node5"], snapshot.Nodes.Select(n => n.Name));
    }

    [Fact]
    public async Task Subscribe_Cancelled_SubscriptionEnds()
    {
        await using var harness = await FeedHarness.StartAsync();
        using var cancel = new CancellationTokenSource();
        var subscription = harness.Feed.Subscribe(cancel.Token);

        var reading = Task.Run(
            async () =>
            {
                await foreach (var _ in subscription.Updates)
                {
                }
            },
            TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
    }
}
