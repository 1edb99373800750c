using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The Label nodes change through the app's own <see cref="ChangeExecutor"/>, against the demo cluster, checked with kubectl.</summary>
public sealed class ChangeExecutorTests
{
    private const string SpeakerLabel = "openelb-speaker";

    [Fact]
    public async Task Apply_LabelTwoNodes_VisibleWithKubectlAndAuditedAsOneRun()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var ct = TestContext.Current.CancellationToken;

        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2", "worker-b3"), ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.True(preview.Plan.IsValid);
        Assert.Equal(["worker-b3", "worker-c2"], preview.Plan.Gaining.Select(static n => n.NodeName));
        Assert.True(preview.DryRunAccepted, string.Join("; ", preview.DryRuns.Select(static d => d.Message)));
        Assert.All(preview.DryRuns, static d => Assert.True(d.DryRun));
        // The dry run changed nothing.
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));

        var seen = new List<(bool Executing, int Done)>();
        executor.Changed += () => seen.Add((executor.IsExecuting, executor.Progress.Count));

        var result = await executor.ApplyAsync(preview, confirmation: null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Succeeded, result.Status);
        Assert.False(executor.IsExecuting);
        Assert.Equal([(true, 0), (true, 1), (true, 2), (false, 2)], seen);
        Assert.Equal(2, executor.ProgressTotal);
        Assert.Equal("true", await LabelAsync(kubeconfig, "worker-b3"));
        Assert.Equal("true", await LabelAsync(kubeconfig, "worker-c2"));

        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var entries = await log.GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal([1, 2], entries.Select(static e => e.Step).Order());
        foreach (var entry in entries)
        {
            Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
            Assert.Equal(AuditAction.LabelNodes, entry.Action);
            Assert.Equal("local", entry.ActorAuthMethod);
            Assert.Equal(Environment.UserName, entry.ActorUserName);
            Assert.Equal(200, entry.HttpStatus);
            // Begun (pending) before completed: the begin record precedes the completion record in the chain.
            Assert.True(entry.CompletionSequence > entry.Sequence);
            Assert.NotNull(entry.ResourceVersionAfter);
            Assert.NotEqual(entry.ResourceVersionBefore, entry.ResourceVersionAfter);
            Assert.Contains("Succeeded", entry.DryRunResult, StringComparison.Ordinal);
            using var after = JsonDocument.Parse(entry.AfterState!);
            Assert.Equal("true", after.RootElement.GetProperty($"metadata.labels[{SpeakerLabel}]").GetString());
            using var before = JsonDocument.Parse(entry.BeforeState!);
            Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty($"metadata.labels[{SpeakerLabel}]").ValueKind);
            Assert.Equal(preview.Patches[entry.Step - 1].Body, entry.RequestBody);
        }
        Assert.True((await log.VerifyChainAsync(ct).WaitAsync(TestTimeouts.Default, ct)).IsValid);

        // The dashboard's own write (field manager openelb-dashboard) is not drift. A kubectl change made afterwards is
        // recorded by the same in-order recorder, so once it shows up, an entry for our write would have shown up too.
        (await Kubectl.RunAsync(kubeconfig, "label", "node", "worker-b4", $"{SpeakerLabel}=true")).EnsureSuccess();
        IReadOnlyList<AuditEntry> observed;
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        do
        {
            await Task.Delay(50, timeout.Token);
            observed = (await log.QueryAsync(new AuditQuery { Action = AuditAction.ObservedChange, PageSize = 100 }, timeout.Token)).Items;
        }
        while (!observed.Any(static e => e.TargetName == "worker-b4"));
        Assert.DoesNotContain(observed, static e => e.TargetName is "worker-b3" or "worker-c2");
    }

    [Fact]
    public async Task Apply_RedundancyDropWithoutTheTypedWord_RefusedAndNodeKeepsItsLabel()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Delete(SpeakerLabel, "worker-a1"), ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(preview.RequiresConfirmation);

        var wrong = await executor.ApplyAsync(preview, "yes", ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Refused, wrong.Status);
        Assert.Contains(ChangePreview.DefaultConfirmationWord, wrong.Message, StringComparison.Ordinal);
        Assert.Equal("true", await LabelAsync(kubeconfig, "worker-a1"));
        var confirmed = await executor.ApplyAsync(preview, ChangePreview.DefaultConfirmationWord, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal(ApplyStatus.Succeeded, confirmed.Status);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-a1"));
    }

    [Fact]
    public async Task Apply_AuditStoreLocked_NothingWrittenAndStepNotBegun()
    {
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Audit:BusyTimeout"] = "00:00:00.200",
        });
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(preview.DryRunAccepted);

        await using var locker = new SqliteConnection($"Data Source={Path.Combine(app.Directory, "audit.db")};Pooling=False");
        await locker.OpenAsync(ct);
        await using var lockTransaction = locker.BeginTransaction(deferred: false);
        var result = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);
        await lockTransaction.RollbackAsync(ct);

        Assert.Equal(ApplyStatus.Failed, result.Status);
        var step = Assert.Single(result.Steps);
        Assert.Equal(WriteOutcome.Skipped, step.Outcome);
        Assert.Null(step.AuditEntryId);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        Assert.Empty(await log.GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct));
    }

    [Fact]
    public async Task Apply_AuditStoreUnavailableSinceStartup_RefusedAndNothingWritten()
    {
        await using var app = DashboardFactory.DemoWithAuditUnavailable();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);

        var result = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.Contains("audit log is unavailable", result.Message, StringComparison.Ordinal);
        Assert.Empty(result.Steps);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
    }

    [Fact]
    public async Task Apply_NodeChangedWithKubectlAfterPreviewAndSeen_RefusedForRePreview()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var views = app.Services.GetRequiredService<LiveViewService>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);

        (await Kubectl.RunAsync(kubeconfig, "label", "node", "worker-c2", "someone=else")).EnsureSuccess();
        await WaitUntilAsync(() => views.Current.Snapshot.FindNode("worker-c2")?.Labels.ContainsKey("someone") == true);
        var result = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.Contains("re-preview", result.Message, StringComparison.Ordinal);
        Assert.Contains("worker-c2", result.Message, StringComparison.Ordinal);
        Assert.Empty(result.Steps);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
    }

    [Fact]
    public async Task Apply_NodeChangedBeforeTheDashboardSawIt_RecordedAsConflict()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var views = app.Services.GetRequiredService<LiveViewService>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);

        (await Kubectl.RunAsync(kubeconfig, "label", "node", "worker-c2", "someone=else")).EnsureSuccess();
        await WaitUntilAsync(() => views.Current.Snapshot.FindNode("worker-c2")?.Labels.ContainsKey("someone") == true);
        // The race where the apply starts before the watch delivers the change: the preview's snapshot still looks
        // current, so only the resourceVersion guard inside the patch stops the write.
        var racing = preview with { Snapshot = views.Current.Snapshot };
        var result = await executor.ApplyAsync(racing, null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Failed, result.Status);
        var step = Assert.Single(result.Steps);
        Assert.Equal(WriteOutcome.Conflict, step.Outcome);
        Assert.Equal(409, step.HttpStatus);
        Assert.StartsWith(ChangeExecutor.ConflictMessage, step.Message, StringComparison.Ordinal);
        // Who won: kubectl label's field manager wrote the node last.
        Assert.Contains("It was last written by kubectl-label at ", step.Message, StringComparison.Ordinal);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
        var entry = Assert.Single(await app.Services.GetRequiredService<SqliteAuditLog>().GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct));
        Assert.Equal(AuditOutcome.Conflict, entry.Outcome);
        Assert.Equal(409, entry.HttpStatus);
        Assert.Null(entry.AfterState);
    }

    [Fact]
    public async Task Apply_SecondStepConflicts_FirstStaysAppliedRecordedAndUndoPutsItBack()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var views = app.Services.GetRequiredService<LiveViewService>();
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-b3", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);
        // worker-c2 (the second step) changes before the dashboard sees it: only its patch's guard stops it.
        (await Kubectl.RunAsync(kubeconfig, "label", "node", "worker-c2", "someone=else")).EnsureSuccess();
        await WaitUntilAsync(() => views.Current.Snapshot.FindNode("worker-c2")?.Labels.ContainsKey("someone") == true);
        var racing = preview with { Snapshot = views.Current.Snapshot };

        var result = await executor.ApplyAsync(racing, null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Failed, result.Status);
        Assert.Equal([WriteOutcome.Succeeded, WriteOutcome.Conflict], result.Steps.Select(static s => s.Outcome));
        Assert.Equal("true", await LabelAsync(kubeconfig, "worker-b3"));
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
        var run = await log.GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal([(1, AuditOutcome.Succeeded), (2, AuditOutcome.Conflict)], run.Select(static e => (e.Step, e.Outcome)));

        // Undo: the succeeded step's fields back to their before-values, planned once the watch has shown the change.
        var seen = await executor.WaitForAppliedAsync(racing, result, TestTimeouts.Default, ct);
        Assert.NotNull(seen);
        var undo = ChangeInverse.Undo(result.Steps.Where(static s => s.Outcome == WriteOutcome.Succeeded).Select(static s => s.Patch), seen, "label");
        var request = Assert.IsType<SetNodeLabels>(undo.Request);
        Assert.Equal(["worker-b3"], request.Nodes);
        Assert.Equal([SpeakerLabel], request.Remove);
        var undoPreview = await executor.PreviewAsync(request, ct, AuditAction.Revert).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal(["worker-b3"], undoPreview.Plan.Losing.Select(static n => n.NodeName));
        var undone = await executor.ApplyAsync(undoPreview, null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Succeeded, undone.Status);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-b3"));
        var entry = Assert.Single(await log.GetStepsAsync(undone.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct));
        Assert.Equal(AuditAction.Revert, entry.Action);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":"true"}""", entry.BeforeState);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":null}""", entry.AfterState);
    }

    [Fact]
    public async Task Revert_TaintAndTolerationEntries_PutTheRecordedBeforeStateBack()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var views = app.Services.GetRequiredService<LiveViewService>();
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var ct = TestContext.Current.CancellationToken;
        var tolerationsBefore = await JsonPathAsync(kubeconfig, "daemonset", "{.spec.template.spec.tolerations}");
        var speaker = views.Current.Snapshot.Speaker!;
        var tolerations = EquatableArray.Create([.. speaker.Placement.Tolerations,
            new Toleration("dedicated", TolerationOperator.Equal, "lb", TaintEffect.NoExecute, 120)]);
        var changes = new ChangeRequest[]
        {
            SetNodeTaints.Adding(new Taint("dedicated", "lb", TaintEffect.NoSchedule), "worker-c3"),
            new SetSpeakerPlacement(speaker.Placement with { Tolerations = tolerations }, PlacementParts.Tolerations),
        };
        foreach (var change in changes)
        {
            var applied = await executor.ApplyAsync(await executor.PreviewAsync(change, ct).WaitAsync(TestTimeouts.Default, ct), null, ct).WaitAsync(TestTimeouts.Default, ct);
            Assert.Equal(ApplyStatus.Succeeded, applied.Status);
        }
        Assert.Contains("dedicated", await JsonPathAsync(kubeconfig, "node worker-c3", "{.spec.taints}"), StringComparison.Ordinal);
        Assert.Contains("\"tolerationSeconds\":120", await JsonPathAsync(kubeconfig, "daemonset", "{.spec.template.spec.tolerations}"), StringComparison.Ordinal);
        await WaitUntilAsync(() => views.Current.Snapshot.Speaker!.Placement.Tolerations.Count == tolerations.Count
            && views.Current.Snapshot.FindNode("worker-c3")!.Taints.Any(static t => t.Key == "dedicated"));

        var entries = (await log.QueryAsync(new AuditQuery { PageSize = 10 }, ct).WaitAsync(TestTimeouts.Default, ct)).Items
            .Where(static e => e.Action is AuditAction.TaintNodes or AuditAction.SetSpeakerPlacement).ToList();
        Assert.Equal(2, entries.Count);
        foreach (var entry in entries)
        {
            var revert = ChangeInverse.Revert(entry, views.Current.Snapshot);
            Assert.NotNull(revert.Request);
            var preview = await executor.PreviewAsync(revert.Request, ct, AuditAction.Revert).WaitAsync(TestTimeouts.Default, ct);
            Assert.True(preview.DryRunAccepted, string.Join("; ", preview.DryRuns.Select(static d => d.Message)));
            Assert.NotEmpty(preview.Patches);
            var reverted = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);
            Assert.True(reverted.Status == ApplyStatus.Succeeded, reverted.Message);
            // The next preview must see this one's result, or its apply is refused as stale ("the speaker placement changed").
            Assert.NotNull(await executor.WaitForAppliedAsync(preview, reverted, TestTimeouts.Default, ct));
        }

        // kubectl, an independent client, sees the node and the DaemonSet as they were.
        Assert.DoesNotContain("dedicated", await JsonPathAsync(kubeconfig, "node worker-c3", "{.spec.taints}"), StringComparison.Ordinal);
        Assert.Equal(tolerationsBefore, await JsonPathAsync(kubeconfig, "daemonset", "{.spec.template.spec.tolerations}"));
        var reverts = (await log.QueryAsync(new AuditQuery { Action = AuditAction.Revert }, ct).WaitAsync(TestTimeouts.Default, ct)).Items;
        Assert.Equal(2, reverts.Count);
        Assert.True((await log.VerifyChainAsync(ct).WaitAsync(TestTimeouts.Default, ct)).IsValid);
    }

    [Fact]
    public async Task Revert_FailedEntryOrPodRestart_ExplainsWhyNot()
    {
        await using var app = DashboardFactory.Demo();
        var (_, scope) = await ConnectAsync(app);
        using var __ = scope;
        var snapshot = app.Services.GetRequiredService<LiveViewService>().Current.Snapshot;

        var failed = ChangeInverse.Revert(new AuditEntry { Action = AuditAction.LabelNodes, Outcome = AuditOutcome.Conflict, TargetKind = "Node", TargetName = "worker-a1" }, snapshot);
        var pod = ChangeInverse.Revert(new AuditEntry { Action = AuditAction.RestartSpeakers, Outcome = AuditOutcome.Succeeded, TargetKind = "Pod", TargetNamespace = "openelb-system", TargetName = "speaker-x" }, snapshot);
        var drift = ChangeInverse.Revert(new AuditEntry { Action = AuditAction.ObservedChange, Outcome = AuditOutcome.Observed, TargetKind = "Node", TargetName = "worker-a1" }, snapshot);

        Assert.Null(failed.Request);
        Assert.Contains("did not succeed", failed.Reason, StringComparison.Ordinal);
        Assert.Null(pod.Request);
        Assert.Contains("cannot be brought back", pod.Reason, StringComparison.Ordinal);
        Assert.Null(drift.Request);
        Assert.Contains("Only changes the dashboard made", drift.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_NodeGainsASpeaker_SettlesAndRecordsTheObservedImpactInTheSameRun()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var follow = app.Services.GetRequiredService<ChangeFollowService>();
        follow.Interval = TimeSpan.FromMilliseconds(50);
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);
        var leafC = Assert.Single(preview.Plan.Routers, static r => r.Name == "leaf-c");
        Assert.Equal((1, 2), (leafC.EstablishedBefore, leafC.EstablishedAfter));

        var result = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);

        var run = follow.Find(result.CorrelationId);
        Assert.NotNull(run);
        using (var timeout = new CancellationTokenSource(TestTimeouts.Default))
        {
            while (run.AuditEntryId is null)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
        Assert.True(run.Settled);
        Assert.Equal("speaker running and ready", Assert.Single(run.State.Nodes).Observed);
        Assert.Equal(2, Assert.Single(run.State.Routers, static r => r.Router == "leaf-c").Established);
        // kubectl agrees: a speaker pod runs on worker-c2.
        var pods = (await Kubectl.RunAsync(kubeconfig, "get", "pods", "-n", "openelb-system", "--field-selector", "spec.nodeName=worker-c2", "-o", "name")).EnsureSuccess().StdOut;
        Assert.Contains("pod/", pods, StringComparison.Ordinal);
        var entries = await log.GetCorrelationAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal([AuditAction.LabelNodes, AuditAction.ObservedImpact], entries.Select(static e => e.Action));
        var impact = entries[^1];
        Assert.Equal(2, impact.Step);
        Assert.Equal(AuditOutcome.Observed, impact.Outcome);
        Assert.StartsWith("Settled after", impact.Message, StringComparison.Ordinal);
        using var observed = JsonDocument.Parse(impact.ObservedImpact!);
        Assert.True(observed.RootElement.GetProperty("settled").GetBoolean());
        Assert.True((await log.VerifyChainAsync(ct).WaitAsync(TestTimeouts.Default, ct)).IsValid);
    }

    [Fact]
    public async Task Follow_TimeRunsOut_RecordsNotSettledWithWhatDiffered()
    {
        await using var app = DashboardFactory.Demo();
        var (_, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var follow = app.Services.GetRequiredService<ChangeFollowService>();
        follow.Timeout = TimeSpan.Zero;
        var ct = TestContext.Current.CancellationToken;
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c3"), ct).WaitAsync(TestTimeouts.Default, ct);

        var result = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);

        var run = follow.Find(result.CorrelationId)!;
        using (var timeout = new CancellationTokenSource(TestTimeouts.Default))
        {
            while (run.AuditEntryId is null)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        Assert.False(run.Settled);
        var impact = (await app.Services.GetRequiredService<SqliteAuditLog>().GetCorrelationAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct))[^1];
        Assert.Equal(AuditAction.ObservedImpact, impact.Action);
        Assert.StartsWith("Not settled after 0 s: worker-c3: no speaker", impact.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization:ReadOnly", "true", "read-only")]
    [InlineData("Authorization:Admins:0", "someone-else", "is not an admin of this dashboard")]
    public async Task Apply_ActorNotAllowed_RefusedOnTheServerRecordedAsDeniedAndNothingSent(string key, string value, string reason)
    {
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Demo:Scenario"] = "demo",
            [key] = value,
        });
        var (kubeconfig, scope) = await ConnectAsync(app);
        using var _ = scope;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        var ct = TestContext.Current.CancellationToken;
        Assert.Contains(reason, executor.WhyNotAllowed, StringComparison.Ordinal);
        var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);

        var result = await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct);

        Assert.Equal(ApplyStatus.Refused, result.Status);
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
        var entry = Assert.Single(await app.Services.GetRequiredService<SqliteAuditLog>().GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct));
        Assert.Equal(AuditOutcome.Denied, entry.Outcome);
        Assert.Null(entry.HttpStatus);
        Assert.StartsWith("Not sent: ", entry.Message, StringComparison.Ordinal);
        Assert.Equal(Environment.UserName, entry.ActorUserName);
    }

    [Fact]
    public async Task Preview_FeedNeverSynced_RefusedWithWhyInsteadOfPlanningOnAnEmptySnapshot()
    {
        // A kubeconfig for a port where nothing listens: the feed keeps retrying and never syncs.
        var directory = Directory.CreateTempSubdirectory("openelb-unreachable-");
        try
        {
            var kubeconfig = DashboardFactory.WriteUnreachableKubeconfig(directory.FullName);
            await using var app = new DashboardFactory(new Dictionary<string, string?>
            {
                ["Cluster:Mode"] = "Kubeconfig",
                ["Cluster:Kubeconfig"] = kubeconfig,
            });
            _ = app.Server;
            using var scope = app.CreateUserScope();
            var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
            var ct = TestContext.Current.CancellationToken;

            var preview = await executor.PreviewAsync(SetNodeLabels.Add(SpeakerLabel, "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);

            Assert.False(preview.Plan.IsValid);
            var error = Assert.Single(preview.Plan.Errors);
            Assert.Equal(ChangeExecutor.NotSyncedMessage, error.Message);
            Assert.Empty(preview.Patches);
            Assert.Equal(ApplyStatus.Refused, (await executor.ApplyAsync(preview, null, ct).WaitAsync(TestTimeouts.Default, ct)).Status);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> JsonPathAsync(string kubeconfig, string what, string path)
    {
        var args = new List<string> { "get" };
        args.AddRange(what == "daemonset" ? ["daemonset", "openelb-speaker", "-n", "openelb-system"] : what.Split(' '));
        args.AddRange(["-o", $"jsonpath={path}"]);
        return (await Kubectl.RunAsync(kubeconfig, [.. args])).EnsureSuccess().StdOut.Trim();
    }

    // The app synced with its simulator, a kubeconfig for kubectl, and one circuit's scope (the executor is scoped).
    private static async Task<(string Kubeconfig, IServiceScope Scope)> ConnectAsync(DashboardFactory app)
    {
        await app.WaitForSyncAsync();
        return (WriteKubeconfig(app), app.CreateUserScope());
    }

    private static string WriteKubeconfig(DashboardFactory app)
    {
        var path = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(path);
        return path;
    }

    private static async Task<string> LabelAsync(string kubeconfig, string node) =>
        (await Kubectl.RunAsync(kubeconfig, "get", "node", node, "-o", $"jsonpath={{.metadata.labels.{SpeakerLabel}}}")).EnsureSuccess().StdOut.Trim();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
