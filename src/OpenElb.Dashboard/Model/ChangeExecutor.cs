using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Kubernetes.Writing;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// Runs the plan → preview → confirm → patch → audit sequence for one circuit (scoped): previews a request against the
/// shared snapshot with the API server's dry-run answers, and applies a preview step by step with a write-ahead audit
/// entry per write. Never touches the snapshot: the watch shows the result.
/// </summary>
/// <remarks>
/// A failing step stops the run: later steps are not begun (no audit entry) and are returned as
/// <see cref="WriteOutcome.Skipped"/>. Every attempted step has its own audit entry; all steps of a run share one
/// correlation id and are numbered from 1.
/// </remarks>
public sealed class ChangeExecutor(
    LiveViewService liveViews,
    ClusterHost clusterHost,
    SqliteAuditLog auditLog,
    AuditStatus auditStatus,
    IFieldManagerLookup fieldManagers,
    ChangeFollowService follow,
    ChangeAuthorization authorization,
    ChangePermissions permissions,
    CurrentUser currentUser,
    IOptions<DashboardOptions> options,
    IOptions<AuthOptions> auth)
{
    /// <summary>Why nothing can be planned while the live view is not in step with the cluster.</summary>
    public const string NotSyncedMessage =
        "the dashboard is not in step with the cluster (still syncing after start-up, or the feed is stale), so the change cannot be planned; try again when the header says Live";

    /// <summary>The message of a 409: the preview is stale.</summary>
    public const string ConflictMessage = "Someone changed the node since the preview; re-preview.";

    private int _executing;

    /// <summary>Whether an apply is in flight (the UI disables its buttons).</summary>
    public bool IsExecuting => Volatile.Read(ref _executing) != 0;

    /// <summary>The steps of the running (or last) apply finished so far, in order.</summary>
    public IReadOnlyList<StepResult> Progress { get; private set; } = [];

    /// <summary>How many steps the running (or last) apply has.</summary>
    public int ProgressTotal { get; private set; }

    /// <summary>Raised when <see cref="IsExecuting"/> changes or a step finishes (on the thread that ran it).</summary>
    public event Action? Changed;

    /// <summary>Planning options that match the live views' thresholds.</summary>
    public PlanningOptions PlanningOptions => new()
    {
        Topology = new TopologyOptions { GroupingLabel = options.Value.GroupingLabel },
        Findings = new FindingsOptions
        {
            RackLabel = options.Value.GroupingLabel,
            MinSpeakersPerRouter = options.Value.MinSpeakersPerRouter,
            MaxSessionsPerRouter = options.Value.MaxSessionsPerRouter,
        },
    };

    /// <summary>Plans <paramref name="request"/> on the current snapshot without asking the API server.</summary>
    public ChangePlan Plan(ChangeRequest request) => ChangePlanner.Plan(liveViews.Current.Snapshot, request, PlanningOptions);

    /// <summary>
    /// Plans <paramref name="request"/> on the current snapshot, guards each node patch with the resourceVersion the
    /// plan read, and asks the API server to dry-run every patch. An invalid plan is returned without dry runs.
    /// </summary>
    /// <param name="request">The change.</param>
    /// <param name="cancellationToken">Cancels the dry runs.</param>
    /// <param name="action">The audit action to record instead of the one each step implies (e.g. a revert).</param>
    public async Task<ChangePreview> PreviewAsync(ChangeRequest request, CancellationToken cancellationToken, AuditAction? action = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = liveViews.Current;
        var snapshot = view.Snapshot;
        if (!view.Health.IsSynced)
        {
            // Right after start-up, or while the feed is stale: the snapshot is empty or old, so a plan would be wrong.
            var notSynced = ChangePlan.Invalid(snapshot.Version, request,
                [new ValidationError("cluster", NotSyncedMessage)]);
            return new ChangePreview(notSynced, snapshot, [], [], options.Value.MinSpeakersPerRouter) { Action = action };
        }
        var plan = ChangePlanner.Plan(snapshot, request, PlanningOptions);
        var patches = plan.Patches.Select(p => PatchGuards.Guard(p, snapshot)).ToList();
        var dryRuns = new List<WriteResult>(patches.Count);
        if (plan.IsValid && clusterHost.Session?.Writer is { } writer)
        {
            var identity = KubernetesIdentity;
            foreach (var patch in patches)
            {
                dryRuns.Add(await writer.WriteAsync(patch, dryRun: true, cancellationToken, identity).ConfigureAwait(false));
            }
        }
        // What the access reviews deny of these writes (the API server stays the authority; the page disables Apply).
        var denied = patches.Count == 0
            ? []
            : (await GetPermissionsAsync(cancellationToken).ConfigureAwait(false)).DeniedFor(patches.Select(static p => p.Target.Kind).Distinct());
        return new ChangePreview(plan, snapshot, patches, dryRuns, options.Value.MinSpeakersPerRouter) { Action = action, Denied = denied };
    }

    /// <summary>
    /// Applies <paramref name="preview"/>: refuses when a confirmation is missing, the audit store is unavailable, the
    /// cluster is not connected, another apply is running, or the snapshot changed since the preview in a way that
    /// touches the plan. Otherwise sends each patch in order, each between an audit begin and completion.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(ChangePreview preview, string? confirmation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var correlation = Guid.NewGuid();
        if (!preview.Plan.IsValid)
        {
            return ApplyResult.Refused(correlation, "The request is invalid; fix it and preview again.");
        }
        if (preview.Patches.Count == 0)
        {
            return ApplyResult.Refused(correlation, "The change would change nothing.");
        }
        var user = currentUser.Principal;
        var identity = KubernetesIdentity;
        var actor = DashboardActor.Of(user) with { ImpersonatedUser = identity?.User };
        if (authorization.WhyNot(user) is { } notAllowed)
        {
            // Refused on the server whatever the page offered; the attempt is recorded for reviewers.
            await RecordDeniedAsync(preview, correlation, actor, notAllowed, cancellationToken).ConfigureAwait(false);
            return ApplyResult.Refused(correlation, notAllowed);
        }
        if (preview.RequiresConfirmation && !string.Equals(confirmation?.Trim(), preview.ConfirmationWord, StringComparison.Ordinal))
        {
            return ApplyResult.Refused(correlation, $"Type “{preview.ConfirmationWord}” to confirm: a router would drop below {preview.MinimumSessions} established sessions.");
        }
        // Right after start-up the audit store may still be opening: wait for it (nothing is written before its
        // migrations ran), then refuse if it failed.
        if (!await auditStatus.WaitUntilInitializedAsync(cancellationToken).ConfigureAwait(false))
        {
            return ApplyResult.Refused(correlation, $"The audit log is unavailable, so no change can be made: {auditStatus.Error}");
        }
        if (clusterHost.Session?.Writer is not { } writer)
        {
            return ApplyResult.Refused(correlation, "The dashboard is not connected to a cluster.");
        }
        if (PatchGuards.StaleTargets(preview, liveViews.Current.Snapshot) is { Count: > 0 } stale)
        {
            return ApplyResult.Refused(correlation, $"The cluster changed since the preview ({string.Join(", ", stale)}); re-preview.");
        }
        if (Interlocked.CompareExchange(ref _executing, 1, 0) != 0)
        {
            return ApplyResult.Refused(correlation, "Another change is being applied; wait for it to finish.");
        }
        Progress = [];
        ProgressTotal = preview.Patches.Count;
        Changed?.Invoke();
        try
        {
            var result = await RunAsync(preview, writer, correlation, actor, identity, cancellationToken).ConfigureAwait(false);
            if (result.Steps.Any(static s => s.Outcome == WriteOutcome.Succeeded))
            {
                // Followed by a singleton until the cluster shows the prediction: the user may leave and come back.
                follow.Start(correlation, preview.Plan, actor);
            }
            return result;
        }
        finally
        {
            Volatile.Write(ref _executing, 0);
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Waits until the shared snapshot shows every object that <paramref name="result"/>'s succeeded steps wrote (its
    /// resourceVersion moved on from the preview's) and returns that snapshot, or <c>null</c> after
    /// <paramref name="timeout"/>. A change built on the snapshot before that would be planned against the old state.
    /// </summary>
    public async Task<ClusterSnapshot?> WaitForAppliedAsync(ChangePreview preview, ApplyResult result, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(result);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = liveViews.Current.Snapshot;
            if (result.Steps.Where(static s => s.Outcome == WriteOutcome.Succeeded).All(s => Seen(s.Patch.Target, preview.Snapshot, snapshot)))
            {
                return snapshot;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        static bool Seen(ObjectRef target, ClusterSnapshot before, ClusterSnapshot now) => target.Kind switch
        {
            "Node" => now.FindNode(target.Name)?.ResourceVersion is { } version && version != before.FindNode(target.Name)?.ResourceVersion,
            "DaemonSet" => now.Speaker?.ResourceVersion is { } version && version != before.Speaker?.ResourceVersion,
            _ => true,
        };
    }

    /// <summary>
    /// The Kubernetes identity writes are made as: <c>null</c> (the dashboard's own) unless
    /// <c>Auth:ImpersonateKubernetesUser</c> is on, then the signed-in user with their groups. The .NET HTTP client
    /// joins repeated headers into one, which the API server would read as one group named "a, b"; so a user with
    /// several groups is impersonated without them (their user bindings apply, their group bindings do not: writes
    /// fail closed, and the audit says as whom they were made).
    /// </summary>
    public KubernetesIdentity? KubernetesIdentity
    {
        get
        {
            if (!auth.Value.ImpersonateKubernetesUser || currentUser.Name is not { } name)
            {
                return null;
            }
            var groups = DashboardActor.Of(currentUser.Principal).Groups;
            return new KubernetesIdentity(name, groups.Count <= 1 ? groups : []);
        }
    }

    /// <summary>What the identity of <see cref="KubernetesIdentity"/> may change, as access reviews answer.</summary>
    public Task<PermissionSet> GetPermissionsAsync(CancellationToken cancellationToken) => permissions.GetAsync(cancellationToken, KubernetesIdentity);

    /// <summary>Whether the current actor may apply changes (the pages disable Apply when not; the server refuses anyway).</summary>
    public string? WhyNotAllowed => authorization.WhyNot(currentUser.Principal);

    private async Task RecordDeniedAsync(ChangePreview preview, Guid correlation, DashboardActor actor, string reason, CancellationToken cancellationToken)
    {
        if (!await auditStatus.WaitUntilInitializedAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            var id = await auditLog.BeginAsync(ChangeAudit.Pending(preview, preview.Patches[0], correlation, 1, actor), cancellationToken).ConfigureAwait(false);
            await auditLog.CompleteAsync(id, new AuditCompletion(AuditOutcome.Denied, null, $"Not sent: {reason}"), CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // Nothing was sent either way; the refusal stands.
        }
    }

    // After a 409: who wrote the object last (its newest managedFields entry), as a sentence, or "" when unknown.
    private async Task<string> WhoWonAsync(ObjectRef target)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await fieldManagers.FindLatestWriterAsync(target, timeout.Token).ConfigureAwait(false) is { } writer
                ? $" It was last written by {writer.Manager}{(writer.Time is { } time ? $" at {time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "")}."
                : "";
        }
#pragma warning disable CA1031 // Naming the winner is a courtesy: an unreadable object must not hide the conflict itself.
        catch (Exception)
#pragma warning restore CA1031
        {
            return "";
        }
    }

    private async Task<ApplyResult> RunAsync(ChangePreview preview, ClusterWriter writer, Guid correlation, DashboardActor actor, KubernetesIdentity? identity, CancellationToken cancellationToken)
    {
        var steps = new List<StepResult>(preview.Patches.Count);
        string? failure = null;
        for (var i = 0; i < preview.Patches.Count; i++)
        {
            var patch = preview.Patches[i];
            if (failure is not null)
            {
                steps.Add(new StepResult(i + 1, patch, null, WriteOutcome.Skipped, null, "Not begun: an earlier step did not succeed."));
                continue;
            }
            var entry = ChangeAudit.Pending(preview, patch, correlation, i + 1, actor);
            long id;
            try
            {
                id = await auditLog.BeginAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                failure = $"Step {i + 1} was not sent: {ex.Message}";
                steps.Add(new StepResult(i + 1, patch, null, WriteOutcome.Skipped, null, failure));
                continue;
            }
            // Not cancellable from here on: a write that was sent must have its outcome recorded.
            var result = await writer.WriteAsync(patch, dryRun: false, CancellationToken.None, identity).ConfigureAwait(false);
            var message = result.Outcome == WriteOutcome.Conflict
                ? $"{ConflictMessage}{await WhoWonAsync(patch.Target).ConfigureAwait(false)} The API server said: {result.Message}"
                : result.Message;
            try
            {
                await auditLog.CompleteAsync(id, ChangeAudit.Completion(result, message, ChangeAudit.AfterState(patch)), CancellationToken.None).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                message = $"{message} The outcome could not be recorded in the audit log: {ex.Message}".TrimStart();
                failure = message;
            }
            steps.Add(new StepResult(i + 1, patch, id, result.Outcome, result.HttpStatus, message, result.AuditId, result.ResourceVersionAfter));
            Progress = steps.ToArray();
            Changed?.Invoke();
            if (!result.Succeeded)
            {
                failure = $"Step {i + 1} ({patch.Target}) failed: {message}";
            }
        }
        return new ApplyResult(correlation, failure is null ? ApplyStatus.Succeeded : ApplyStatus.Failed, failure ?? $"Applied {Words.Count(steps.Count, "step")}.", steps);
    }
}

