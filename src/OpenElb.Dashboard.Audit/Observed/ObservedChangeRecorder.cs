using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Drift;

namespace OpenElb.Dashboard.Audit.Observed;

/// <summary>
/// Records speaker-relevant changes the dashboard did not make (a node label a BgpPeer selector or the speaker
/// placement reads, a node taint, the speaker placement) as <see cref="AuditOutcome.Observed"/> audit entries, naming
/// the field manager from <c>managedFields</c> when there is one. Drift becomes visible in the audit log.
/// </summary>
/// <remarks>
/// <para>
/// The first synced snapshot is the baseline: nothing is recorded for the initial list. Each later update is compared
/// with the previous one by <see cref="ObservedChangeDetector"/> (only the nodes the update names; every node on a
/// node resync or when updates were dropped for a slow reader, which shows as a gap in
/// <see cref="ClusterSnapshot.Version"/>).
/// </para>
/// <para>
/// Changes whose field manager is <see cref="KnownFieldManagers.Dashboard"/> are skipped: the wizards audit those
/// themselves. The manager is stored in <see cref="AuditEntry.FieldManager"/> and, since the API server does not
/// say which user wrote a field, also as <see cref="AuditEntry.ActorUserName"/> (<c>unknown</c> when it is not known,
/// e.g. for a removed field or when the lookup failed) with <see cref="AuditEntry.ActorAuthMethod"/>
/// <c>managedFields</c>; the <see cref="AuditEntry.Message"/> says how it was determined.
/// </para>
/// <para>
/// Failures never end the loop: a lookup failure records the entry with the manager unknown, and an entry the store
/// cannot take is logged and dropped (the change stays visible in the cluster). Only cancellation ends
/// <see cref="RunAsync"/>. One instance runs one loop at a time.
/// </para>
/// </remarks>
public sealed partial class ObservedChangeRecorder
{
    /// <summary>The actor name recorded when the field manager is not known.</summary>
    public const string UnknownManager = "unknown";

    /// <summary>The <see cref="AuditEntry.ActorAuthMethod"/> of observed entries: the actor comes from managedFields.</summary>
    public const string ActorSource = "managedFields";

    private readonly IClusterState _cluster;
    private readonly IFieldManagerLookup _lookup;
    private readonly SqliteAuditLog _log;
    private readonly ILogger _logger;

