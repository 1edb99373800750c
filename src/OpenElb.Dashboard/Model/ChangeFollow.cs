using System.Collections.Concurrent;
using System.Text.Json;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Core.Changes;

namespace OpenElb.Dashboard.Model;

/// <summary>One node of a followed change: the speaker the plan predicts and the one the cluster shows.</summary>
/// <param name="Node">Node name.</param>
/// <param name="Outcome">What the plan predicted.</param>
/// <param name="Observed">The node's speaker now, in words.</param>
/// <param name="Settled">Whether the observed speaker is the predicted one.</param>
public sealed record FollowNode(string Node, SpeakerOutcome Outcome, string Observed, bool Settled);

/// <summary>One router of a followed change: predicted and observed established sessions.</summary>
/// <param name="Router">Router name.</param>
/// <param name="Predicted">Established sessions the plan predicts.</param>
/// <param name="Established">Established sessions now.</param>
public sealed record FollowRouter(string Router, int Predicted, int Established)
{
    /// <summary>Whether the router has the predicted sessions.</summary>
    public bool Settled => Established == Predicted;
}

/// <summary>Where a followed change stands.</summary>
/// <param name="Nodes">Nodes whose speaker the change adds, removes or restarts.</param>
/// <param name="Routers">Routers whose sessions the change moves.</param>
/// <param name="Rollout">The DaemonSet rollout in words, when the pod template changed.</param>
/// <param name="RolloutDone">Whether that rollout is complete (true when there is none).</param>
public sealed record FollowState(IReadOnlyList<FollowNode> Nodes, IReadOnlyList<FollowRouter> Routers, string? Rollout, bool RolloutDone)
{
    /// <summary>Whether the cluster shows the predicted state.</summary>
    public bool Settled => RolloutDone && Nodes.All(static n => n.Settled) && Routers.All(static r => r.Settled);

    /// <summary>
    /// Compares <paramref name="plan"/>'s prediction with <paramref name="view"/>: only the nodes and routers the plan
    /// moves, so the cost follows the change, not the cluster.
    /// </summary>
    public static FollowState Evaluate(ChangePlan plan, DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(view);
        var nodes = plan.Nodes
            .Where(static n => n.Outcome is SpeakerOutcome.Gains or SpeakerOutcome.Loses || n.Restarted)
            .Select(n =>
            {
                var pods = view.Snapshot.SpeakerPodsOn(n.NodeName);
                var live = pods.Any(static p => p.IsLive);
                var observed = live ? "speaker running and ready"
                    : pods.Any(static p => !p.Terminating) ? "speaker starting"
                    : pods.Count > 0 ? "speaker terminating"
                    : "no speaker";
                var wanted = n.Outcome != SpeakerOutcome.Loses;
                var settled = wanted ? live : pods.Count == 0;
                return new FollowNode(n.NodeName, n.Outcome, observed, settled);
            })
            .ToList();
        var routers = plan.Routers
            .Where(static r => r.EstablishedBefore != r.EstablishedAfter || r.ExpectedBefore != r.ExpectedAfter)
            .Select(r => new FollowRouter(r.Name, r.EstablishedAfter, view.Topology.FindGroup(r.Name)?.Established ?? 0))
            .ToList();
        string? rollout = null;
        var rolloutDone = true;
        if (plan.PodTemplateChanges && view.Snapshot.Speaker is { } speaker)
        {
            rolloutDone = !speaker.RolloutPending && speaker.Ready == speaker.DesiredScheduled;
            rollout = $"{speaker.Updated} of {speaker.DesiredScheduled} speakers updated, {speaker.Ready} ready";
        }
        return new FollowState(nodes, routers, rollout, rolloutDone);
    }
}

/// <summary>A change being followed (or followed) after apply.</summary>
public sealed class FollowRun
{
    internal FollowRun(Guid correlationId, ChangePlan plan, DateTimeOffset started, FollowState state, DashboardActor actor)
    {
        Actor = actor;
        CorrelationId = correlationId;
        Plan = plan;
        Started = started;
        State = state;
    }

    /// <summary>The run's correlation id (its audit entries share it).</summary>
    public Guid CorrelationId { get; }

    /// <summary>Who applied the change (the observed-impact entry is recorded in their name).</summary>
    public DashboardActor Actor { get; }

    /// <summary>The applied plan.</summary>
    public ChangePlan Plan { get; }

    /// <summary>When following started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The latest comparison.</summary>
    public FollowState State { get; internal set; }

    /// <summary>How it ended, or <c>null</c> while it is followed: settled, or not settled when the time ran out.</summary>
    public bool? Settled { get; internal set; }

    /// <summary>The observed-impact audit entry, once written.</summary>
    public long? AuditEntryId { get; internal set; }

