using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

/// <summary>What a feed running unattended for weeks must survive (from a review of the feed and writer).</summary>
public sealed class FeedRobustnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Subscribe_CancelledWithoutEverReading_SubscriptionRemoved()
    {
        await using var harness = await FeedHarness.StartAsync();
        var before = harness.Feed.SubscriberCount;
        using var cancel = new CancellationTokenSource();

        _ = harness.Feed.Subscribe(cancel.Token);
        Assert.Equal(before + 1, harness.Feed.SubscriberCount);
        await cancel.CancelAsync();

        Assert.Equal(before, harness.Feed.SubscriberCount);
    }

    [Fact]
    public async Task WaitForSync_AfterSync_LeavesNoSubscription()
    {
        await using var harness = await FeedHarness.StartAsync();
        var before = harness.Feed.SubscriberCount;

        Assert.True(await harness.Feed.WaitForSyncAsync(TestTimeouts.Default, Ct));

        Assert.Equal(before, harness.Feed.SubscriberCount);
    }

    [Fact]
    public async Task MalformedCustomObject_SkippedShownInHealth_LaterChangesStillArrive()
    {
        await using var harness = await FeedHarness.StartAsync();

        // peerAs must be a number: this BgpPeer cannot be decoded. Written through the store, as a broken controller
        // or a CRD without validation would let it through.
        harness.Host.Store.Create(ResourceCatalog.BgpPeers, null, new JsonObject
        {
            ["apiVersion"] = "network.kubesphere.io/v1alpha2",
            ["kind"] = "BgpPeer",
            ["metadata"] = new JsonObject { ["name"] = "broken" },
            ["spec"] = new JsonObject { ["conf"] = new JsonObject { ["peerAs"] = new JsonObject { ["oops"] = 1 }, ["neighborAddress"] = "10.9.9.9" } },
        });
        await harness.Client.CoreV1.PatchNodeAsync(
            new V1Patch("""{"metadata":{"labels":{"after-broken":"yes"}}}""", V1Patch.PatchType.MergePatch), "node1", cancellationToken: Ct);
        var peer = harness.Feed.Current.Peers[0].Name;
        harness.Host.Store.Mutate(ResourceCatalog.BgpPeers, null, peer, obj =>
        {
            obj["spec"]!["conf"]!["description"] = "after the broken one";
            return obj;
        });

        var snapshot = await harness.WaitForAsync(
            s => s.FindNode("node1")!.Labels.ContainsKey("after-broken") && s.Peers.Any(p => p.Description == "after the broken one"),
            "changes after the malformed BgpPeer");
        Assert.DoesNotContain(snapshot.Peers, p => p.Name == "broken");
        Assert.Contains("could not be read", harness.Feed.Health.Kinds.Single(k => k.Kind == Core.Abstractions.ResourceKind.BgpPeers).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_CancelledMidPlan_ReturnsWhatHappened()
    {
        await using var harness = await FeedHarness.StartAsync();
        var plan = ChangePlanner.Plan(harness.Feed.Current, Core.Changes.SetNodeLabels.Add("openelb-speaker", "true", "node1", "node2", "node3"));
        // Every request waits 2 s before the simulator handles it. Cancel once the first write has been stored and its
        // answer has had half a second to arrive: the second write is then waiting in its delay. (A fixed 1.5 s timer
        // against a 1 s delay failed on a loaded CI machine: the first write had not come back yet.)
        harness.Host.Faults.ResponseDelay = TimeSpan.FromSeconds(2);
        using var cancel = new CancellationTokenSource();

        var apply = new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: false, cancel.Token);
        while (harness.Host.Store.Get(ResourceCatalog.Nodes, null, "node1")!["metadata"]!["labels"]?["openelb-speaker"] is null)
        {
            await Task.Delay(20, Ct);
        }
        await Task.Delay(500, Ct);
        await cancel.CancelAsync();
        var results = await apply.WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal([WriteOutcome.Succeeded, WriteOutcome.Unknown, WriteOutcome.Skipped], results.Select(r => r.Outcome));
        Assert.Equal("true", harness.Host.Store.Get(ResourceCatalog.Nodes, null, "node1")!["metadata"]!["labels"]!["openelb-speaker"]!.GetValue<string>());
    }
}
