using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Kubernetes.Watching;
using OpenElb.Dashboard.Simulator.Store;
using FeedKind = OpenElb.Dashboard.Core.Abstractions.ResourceKind;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

/// <summary>
/// The least-privilege RBAC (deploy/kubernetes) grants pods only in OpenELB's namespace: the feed must list and watch
/// speaker pods there and nowhere else, or a real API server refuses the cluster-wide call and the feed never syncs.
/// </summary>
public sealed class SpeakerNamespaceTests
{
    private const string SpeakerNamespace = ClusterConnectionOptions.DefaultOpenElbNamespace;
    private const string OtherNamespace = "tenant-a";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Feed_SpeakerLabelledPodsInAnotherNamespace_NeitherListedNorWatched()
    {
        await using var harness = await FeedHarness.StartAsync();
        var speakers = harness.Host.Store.List(ResourceCatalog.Pods).Items.Count(p => p["metadata"]!["namespace"]!.GetValue<string>() == SpeakerNamespace);
        Assert.Equal(6, speakers);
        await harness.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = OtherNamespace } }, cancellationToken: Ct);
        // Present before the feed's first list…
        await CreateImpostorAsync(harness.Client, "impostor-listed");
        var requests = new RequestRecorder();
        using var client = new k8s.Kubernetes(Configuration(harness), requests);
        await using var feed = Start(client, new ClusterStateOptions { CoalesceWindow = TimeSpan.FromMilliseconds(20) });
        Assert.True(await feed.WaitForSyncAsync(TestTimeouts.Default, Ct));

        // …and created while it watches, followed by a change in OpenELB's namespace: once the feed has seen that later
        // change, a watch over every namespace would have delivered the impostor too (one stream, in order).
        await CreateImpostorAsync(harness.Client, "impostor-watched");
        var victim = feed.Current.SpeakerPods[0];
        await harness.Client.CoreV1.DeleteNamespacedPodAsync(victim.Name, victim.Namespace, cancellationToken: Ct);
        // The simulated DaemonSet controller replaces the pod: wait for the replacement too.
        await WaitUntilAsync(
            () => feed.Current.SpeakerPods.All(p => p.Name != victim.Name) && feed.Current.SpeakerPods.Count == speakers,
            "the deleted speaker pod to leave the feed and its replacement to arrive");

        // The kind's own count is the watcher's record set before the snapshot's per-DaemonSet filter: no impostor.
        Assert.Equal(speakers, feed.Health.Kinds.Single(k => k.Kind == FeedKind.SpeakerPods).Count);
        Assert.DoesNotContain(feed.Current.SpeakerPods, p => p.Namespace != SpeakerNamespace);
        var podRequests = requests.Paths.Where(static p => p.EndsWith("/pods", StringComparison.Ordinal)).ToList();
        Assert.Contains($"/api/v1/namespaces/{SpeakerNamespace}/pods", podRequests);
        Assert.All(podRequests, static p => Assert.Equal($"/api/v1/namespaces/{SpeakerNamespace}/pods", p));
    }

    [Fact]
    public async Task Feed_NoSpeakerNamespace_WatchesEveryNamespace()
    {
        // The opt-out (Cluster:OpenElbNamespace empty) and the control for the test above: the same impostor is seen.
        await using var harness = await FeedHarness.StartAsync();
        await harness.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = OtherNamespace } }, cancellationToken: Ct);
        await CreateImpostorAsync(harness.Client, "impostor-listed");
        var requests = new RequestRecorder();
        using var client = new k8s.Kubernetes(Configuration(harness), requests);
        await using var feed = Start(client, new ClusterStateOptions { CoalesceWindow = TimeSpan.FromMilliseconds(20), SpeakerNamespace = "" });
        Assert.True(await feed.WaitForSyncAsync(TestTimeouts.Default, Ct));

        Assert.Equal(7, feed.Health.Kinds.Single(k => k.Kind == FeedKind.SpeakerPods).Count);
        Assert.Contains("/api/v1/pods", requests.Paths);
        // The snapshot still shows only the speaker DaemonSet's own pods.
        Assert.DoesNotContain(feed.Current.SpeakerPods, p => p.Namespace != SpeakerNamespace);
    }

    [Fact]
    public async Task Feed_SpeakerDaemonSetOutsideTheWatchedNamespace_PodsKindSaysWhichSettingToChange()
    {
        // A Helm install in another namespace with the default setting: no speaker pod is seen, and the reason is named.
        await using var harness = await FeedHarness.StartAsync();
        await harness.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = OtherNamespace } }, cancellationToken: Ct);
        using var client = new k8s.Kubernetes(Configuration(harness));
        await using var feed = Start(client, new ClusterStateOptions { CoalesceWindow = TimeSpan.FromMilliseconds(20), SpeakerNamespace = OtherNamespace });
        Assert.True(await feed.WaitForSyncAsync(TestTimeouts.Default, Ct));
        await WaitUntilAsync(() => feed.Current.Speaker is not null, "the speaker DaemonSet");

        Assert.Empty(feed.Current.SpeakerPods);
        var pods = feed.Health.Kinds.Single(k => k.Kind == FeedKind.SpeakerPods);
        Assert.Contains($"set Cluster:OpenElbNamespace to '{SpeakerNamespace}'", pods.LastError, StringComparison.Ordinal);
        Assert.True(feed.Health.IsSynced);
        Assert.All(feed.Health.Kinds.Where(k => k.Kind != FeedKind.SpeakerPods), static k => Assert.Null(k.LastError));
    }

    [Fact]
    public void ClusterSession_UsesTheConfiguredOpenElbNamespace()
    {
        Assert.Equal("openelb-system", new ClusterConnectionOptions().OpenElbNamespace);
        Assert.Equal("openelb-system", new ClusterStateOptions().SpeakerNamespace);
    }

    private static KubernetesClientConfiguration Configuration(FeedHarness harness) =>
        KubernetesClientFactory.BuildConfiguration(new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = harness.KubeconfigPath });

    private static KubernetesClusterState Start(IKubernetes client, ClusterStateOptions options)
    {
        var feed = new KubernetesClusterState(client, TimeProvider.System, options);
        feed.Start();
        return feed;
    }

    private static Task<V1Pod> CreateImpostorAsync(IKubernetes client, string name) =>
        client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = OtherNamespace,
                    Labels = new Dictionary<string, string> { ["app"] = "openelb", ["component"] = "speaker" },
                },
                Spec = new V1PodSpec { NodeName = "node1", Containers = [new V1Container { Name = "openelb-speaker", Image = "kubesphere/openelb:v0.6.0" }] },
            },
            OtherNamespace,
            cancellationToken: Ct);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }
        }
    }

    /// <summary>Records the path of every request the client sends.</summary>
    private sealed class RequestRecorder : DelegatingHandler
    {
        private readonly ConcurrentQueue<string> _paths = new();

        public IReadOnlyCollection<string> Paths => _paths;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _paths.Enqueue(request.RequestUri?.AbsolutePath ?? "");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