/// <summary>A plan, the snapshot it was made from, the exact patches that will be sent and the API server's dry-run answers.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="Snapshot">The snapshot the plan was made from.</param>
/// <param name="Patches">The patches as sent (node patches guarded by the resourceVersion the plan read).</param>
/// <param name="DryRuns">The dry-run answer per patch (empty when the plan is invalid or no cluster is connected).</param>
/// <param name="MinimumSessions">The redundancy threshold: below it a typed confirmation is required.</param>
public sealed record ChangePreview(
    ChangePlan Plan,
    ClusterSnapshot Snapshot,
    IReadOnlyList<PlannedPatch> Patches,
    IReadOnlyList<WriteResult> DryRuns,
    int MinimumSessions)
{
    /// <summary>The word to type when a router would drop below the minimum.</summary>
    public const string DefaultConfirmationWord = "degrade";

    /// <summary>The audit action every step records, when it is not the one the step's request implies (a revert or undo).</summary>
    public AuditAction? Action { get; init; }

    /// <summary>The access reviews that deny writes this preview would send (empty when allowed or unknown).</summary>
    public IReadOnlyList<Kubernetes.AccessResult> Denied { get; init; } = [];

    /// <summary>Whether any router would drop below the minimum established sessions.</summary>
    public bool RequiresConfirmation => Plan.DropsBelowMinimum(MinimumSessions);

    /// <summary>The word the user types to confirm.</summary>
    public string ConfirmationWord => DefaultConfirmationWord;

    /// <summary>Whether the API server accepted every dry run (and there was one per patch).</summary>
    public bool DryRunAccepted => DryRuns.Count == Patches.Count && DryRuns.All(static d => d.Succeeded);
}