    /// <summary>Why the observed impact could not be recorded, if it could not.</summary>
    public string? AuditError { get; internal set; }
}

/// <summary>
/// Follows applied changes until the cluster shows the predicted state or <see cref="Timeout"/> passes, then records the
/// observed impact as an audit entry of the same run. A singleton: a run keeps being followed when its page closes,
/// and any page can show it again (<see cref="Find"/>).
/// </summary>
public sealed partial class ChangeFollowService(
    LiveViewService liveViews,
    SqliteAuditLog auditLog,
    TimeProvider timeProvider,
    ILogger<ChangeFollowService> logger) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, FollowRun> _runs = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How long a change may take to settle before it is recorded as not settled.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a followed change is compared with the live view.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Raised (on a background thread) when a run's state changes.</summary>
    public event Action<Guid>? Changed;

    /// <summary>The run with this correlation id, while this process knows it.</summary>
    public FollowRun? Find(Guid correlationId) => _runs.GetValueOrDefault(correlationId);

    /// <summary>Starts following <paramref name="plan"/>, applied by <paramref name="actor"/> as run <paramref name="correlationId"/>.</summary>
    public FollowRun Start(Guid correlationId, ChangePlan plan, DashboardActor actor)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        var run = new FollowRun(correlationId, plan, timeProvider.GetUtcNow(), FollowState.Evaluate(plan, liveViews.Current), actor);
        if (_runs.TryAdd(correlationId, run))
        {
            _ = FollowAsync(run, _stopping.Token);
        }
        return _runs[correlationId];
    }

    private async Task FollowAsync(FollowRun run, CancellationToken cancellationToken)
    {
        try
        {
            var deadline = run.Started + Timeout;
            while (true)
            {
                run.State = FollowState.Evaluate(run.Plan, liveViews.Current);
                Changed?.Invoke(run.CorrelationId);
                if (run.State.Settled || timeProvider.GetUtcNow() >= deadline)
                {
                    break;
                }
                await Task.Delay(Interval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            run.Settled = run.State.Settled;
            await RecordAsync(run, cancellationToken).ConfigureAwait(false);
            Changed?.Invoke(run.CorrelationId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the run was not settled and nothing is recorded.
        }
    }

    private async Task RecordAsync(FollowRun run, CancellationToken cancellationToken)
    {
        var state = run.State;
        var elapsed = timeProvider.GetUtcNow() - run.Started;
        var impact = JsonSerializer.Serialize(new
        {
            settled = run.Settled,
            seconds = Math.Round(elapsed.TotalSeconds, 1),
            rollout = state.Rollout,
            nodes = state.Nodes.Select(static n => new { node = n.Node, predicted = n.Outcome.ToString(), observed = n.Observed, settled = n.Settled }),
            routers = state.Routers.Select(static r => new { router = r.Router, predicted = r.Predicted, established = r.Established }),
        });
        var entry = new AuditEntry
        {
            CorrelationId = run.CorrelationId,
            Step = run.Plan.Patches.Count + 1,
            ActorUserName = run.Actor.UserName,
            ActorDisplayName = run.Actor.DisplayName,
            ActorAuthMethod = run.Actor.AuthMethod,
            ActorGroups = [.. run.Actor.Groups],
            ImpersonatedUser = run.Actor.ImpersonatedUser,
            Action = AuditAction.ObservedImpact,
            TargetKind = "Change",
            TargetName = run.Plan.Request.Describe(),
            Message = run.Settled == true
                ? $"Settled after {elapsed.TotalSeconds:0} s: the cluster shows the predicted speakers and sessions."
                : $"Not settled after {elapsed.TotalSeconds:0} s: {Unsettled(state)}.",
            PredictedImpact = JsonSerializer.Serialize(new { routers = run.Plan.Routers.Select(static r => new { router = r.Name, established = r.EstablishedAfter }) }),
            ObservedImpact = impact,
            Outcome = AuditOutcome.Observed,
        };
        try
        {
            run.AuditEntryId = await auditLog.RecordObservedAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            run.AuditError = ex.Message;
            LogImpactNotRecorded(logger, run.CorrelationId, ex.Message);
        }
    }

    private static string Unsettled(FollowState state)
    {
        var parts = state.Nodes.Where(static n => !n.Settled).Select(static n => $"{n.Node}: {n.Observed}")
            .Concat(state.Routers.Where(static r => !r.Settled).Select(static r => $"{r.Router}: {r.Established} of {r.Predicted} sessions"))
            .ToList();
        if (!state.RolloutDone)
        {
            parts.Insert(0, $"rollout: {state.Rollout}");
        }
        return string.Join("; ", parts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The observed impact of change {CorrelationId} could not be recorded: {Error}")]
    private static partial void LogImpactNotRecorded(ILogger logger, Guid correlationId, string error);

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
