using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Audit.Observed;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Drift;
using OpenElb.Dashboard.IntegrationTests.Audit;
using OpenElb.Dashboard.IntegrationTests.Feed;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.IntegrationTests.Observed;

/// <summary>The registrations the web app makes, in a generic host, and the recorder's choice of nodes to compare.</summary>
public sealed class ObservedHostingTests
{
    [Fact]
    public async Task AddObservedChangeRecording_InHost_RecordsKubectlLabel()
    {
        await using var cluster = await FeedHarness.StartAsync("demo");
        using var directory = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        // Registered after the recording on purpose: the recorder resolves its dependencies once the host has started.
        builder.Services.AddObservedChangeRecording();
        builder.Services.AddSingleton<IClusterState>(cluster.Feed);
        builder.Services.AddKubernetesFieldManagerLookup();
        builder.Services.AddAuditLog(o => o.DatabasePath = directory.File("audit.db"));
        // Built through the gate: a host built at the moment a WebApplicationFactory resolves its own is taken for it.
        using var host = InProcessHosts.Build(builder.Build);
        var log = host.Services.GetRequiredService<SqliteAuditLog>();
        await log.InitializeAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        var subscribers = cluster.Feed.SubscriberCount;
        await host.StartAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        try
        {
            // The recorder takes its baseline when it starts; a change before that would be part of the initial state.
            await WaitForSubscriberAsync(cluster, subscribers);

            (await Kubectl.RunAsync(cluster.KubeconfigPath, "label", "node", "worker-a3", "openelb-speaker=true")).EnsureSuccess();

            var entry = await WaitForEntryAsync(log, "worker-a3");
            Assert.Equal(KnownFieldManagers.KubectlLabel, entry.FieldManager);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void AddObservedChangeRecording_Twice_OneHostedService()
    {
        var services = new ServiceCollection().AddObservedChangeRecording().AddObservedChangeRecording();

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(ObservedChangeRecorder));
    }

    private static ClusterSnapshot Snapshot(long version, string rack) => new ClusterSnapshotBuilder()
        .Version(version)
        .Node("a1", [(KnownLabels.Rack, rack)])
        .Node("a2", [(KnownLabels.Rack, rack)])
        .RackPeer("leaf-a", "10.0.0.1", "a")
        .Build();

    private static FeedHealth Synced => new([]);

    [Fact]
    public void Detect_ConsecutiveUpsert_ComparesOnlyNamedNodes()
    {
        var update = new ClusterUpdate(Snapshot(2, "b"), [new ClusterChange(ResourceKind.Nodes, ChangeType.Upsert, "a2")], Synced);

        var change = Assert.Single(ObservedChangeRecorder.Detect(Snapshot(1, "a"), update));

        Assert.Equal("a2", change.Target.Name);
    }

    [Fact]
    public void Detect_VersionGap_ComparesEveryNode()
    {
        // Updates 2..4 were dropped for a slow reader: their change lists are gone, the snapshot is whole.
        var update = new ClusterUpdate(Snapshot(5, "b"), [new ClusterChange(ResourceKind.Nodes, ChangeType.Upsert, "a2")], Synced);

        Assert.Equal(["a1", "a2"], ObservedChangeRecorder.Detect(Snapshot(1, "a"), update).Select(c => c.Target.Name));
    }

    [Fact]
    public void Detect_NodeResync_ComparesEveryNode()
    {
        var update = new ClusterUpdate(Snapshot(2, "b"), [new ClusterChange(ResourceKind.Nodes, ChangeType.Resync, "")], Synced);

        Assert.Equal(["a1", "a2"], ObservedChangeRecorder.Detect(Snapshot(1, "a"), update).Select(c => c.Target.Name));
    }

    [Fact]
    public void ToEntry_UnknownManager_SaysWhyAndKeepsValues()
    {
        var change = new ObservedChange(ObservedField.NodeTaints, new("Node", null, "a1"), "spec.taints", null, "x=y:NoSchedule");

        var entry = ObservedChangeRecorder.ToEntry(change, null, null, Guid.NewGuid(), 1);

        Assert.Equal(AuditAction.ObservedChange, entry.Action);
        Assert.Equal(ObservedChangeRecorder.UnknownManager, entry.ActorUserName);
        Assert.Equal(ObservedChangeRecorder.ActorSource, entry.ActorAuthMethod);
        Assert.Null(entry.FieldManager);
        Assert.Contains("no managedFields entry covers the field", entry.Message, StringComparison.Ordinal);
        Assert.Equal("""{"spec.taints":"x=y:NoSchedule"}""", entry.AfterState);
    }

    private static async Task WaitForSubscriberAsync(FeedHarness cluster, int before)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        while (cluster.Feed.SubscriberCount <= before)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<AuditEntry> WaitForEntryAsync(SqliteAuditLog log, string target)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        while (true)
        {
            var page = await log.QueryAsync(new AuditQuery { Action = AuditAction.ObservedChange, TargetName = target }, timeout.Token);
            if (page.Items.Count > 0)
            {
                return page.Items[0];
            }
            await Task.Delay(50, timeout.Token);
        }
    }
}