    /// <summary>Creates the recorder; nothing runs until <see cref="RunAsync"/>.</summary>
    public ObservedChangeRecorder(IClusterState cluster, IFieldManagerLookup lookup, SqliteAuditLog log, ILogger<ObservedChangeRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(log);
        _cluster = cluster;
        _lookup = lookup;
        _log = log;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Subscribes to the cluster state and records observed changes until <paramref name="cancellationToken"/> is
    /// cancelled; then it returns (it does not throw <see cref="OperationCanceledException"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var subscription = _cluster.Subscribe(cancellationToken);
            var baseline = subscription.Initial.Health.IsSynced ? subscription.Initial.Snapshot : null;
            await foreach (var update in subscription.Updates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (baseline is null)
                {
                    // Still listing: the first synced snapshot becomes the baseline, and its initial list is not drift.
                    if (update.Health.IsSynced)
                    {
                        baseline = update.Snapshot;
                    }
                    continue;
                }
                var previous = baseline;
                baseline = update.Snapshot;
                IReadOnlyList<ObservedChange> changes;
                try
                {
                    changes = Detect(previous, update);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDetectFailed(_logger, ex);
                    continue;
                }
                if (changes.Count > 0)
                {
                    await RecordAsync(changes, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The speaker-relevant changes from <paramref name="previous"/> to <paramref name="update"/>. Internal for tests.</summary>
    internal static IReadOnlyList<ObservedChange> Detect(ClusterSnapshot previous, ClusterUpdate update)
    {
        var nodeChanges = update.Changes.Where(static c => c.Kind == ResourceKind.Nodes).ToList();
        // A gap in versions means a slow reader lost intermediate updates and their change lists: compare every node.
        var compareAll = nodeChanges.Any(static c => c.Type == ChangeType.Resync) || update.Snapshot.Version != previous.Version + 1;
        var changedNodes = compareAll
            ? null
            : nodeChanges.Where(static c => c.Type == ChangeType.Upsert).Select(static c => c.Key).ToList();
        return ObservedChangeDetector.Detect(previous, update.Snapshot, changedNodes);
    }

    private async Task RecordAsync(IReadOnlyList<ObservedChange> changes, CancellationToken cancellationToken)
    {
        // The changes seen in one update share a correlation, one step each.
        var correlation = Guid.NewGuid();
        var step = 0;
        foreach (var change in changes)
        {
            string? manager;
            string? lookupError = null;
            try
            {
                manager = await _lookup.FindManagerAsync(change.Target, change.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogLookupFailed(_logger, change.Target.Kind, change.Target.Name, change.Path, ex);
                manager = null;
                lookupError = ex.Message;
            }
            if (string.Equals(manager, KnownFieldManagers.Dashboard, StringComparison.Ordinal))
            {
                LogOwnChange(_logger, change.Target.Kind, change.Target.Name, change.Path);
                continue;
            }
            var entry = ToEntry(change, manager, lookupError, correlation, ++step);
            try
            {
                await _log.RecordObservedAsync(entry, cancellationToken).ConfigureAwait(false);
                LogRecorded(_logger, change.Target.Kind, change.Target.Name, change.Path, manager ?? UnknownManager);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRecordFailed(_logger, change.Target.Kind, change.Target.Name, change.Path, ex);
            }
        }
    }

    /// <summary>The audit entry for one observed change. Internal for tests.</summary>
    internal static AuditEntry ToEntry(ObservedChange change, string? manager, string? lookupError, Guid correlation, int step)
    {
        ArgumentNullException.ThrowIfNull(change);
        var how = manager is not null
            ? $"field manager '{manager}' (from managedFields)"
            : lookupError is not null
                ? $"field manager unknown: the lookup failed ({lookupError})"
                : "field manager unknown: no managedFields entry covers the field";
        return new AuditEntry
        {
            CorrelationId = correlation,
            Step = step,
            ActorUserName = manager ?? UnknownManager,
            ActorAuthMethod = ActorSource,
            FieldManager = manager,
            Action = AuditAction.ObservedChange,
            TargetKind = change.Target.Kind,
            TargetNamespace = change.Target.Namespace,
            TargetName = change.Target.Name,
            BeforeState = FieldState(change.Path, change.Before),
            AfterState = FieldState(change.Path, change.After),
            Message = $"Observed on the live feed: {Describe(change.Field)} {change.Path} changed; {how}.",
        };
    }

    /// <summary><c>{"path": value}</c>, the value null when the field is absent.</summary>
    private static string FieldState(string path, string? value) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { [path] = value });

    private static string Describe(ObservedField field) => field switch
    {
        ObservedField.NodeLabel => "node label",
        ObservedField.NodeTaints => "node taints",
        ObservedField.SpeakerPlacement => "speaker placement",
        _ => field.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded an observed change of {Kind} {Name} {Path} by {Manager}.")]
    private static partial void LogRecorded(ILogger logger, string kind, string name, string path, string manager);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped the dashboard's own change of {Kind} {Name} {Path}.")]
    private static partial void LogOwnChange(ILogger logger, string kind, string name, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look up the field manager of {Kind} {Name} {Path}; recording it as unknown.")]
    private static partial void LogLookupFailed(ILogger logger, string kind, string name, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the observed change of {Kind} {Name} {Path} in the audit log.")]
    private static partial void LogRecordFailed(ILogger logger, string kind, string name, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not compare cluster snapshots for observed changes; this update is skipped.")]
    private static partial void LogDetectFailed(ILogger logger, Exception exception);
}
