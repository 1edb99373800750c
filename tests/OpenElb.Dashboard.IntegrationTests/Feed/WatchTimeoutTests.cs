using k8s;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Kubernetes.Watching;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

public sealed class WatchTimeoutTests
{
    [Fact]
    public async Task Feed_WatchOutlivesHttpRequestTimeout_StaysSyncedAndSeesLaterChange()
    {
        await using var harness = await FeedHarness.StartAsync();
        // The same configuration the app uses, with a per-request timeout far shorter than the watch: a client that
        // applied it to watches would cut every stream after one second and the feed would go stale.
        var configuration = KubernetesClientFactory.BuildConfiguration(new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = harness.KubeconfigPath });
        configuration.HttpClientTimeout = TimeSpan.FromSeconds(1);
        using var client = new k8s.Kubernetes(configuration);
        await using var feed = new KubernetesClusterState(client, TimeProvider.System, new ClusterStateOptions { CoalesceWindow = TimeSpan.FromMilliseconds(20) });
        feed.Start();
        Assert.True(await feed.WaitForSyncAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        using var cancel = new CancellationTokenSource(TestTimeouts.Default);
        var subscription = feed.Subscribe(cancel.Token);

        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await harness.Client.CoreV1.PatchNodeAsync(
            V1PatchBody("""{"metadata":{"labels":{"late":"yes"}}}"""), "node1", cancellationToken: TestContext.Current.CancellationToken);

        await foreach (var update in subscription.Updates.WithCancellation(cancel.Token))
        {
            Assert.DoesNotContain(update.Health.Kinds, k => k.State == SyncState.Stale);
            if (update.Snapshot.FindNode("node1")!.Labels.ContainsKey("late"))
            {
                break;
            }
        }
        Assert.All(feed.Health.Kinds, k => Assert.Null(k.LastError));
    }

    private static k8s.Models.V1Patch V1PatchBody(string json) => new(json, k8s.Models.V1Patch.PatchType.MergePatch);
}