/// <summary>How an apply ended.</summary>
public enum ApplyStatus
{
    /// <summary>Every step succeeded.</summary>
    Succeeded,

    /// <summary>A step failed; the steps before it were applied, the rest not begun.</summary>
    Failed,

    /// <summary>Nothing was begun (confirmation, audit, stale preview, no cluster).</summary>
    Refused,
}

/// <summary>One step of an apply.</summary>
/// <param name="Step">Step number, from 1 (as in the audit entry).</param>
/// <param name="Patch">The patch.</param>
/// <param name="AuditEntryId">The audit entry, or <c>null</c> when the step was not begun.</param>
/// <param name="Outcome">The write's outcome (<see cref="WriteOutcome.Skipped"/> when not sent).</param>
/// <param name="HttpStatus">HTTP status from the API server.</param>
/// <param name="Message">The server's message, or why the step was not sent.</param>
/// <param name="ApiAuditId">The API server's Audit-ID.</param>
/// <param name="ResourceVersionAfter">The object's resourceVersion after the write.</param>
public sealed record StepResult(
    int Step,
    PlannedPatch Patch,
    long? AuditEntryId,
    WriteOutcome Outcome,
    int? HttpStatus,
    string? Message,
    string? ApiAuditId = null,
    string? ResourceVersionAfter = null);

/// <summary>The result of an apply.</summary>
/// <param name="CorrelationId">The run's correlation id (its audit entries share it).</param>
/// <param name="Status">How it ended.</param>
/// <param name="Message">One sentence for the user.</param>
/// <param name="Steps">Per patch, in order (empty when refused).</param>
public sealed record ApplyResult(Guid CorrelationId, ApplyStatus Status, string Message, IReadOnlyList<StepResult> Steps)
{
    /// <summary>Whether any audit entry was written for the run.</summary>
    public bool HasAuditEntries => Steps.Any(static s => s.AuditEntryId is not null);

    /// <summary>The audit page filtered to this run.</summary>
    public string AuditLink => $"audit?correlation={CorrelationId:D}";

    internal static ApplyResult Refused(Guid correlation, string message) => new(correlation, ApplyStatus.Refused, message, []);
}
