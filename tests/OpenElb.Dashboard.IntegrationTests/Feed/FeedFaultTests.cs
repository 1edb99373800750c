using System.Globalization;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

/// <summary>The feed, the writer and the access reviewer against a simulator with injected faults.</summary>
public sealed class FeedFaultTests
{
    /// <summary>The short outage of the re-list test (still eight or more failed reconnects per kind).</summary>
    private const int OutageSeconds = 4;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(4)]
    [InlineData(30)] // the issue's outage: long enough for the backoff to reach its cap many times over
    public async Task RefuseConnections_Outage_FeedGoesStaleThenCatchesUpWithNoMissedChange(int outageSeconds)
    {
        await using var harness = await FeedHarness.StartAsync();
        using var admin = AdminClient.For(harness.Host);
        var store = harness.Host.Store;

        await admin.PostAsync($"refuse-connections?seconds={outageSeconds}");
        var until = harness.Host.Faults.RefuseConnectionsUntil!.Value;
        var stale = await WaitForHealthAsync(harness, h => h.StaleSince is not null, "the feed to report the outage");
        // Changes during the outage: a node label, a node deletion (the simulator's DaemonSet controller, when running,
        // then removes that node's speaker) and a BgpPeer description. The feed must pick up all of them.
        store.Mutate(ResourceCatalog.Nodes, null, "node2", node =>
        {
            node["metadata"]!["labels"]!["during-outage"] = "yes";
            return node;
        });
        store.Delete(ResourceCatalog.Nodes, null, "node6");
        var peer = harness.Feed.Current.Peers[0].Name;
        store.Mutate(ResourceCatalog.BgpPeers, null, peer, obj =>
        {
            obj["spec"]!["conf"]!["description"] = "changed during the outage";
            return obj;
        });
        Assert.True(DateTimeOffset.UtcNow < until, "the changes were made after the outage ended; the test machine is too slow for it");
        // Sit out the outage first, so the waits below measure recovery, not the outage itself.
        var remaining = until - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, Ct);
        }

        await harness.WaitForAsync(
            s => s.FindNode("node2")?.Labels.GetValueOrDefault("during-outage") == "yes" && s.FindNode("node6") is null,
            "the node changes made during the outage");
        await harness.WaitForAsync(s => s.Peers.Any(p => p.Name == peer && p.Description == "changed during the outage"), "the BgpPeer change made during the outage");
        await harness.WaitForSyncedAsync();

        Assert.True(DateTimeOffset.UtcNow >= until, "the feed saw the changes while connections were refused");
        Assert.Contains(stale.Kinds, k => k.State == SyncState.Stale && k.LastError is not null);
        // Views count down to the next attempt: a stale kind says when it is retried, a synced one does not.
        Assert.All(stale.Kinds.Where(static k => k.State == SyncState.Stale), k => Assert.True(k.NextRetryAt > k.StaleSince));
        Assert.NotNull(stale.NextRetryAt);
        Assert.All(harness.Feed.Health.Kinds, static k => Assert.Null(k.NextRetryAt));
        await WaitForGroundTruthAsync(harness);
    }

    [Fact]
    public async Task RefuseConnections_OutageLongerThanHistory_ReListsWithNoMissedChange()
    {
        await using var harness = await FeedHarness.StartAsync();
        using var admin = AdminClient.For(harness.Host);
        var store = harness.Host.Store;

        await admin.PostAsync($"refuse-connections?seconds={OutageSeconds}");
        await WaitForHealthAsync(harness, h => h.StaleSince is not null, "the feed to report the outage");
        // More changes than the harness's 50-entry history: the feed's resume version is gone when connections return.
        for (var i = 0; i < 60; i++)
        {
            store.Mutate(ResourceCatalog.Nodes, null, "node4", node =>
            {
                node["metadata"]!["labels"]!["churn"] = i.ToString(CultureInfo.InvariantCulture);
                return node;
            });
        }
        store.Delete(ResourceCatalog.Nodes, null, "node5");

        await harness.WaitForAsync(s => s.FindNode("node4")?.Labels.GetValueOrDefault("churn") == "59" && s.FindNode("node5") is null, "the last of 60 changes and a deletion, across an outage and a 410");
        await harness.WaitForSyncedAsync();

        await WaitForGroundTruthAsync(harness);
    }

    [Fact]
    public async Task Apply_PatchNodesDenied_DeniedAndLaterWritesSkipped()
    {
        await using var harness = await FeedHarness.StartAsync();
        using var admin = AdminClient.For(harness.Host);
        var plan = ChangePlanner.Plan(harness.Feed.Current, SetNodeLabels.Add("openelb-speaker", "true", "node1", "node2"));

        await admin.PostAsync("deny/patch:nodes");
        var results = await new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: false, Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal([WriteOutcome.Denied, WriteOutcome.Skipped], results.Select(r => r.Outcome));
        Assert.Equal(403, results[0].HttpStatus);
        Assert.Contains("cannot patch resource \"nodes\"", results[0].Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(results[0].AuditId));
        Assert.Null(harness.Host.Store.Get(ResourceCatalog.Nodes, null, "node1")!["metadata"]!["labels"]!["openelb-speaker"]);
    }

    [Fact]
    public async Task Apply_DryRunOfDeniedWrite_Denied()
    {
        await using var harness = await FeedHarness.StartAsync();
        var plan = ChangePlanner.Plan(harness.Feed.Current, new RestartSpeakers(EquatableArray.Create("node3")));
        harness.Host.Faults.DeniedPermissions = [new ResourceAccess("delete", "", "pods")];
        harness.Host.Faults.NotifyChanged();

        var result = Assert.Single(await new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: true, Ct).WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(WriteOutcome.Denied, result.Outcome);
    }

    [Fact]
    public async Task Review_NothingDenied_AllAllowed()
    {
        await using var harness = await FeedHarness.StartAsync();

        var permissions = await new AccessReviewer(harness.Client).ReviewAsync("openelb-system", Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(new ClusterPermissions(true, true, true), permissions);
    }

    [Theory]
    [InlineData("patch:nodes", false, true, true)]
    [InlineData("patch:daemonsets.apps", true, false, true)]
    [InlineData("delete:pods", true, true, false)]
    public async Task Review_OneDenied_OnlyThatOneFalse(string denied, bool nodes, bool daemonSet, bool pods)
    {
        await using var harness = await FeedHarness.StartAsync();
        using var admin = AdminClient.For(harness.Host);

        await admin.PostAsync("deny/" + denied);
        var permissions = await new AccessReviewer(harness.Client).ReviewAsync("openelb-system", Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(new ClusterPermissions(nodes, daemonSet, pods), permissions);
    }

    [Fact]
    public async Task Review_ConnectionsRefused_NothingAllowedWithError()
    {
        await using var harness = await FeedHarness.StartAsync();
        using var admin = AdminClient.For(harness.Host);

        await admin.PostAsync("refuse-connections?seconds=30");
        var permissions = await new AccessReviewer(harness.Client).ReviewAsync("openelb-system", Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.False(permissions.PatchNodes || permissions.PatchSpeakerDaemonSet || permissions.DeleteSpeakerPods);
        Assert.StartsWith("The API server is unreachable", permissions.Error, StringComparison.Ordinal);
    }

    private static async Task<FeedHealth> WaitForHealthAsync(FeedHarness harness, Func<FeedHealth, bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TestTimeouts.Default);
        var subscription = harness.Feed.Subscribe(timeout.Token);
        if (condition(subscription.Initial.Health))
        {
            return subscription.Initial.Health;
        }
        try
        {
            await foreach (var update in subscription.Updates)
            {
                if (condition(update.Health))
                {
                    return update.Health;
                }
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
        }
        Assert.Fail($"timed out waiting for {what}");
        return null!;
    }

    /// <summary>
    /// Waits until the feed's nodes (names and labels) and speaker pods equal the simulator's store. Waits rather than
    /// compares once: the simulator's controllers keep changing the cluster, and the feed trails them by a moment.
    /// </summary>
    private static async Task WaitForGroundTruthAsync(FeedHarness harness)
    {
        string? difference = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TestTimeouts.Default);
        try
        {
            while ((difference = Difference(harness.Host.Store, harness.Feed.Current)) is not null)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"the feed does not match the simulator: {difference}");
        }
    }

    private static string? Difference(ObjectStore store, ClusterSnapshot snapshot)
    {
        static string Labels(IEnumerable<KeyValuePair<string, string>> labels) =>
            string.Join(",", labels.Select(l => $"{l.Key}={l.Value}").Order(StringComparer.Ordinal));

        var truthNodes = store.List(ResourceCatalog.Nodes).Items
            .Select(n => $"{n["metadata"]!["name"]!.GetValue<string>()}[{Labels(n["metadata"]!["labels"]!.AsObject().Select(l => KeyValuePair.Create(l.Key, l.Value!.GetValue<string>())))}]")
            .Order(StringComparer.Ordinal);
        var feedNodes = snapshot.Nodes.Select(n => $"{n.Name}[{Labels(n.Labels)}]").Order(StringComparer.Ordinal);
        var truthPods = store.List(ResourceCatalog.Pods, "openelb-system").Items
            .Where(p => p["metadata"]!["labels"]?["component"]?.GetValue<string>() == "speaker")
            .Select(p => p["metadata"]!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal);
        var feedPods = snapshot.SpeakerPods.Select(p => p.Name).Order(StringComparer.Ordinal);
        if (!truthNodes.SequenceEqual(feedNodes))
        {
            return $"nodes {string.Join(" ", truthNodes)} vs feed {string.Join(" ", feedNodes)}";
        }
        return truthPods.SequenceEqual(feedPods) ? null : $"speaker pods {string.Join(" ", truthPods)} vs feed {string.Join(" ", feedPods)}";
    }
}
