using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Kubernetes.Watching;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

/// <summary>
/// A fresh seed simulator, the app's own client configuration built from its kubeconfig, and a started feed over it.
/// One per test: feed tests change the cluster and inject faults.
/// </summary>
internal sealed class FeedHarness : IAsyncDisposable
{
    private readonly string _directory;

    private FeedHarness(string directory, SimulatorHost host, k8s.IKubernetes client, KubernetesClusterState feed)
    {
        _directory = directory;
        Host = host;
        Client = client;
        Feed = feed;
    }

    public SimulatorHost Host { get; }

    public k8s.IKubernetes Client { get; }

    public KubernetesClusterState Feed { get; }

    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    /// <summary>Starts a simulator with a scenario given as YAML text (written to the harness's temp directory).</summary>
    public static Task<FeedHarness> StartWithYamlAsync(string yaml)
    {
        var directory = NewDirectory();
        var path = Path.Combine(directory, "scenario.yaml");
        File.WriteAllText(path, yaml);
        return StartAsync(path, directory);
    }

    public static Task<FeedHarness> StartAsync(string scenario = "seed") => StartAsync(scenario, NewDirectory());

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "openelb-feed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static async Task<FeedHarness> StartAsync(string scenario, string directory)
    {
        var host = await InProcessHosts.StartSimulatorAsync(new SimulatorOptions { Scenario = scenario, Port = 0, HistoryCapacity = 50, BookmarkInterval = TimeSpan.FromMilliseconds(500) }, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);
        host.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
        var client = KubernetesClientFactory.Create(new ClusterConnectionOptions
        {
            Mode = ClusterMode.Kubeconfig,
            Kubeconfig = Path.Combine(directory, "kubeconfig"),
        });
        var feed = new KubernetesClusterState(client, TimeProvider.System, new ClusterStateOptions
        {
            CoalesceWindow = TimeSpan.FromMilliseconds(20),
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        });
        feed.Start();
        Assert.True(await feed.WaitForSyncAsync(TestTimeouts.Default), "the feed did not complete its initial sync");
        return new FeedHarness(directory, host, client, feed);
    }

    /// <summary>Waits until the feed's snapshot satisfies <paramref name="condition"/> and returns that snapshot.</summary>
    public async Task<ClusterSnapshot> WaitForAsync(Func<ClusterSnapshot, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var subscription = Feed.Subscribe(timeout.Token);
        if (condition(subscription.Initial.Snapshot))
        {
            return subscription.Initial.Snapshot;
        }
        try
        {
            await foreach (var update in subscription.Updates)
            {
                if (condition(update.Snapshot))
                {
                    return update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        Assert.Fail($"timed out waiting for: {what}");
        return null!;
    }

    /// <summary>Waits until every kind of the feed is current again.</summary>
    public async Task WaitForSyncedAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var subscription = Feed.Subscribe(timeout.Token);
        if (subscription.Initial.Health.IsSynced && subscription.Initial.Health.StaleSince is null)
        {
            return;
        }
        try
        {
            await foreach (var update in subscription.Updates)
            {
                if (update.Health.IsSynced && update.Health.StaleSince is null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        Assert.Fail($"the feed did not recover: {string.Join("; ", Feed.Health.Kinds.Select(k => $"{k.Kind} {k.State} {k.LastError}"))}");
    }

    public async ValueTask DisposeAsync()
    {
        await Feed.DisposeAsync();
        Client.Dispose();
        await Host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
