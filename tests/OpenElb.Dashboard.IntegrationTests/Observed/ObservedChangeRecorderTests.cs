using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Audit.Observed;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Kubernetes.Writing;

namespace OpenElb.Dashboard.IntegrationTests.Observed;

/// <summary>
/// Drift made by kubectl (an independent client) against the simulator over HTTP, seen by the live feed and recorded
/// in a real SQLite audit file with the field manager the simulator keeps in managedFields.
/// </summary>
public sealed class ObservedChangeRecorderTests
{
    private const string Ds = "openelb-speaker";
    private const string Ns = "openelb-system";

    [Fact]
    public async Task KubectlLabel_SelectorKey_RecordsObservedEntryWithManagerAndBeforeAfter()
    {
        await using var harness = await ObservedHarness.StartAsync();

        await harness.KubectlAsync("label", "node", "worker-a3", "openelb-speaker=true");

        var entry = await harness.WaitForEntryAsync(e => e.TargetName == "worker-a3", "the label on worker-a3");
        Assert.Equal(AuditAction.ObservedChange, entry.Action);
        Assert.Equal(AuditOutcome.Observed, entry.Outcome);
        Assert.Equal("Node", entry.TargetKind);
        Assert.Null(entry.TargetNamespace);
        Assert.Equal(KnownFieldManagers.KubectlLabel, entry.FieldManager);
        Assert.Equal(KnownFieldManagers.KubectlLabel, entry.ActorUserName);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":null}""", entry.BeforeState);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":"true"}""", entry.AfterState);
    }

    [Fact]
    public async Task KubectlLabel_OverwriteRackLabel_RecordsOldAndNewValue()
    {
        await using var harness = await ObservedHarness.StartAsync();

        await harness.KubectlAsync("label", "node", "worker-b1", "openelb.kubesphere.io/rack=rack-c", "--overwrite");

        var entry = await harness.WaitForEntryAsync(e => e.TargetName == "worker-b1", "the rack label on worker-b1");
        Assert.Equal(KnownFieldManagers.KubectlLabel, entry.FieldManager);
        Assert.Equal("""{"metadata.labels[openelb.kubesphere.io/rack]":"rack-b"}""", entry.BeforeState);
        Assert.Equal("""{"metadata.labels[openelb.kubesphere.io/rack]":"rack-c"}""", entry.AfterState);
    }

    [Fact]
    public async Task KubectlTaint_Node_RecordsObservedEntryWithTaintManager()
    {
        await using var harness = await ObservedHarness.StartAsync();

        await harness.KubectlAsync("taint", "node", "worker-b2", "maintenance=true:NoSchedule");

        var entry = await harness.WaitForEntryAsync(e => e.TargetName == "worker-b2", "the taint on worker-b2");
        Assert.Equal(KnownFieldManagers.KubectlTaint, entry.FieldManager);
        Assert.Equal("""{"spec.taints":null}""", entry.BeforeState);
        Assert.Equal("""{"spec.taints":"maintenance=true:NoSchedule"}""", entry.AfterState);
    }

    [Fact]
    public async Task KubectlLabel_IrrelevantKey_RecordsNothing()
    {
        await using var harness = await ObservedHarness.StartAsync();

        await harness.KubectlAsync("label", "node", "worker-a1", "example.com/team=red");
        await harness.Cluster.WaitForAsync(s => s.FindNode("worker-a1")!.Labels.GetValueOrDefault("example.com/team") == "red", "the team label in the feed");
        await harness.SentinelAsync("worker-c2");

        Assert.DoesNotContain(await harness.ObservedEntriesAsync(), e => e.TargetName == "worker-a1");
    }

    [Fact]
    public async Task ClusterWriterPatch_DashboardManager_RecordsNothing()
    {
        await using var harness = await ObservedHarness.StartAsync();
        var patch = new PlannedPatch(0, new ObjectRef("Node", null, "worker-a3"), PatchKind.MergePatch,
            """{"metadata":{"labels":{"openelb-speaker":"true"}}}""", null, "label worker-a3");

        var result = await new ClusterWriter(harness.Cluster.Client).WriteAsync(patch, dryRun: false, TestContext.Current.CancellationToken);
        Assert.Equal(WriteOutcome.Succeeded, result.Outcome);
        await harness.Cluster.WaitForAsync(s => s.FindNode("worker-a3")!.Labels.GetValueOrDefault("openelb-speaker") == "true", "the dashboard's label in the feed");
        await harness.SentinelAsync("worker-c2");

        Assert.DoesNotContain(await harness.ObservedEntriesAsync(), e => e.TargetName == "worker-a3");
    }

    [Fact]
    public async Task KubectlPatch_DaemonSetNodeSelector_RecordsPlacementChange()
    {
        await using var harness = await ObservedHarness.StartAsync();

        await harness.KubectlAsync("patch", "ds", Ds, "-n", Ns, "-p", """{"spec":{"template":{"spec":{"nodeSelector":{"example.com/extra":"yes"}}}}}""");

        var entry = await harness.WaitForEntryAsync(e => e.TargetKind == "DaemonSet", "the DaemonSet nodeSelector change");
        Assert.Equal(Ns, entry.TargetNamespace);
        Assert.Equal(Ds, entry.TargetName);
        Assert.Equal(KnownFieldManagers.KubectlPatch, entry.FieldManager);
        Assert.Equal("""{"spec.template.spec.nodeSelector":"kubernetes.io/os=linux,openelb-speaker=true"}""", entry.BeforeState);
        Assert.Contains("example.com/extra=yes", entry.AfterState, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreUnavailable_ThenFixed_RecorderKeepsRecording()
    {
        // The audit file has no schema yet: the first record fails inside the store.
        await using var harness = await ObservedHarness.StartAsync(initializeStore: false);

        await harness.KubectlAsync("label", "node", "worker-a3", "openelb-speaker=true");
        await harness.Logger.WaitForAsync("LogRecordFailed");
        await harness.Audit.Log.InitializeAsync(TestContext.Current.CancellationToken).WaitAsync(Simulator.TestTimeouts.Default, TestContext.Current.CancellationToken);
        await harness.KubectlAsync("label", "node", "worker-c3", "openelb-speaker=true");

        var entry = await harness.WaitForEntryAsync(e => e.TargetName == "worker-c3", "the change after the store recovered");
        Assert.Equal(KnownFieldManagers.KubectlLabel, entry.FieldManager);
        Assert.DoesNotContain(await harness.ObservedEntriesAsync(), e => e.TargetName == "worker-a3");
    }

    [Fact]
    public async Task LookupFails_RecordsEntryWithManagerUnknown()
    {
        await using var harness = await ObservedHarness.StartAsync(lookup: new FailingLookup());

        await harness.KubectlAsync("label", "node", "worker-a3", "openelb-speaker=true");

        var entry = await harness.WaitForEntryAsync(e => e.TargetName == "worker-a3", "the label on worker-a3");
        Assert.Null(entry.FieldManager);
        Assert.Equal(ObservedChangeRecorder.UnknownManager, entry.ActorUserName);
        Assert.Contains("lookup failed", entry.Message, StringComparison.Ordinal);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":"true"}""", entry.AfterState);
    }

    [Fact]
    public async Task KubectlLabel_RemovedSelectorKey_RecordsWithManagerUnknown()
    {
        // The API server drops a removed field from every manager's set, so nobody can be named for a removal.
        await using var harness = await ObservedHarness.StartAsync();

        await harness.KubectlAsync("label", "node", "worker-a1", "openelb-speaker-");

        var entry = await harness.WaitForEntryAsync(e => e.TargetName == "worker-a1", "the removed label on worker-a1");
        Assert.Null(entry.FieldManager);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":"true"}""", entry.BeforeState);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":null}""", entry.AfterState);
    }

    private sealed class FailingLookup : IFieldManagerLookup
    {
        public Task<string?> FindManagerAsync(ObjectRef target, string path, CancellationToken cancellationToken) =>
            throw new HttpRequestException("the API server is unreachable");
    }
}
