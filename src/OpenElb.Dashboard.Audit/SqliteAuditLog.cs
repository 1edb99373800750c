using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace OpenElb.Dashboard.Audit;

/// <summary>
/// The audit log over a SQLite file: write-ahead append, completion, drift records, reconciliation, queries,
/// chain verification, export and retention.
/// </summary>
/// <remarks>
/// <para>
/// Lifetime: a singleton (registered by <see cref="AuditServiceCollectionExtensions.AddAuditLog"/>); dispose it to close
/// its append connection. Appends share one long-lived connection with prepared commands (opened at the first append,
/// re-opened after a failure); every other operation creates and disposes its own <see cref="AuditDbContext"/>. All members are thread-safe, and several instances (also
/// in several processes) may share one file: appends take SQLite's write lock (<c>BEGIN IMMEDIATE</c>) before reading
/// the chain head, and wait up to <see cref="AuditOptions.BusyTimeout"/> for it.
/// </para>
/// <para>
/// Hash chain: the chain is a sequence of records numbered 1, 2, 3, … across all entries. An entry contributes a begin
/// record when it is committed as pending (<see cref="AuditEntry.Sequence"/>, <see cref="AuditEntry.PreviousHash"/>,
/// <see cref="AuditEntry.EntryHash"/>) and a completion record when its outcome is recorded
/// (<see cref="AuditEntry.CompletionSequence"/>, <see cref="AuditEntry.CompletionPreviousHash"/>,
/// <see cref="AuditEntry.CompletionHash"/>). Each record's hash is SHA-256 over its canonical serialization including
/// the previous record's hash; the completion record also covers the entry's begin hash. Records are never re-hashed,
/// so completing an old entry never invalidates the records after it. A pending entry carries no completion fields.
/// </para>
/// <para>
/// Cancellation: a cancelled append rolls back; nothing partial is committed.
/// </para>
/// </remarks>
public sealed partial class SqliteAuditLog : IDisposable
{
    private readonly IDbContextFactory<AuditDbContext> _contextFactory;
    private readonly TimeProvider _timeProvider;
    private readonly AuditOptions _options;

    // SQLite serializes writers across processes; this only saves in-process writers from spinning on SQLITE_BUSY.
    private readonly SemaphoreSlim _appendLock = new(1, 1);

    // The latest InitializeAsync; null until it is called (then operations do not wait).
    private volatile Task? _initialization;

    /// <summary>Creates the log. Call <see cref="InitializeAsync"/> once at start-up; operations called meanwhile wait for it.</summary>
    public SqliteAuditLog(
        IDbContextFactory<AuditDbContext> contextFactory, IOptions<AuditOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(contextFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _contextFactory = contextFactory;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Creates the directory, switches the file to WAL journal mode and applies pending EF Core migrations.
    /// Safe to run from several processes at once (EF Core takes its migration lock).
    /// </summary>
    /// <remarks>
    /// The work runs on the thread pool (building the EF Core model is synchronous and takes most of a second in a cold
    /// process), so the caller gets the task back at once and the host's start-up is not held. The task is published
    /// before this returns: every operation of the log called from then on waits for it first
    /// (<see cref="WhenInitializedAsync"/>), so nothing is read or written before the migrations ran, and every
    /// operation fails with <see cref="AuditUnavailableException"/> when it failed.
    /// </remarks>
    /// <exception cref="AuditUnavailableException">The file cannot be created, opened or migrated.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => InitializeAfterAsync(null, cancellationToken);

    /// <summary>
    /// <see cref="InitializeAsync"/>, starting the work once <paramref name="after"/> has completed
    /// (however it ends). Operations called meanwhile already wait, as they do for the work itself.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The file cannot be created, opened or migrated.</exception>
    public Task InitializeAfterAsync(Task? after, CancellationToken cancellationToken = default)
    {
        var initialization = Task.Run(async () =>
        {
            if (after is not null)
            {
                await after.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            await InitializeCoreAsync(cancellationToken).ConfigureAwait(false);
        }, CancellationToken.None);
        _initialization = initialization;
        return initialization;
    }

    /// <summary>
    /// Completes when the latest <see cref="InitializeAsync"/> has finished (at once when it has, or when it was never
    /// called). Every operation of the log awaits it; callers outside the log that use the same file (the wall tokens)
    /// await it before their first read.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The initialization failed or was cancelled; the message says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public ValueTask WhenInitializedAsync(CancellationToken cancellationToken = default)
    {
        var initialization = _initialization;
        return initialization is null || initialization.IsCompletedSuccessfully
            ? ValueTask.CompletedTask
            : WaitForInitializationAsync(initialization, cancellationToken);
    }

    private static async ValueTask WaitForInitializationAsync(Task initialization, CancellationToken cancellationToken)
    {
        try
        {
            await initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            throw new AuditUnavailableException(ex.Message, ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AuditUnavailableException("The audit store was not opened: its initialization was cancelled (the dashboard is stopping).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AuditUnavailableException($"The audit store could not be initialized: {ex.Message}", ex);
        }
    }

    private async Task InitializeCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(_options.DatabasePath));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using var contextScope = context.ConfigureAwait(false);
            // journal_mode is persistent in the file; WAL lets readers (queries, export) run beside the writer.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            await StartSearchIndexingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The audit store '{_options.DatabasePath}' could not be initialized: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Write-ahead: commits <paramref name="pending"/> as a <see cref="AuditOutcome.Pending"/> entry and returns its id.
    /// The caller must not write to the cluster unless this returns.
    /// </summary>
    /// <param name="pending">The begin fields. It is copied; the log stamps id, sequence, time and hashes on the copy.</param>
    /// <param name="cancellationToken">Cancels the append (nothing is committed).</param>
    /// <exception cref="AuditUnavailableException">The entry was not committed; do not perform the cluster write.</exception>
    public async Task<long> BeginAsync(AuditEntry pending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Outcome != AuditOutcome.Pending)
        {
            throw new ArgumentException("A write-ahead entry starts as Pending.", nameof(pending));
        }

        try
        {
            return await AppendAsync(async (session, now, ct) =>
            {
                var entry = NewBeginRecord(pending, session.Head, now);
                await session.InsertAsync(entry, ct).ConfigureAwait(false);
                return entry.Id;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException(
                $"The audit log could not commit the pending entry, so the cluster write must not happen: {ex.Message}", ex);
        }
    }

    /// <summary>Records the outcome of the entry <paramref name="id"/> as a completion record on the chain.</summary>
    /// <exception cref="AuditUnavailableException">The outcome was not committed.</exception>
    /// <exception cref="InvalidOperationException">The entry does not exist or is already completed.</exception>
    public async Task CompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (completion.Outcome is AuditOutcome.Pending or AuditOutcome.Observed)
        {
            throw new ArgumentException($"{completion.Outcome} is not an outcome of a write.", nameof(completion));
        }

        bool completed;
        try
        {
            completed = await TryCompleteAsync(id, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The audit log could not record the outcome of entry {id}: {ex.Message}", ex);
        }

        if (!completed)
        {
            throw new InvalidOperationException($"Audit entry {id} does not exist or is already completed.");
        }
    }

    /// <summary>
    /// Records a change the dashboard did not make (drift) as one <see cref="AuditOutcome.Observed"/> entry: begin and
    /// completion records are appended together. The after-fields (<see cref="AuditEntry.AfterState"/>,
    /// <see cref="AuditEntry.ResourceVersionAfter"/>, <see cref="AuditEntry.Message"/>,
    /// <see cref="AuditEntry.ObservedImpact"/>) are taken from <paramref name="observed"/>, which is copied.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The entry was not committed.</exception>
    public async Task<long> RecordObservedAsync(AuditEntry observed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var completion = new AuditCompletion(
            AuditOutcome.Observed, observed.HttpStatus, observed.Message, observed.ApiAuditId,
            observed.ResourceVersionAfter, observed.AfterState, observed.ObservedImpact);
        try
        {
            return await AppendAsync(async (session, now, ct) =>
            {
                var entry = NewBeginRecord(observed, session.Head, now);
                ApplyCompletion(entry, completion, new ChainHead(entry.Sequence, entry.EntryHash, entry.Id), now);
                await session.InsertAsync(entry, ct).ConfigureAwait(false);
                return entry.Id;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The audit log could not record an observed change: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Start-up reconciliation: every pending entry requested more than <paramref name="olderThan"/> ago is completed
    /// as <see cref="AuditOutcome.Succeeded"/> (noted as reconciled) when <paramref name="afterStateObserved"/> returns
    /// true, and as <see cref="AuditOutcome.Abandoned"/> with a note when it returns false or null (unknown).
    /// </summary>
    /// <param name="afterStateObserved">
    /// Looks at the cluster: true when the entry's after-state is present, false when not, null when it cannot tell.
    /// Called sequentially, outside any store transaction; its exceptions propagate.
    /// </param>
    /// <param name="olderThan">Younger pending entries may still be in flight and are left alone.</param>
    /// <param name="cancellationToken">Stops between entries; entries already completed stay completed.</param>
    public async Task<ReconcileResult> ReconcileAsync(
        Func<AuditEntry, CancellationToken, Task<bool?>> afterStateObserved,
        TimeSpan olderThan,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(afterStateObserved);
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var cutoff = _timeProvider.GetUtcNow().UtcDateTime - olderThan;
        List<AuditEntry> pending;
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            pending = await context.Entries.AsNoTracking()
                .Where(e => e.Outcome == AuditOutcome.Pending && e.RequestedUtc < cutoff)
                .OrderBy(e => e.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        int succeeded = 0, abandoned = 0;
        foreach (var entry in pending)
        {
            var observed = await afterStateObserved(entry, cancellationToken).ConfigureAwait(false);
            var completion = observed switch
            {
                true => new AuditCompletion(AuditOutcome.Succeeded,
                    Message: "Reconciled at start-up: the after-state was observed in the cluster; the original outcome was never recorded."),
                false => new AuditCompletion(AuditOutcome.Abandoned,
                    Message: "Abandoned at start-up: the outcome was never recorded and the after-state is not observed in the cluster."),
                null => new AuditCompletion(AuditOutcome.Abandoned,
                    Message: "Abandoned at start-up: the outcome was never recorded and the after-state is unknown (the cluster could not be read)."),
            };

            // Another instance may have completed it meanwhile; that record wins.
            if (await TryCompleteAsync(entry.Id, completion, cancellationToken).ConfigureAwait(false))
            {
                if (observed == true)
                {
                    succeeded++;
                }
                else
                {
                    abandoned++;
                }
            }
        }

        return new ReconcileResult(succeeded, abandoned);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        // A background search-indexing pass holds or waits for the append connection; let it finish (it is short and
        // catches its own failures).
        _searchPass.Wait(TimeSpan.FromSeconds(30));
        _session?.Dispose();
        _session = null;
        _appendLock.Dispose();
    }

    private Task<bool> TryCompleteAsync(long id, AuditCompletion completion, CancellationToken cancellationToken)
        => AppendAsync(async (session, now, ct) =>
        {
            // Only the id and the begin hash: the completion record covers nothing else of the begin record.
            var entry = await session.ReadPendingAsync(id, ct).ConfigureAwait(false);
            if (entry is null)
            {
                return false;
            }

            ApplyCompletion(entry, completion, session.Head, now);
            await session.CompleteAsync(entry, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static AuditEntry NewBeginRecord(AuditEntry source, ChainHead head, DateTime now)
    {
        var entry = new AuditEntry
        {
            Id = head.LastEntryId + 1,
            Sequence = head.Sequence + 1,
            PreviousHash = head.Hash,
            CorrelationId = source.CorrelationId,
            Step = source.Step,
            RequestedUtc = now,
            ActorUserName = source.ActorUserName,
            ActorDisplayName = source.ActorDisplayName,
            ActorAuthMethod = source.ActorAuthMethod,
            ActorGroups = [.. source.ActorGroups],
            ImpersonatedUser = source.ImpersonatedUser,
            SourceIp = source.SourceIp,
            UserAgent = source.UserAgent,
            Action = source.Action,
            TargetKind = source.TargetKind,
            TargetNamespace = source.TargetNamespace,
            TargetName = source.TargetName,
            TargetUid = source.TargetUid,
            ResourceVersionBefore = source.ResourceVersionBefore,
            RequestBody = source.RequestBody,
            BeforeState = source.BeforeState,
            DryRunResult = source.DryRunResult,
            PredictedImpact = source.PredictedImpact,
            FieldManager = source.FieldManager,
            Outcome = AuditOutcome.Pending,
        };
        entry.EntryHash = AuditHasher.ComputeBeginHash(entry);
        return entry;
    }

    private static void ApplyCompletion(AuditEntry entry, AuditCompletion completion, ChainHead head, DateTime now)
    {
        Debug.Assert(entry.CompletionSequence is null, "An entry is completed once.");
        entry.Outcome = completion.Outcome;
        entry.CompletedUtc = now;
        entry.HttpStatus = completion.HttpStatus;
        entry.Message = completion.Message;
        entry.ApiAuditId = completion.ApiAuditId;
        entry.ResourceVersionAfter = completion.ResourceVersionAfter;
        entry.AfterState = completion.AfterState;
        entry.ObservedImpact = completion.ObservedImpact;
        entry.CompletionSequence = head.Sequence + 1;
        entry.CompletionPreviousHash = head.Hash;
        entry.CompletionHash = AuditHasher.ComputeCompletionHash(entry);
    }

    // The chain head computed from the entries, for a database whose head row is missing or stale. Each subquery is an
    // index seek: Sequence, CompletionSequence and ThroughSequence are indexed, Id is the primary key.
    private const string HeadSql = """
        SELECT
          (SELECT Sequence FROM AuditEntries ORDER BY Sequence DESC LIMIT 1),
          (SELECT EntryHash FROM AuditEntries ORDER BY Sequence DESC LIMIT 1),
          (SELECT CompletionSequence FROM AuditEntries WHERE CompletionSequence IS NOT NULL ORDER BY CompletionSequence DESC LIMIT 1),
          (SELECT CompletionHash FROM AuditEntries WHERE CompletionSequence IS NOT NULL ORDER BY CompletionSequence DESC LIMIT 1),
          (SELECT ThroughSequence FROM AuditCheckpoints ORDER BY ThroughSequence DESC LIMIT 1),
          (SELECT LastHash FROM AuditCheckpoints ORDER BY ThroughSequence DESC LIMIT 1),
          (SELECT LastEntryId FROM AuditCheckpoints ORDER BY ThroughSequence DESC LIMIT 1),
          (SELECT MAX(Id) FROM AuditEntries)
        """;

    // AuditUnavailableException: the store's initialization failed (WhenInitializedAsync); each operation names itself.
    private static bool IsStoreFailure(Exception ex)
        => ex is DbException or DbUpdateException or IOException or UnauthorizedAccessException or AuditUnavailableException;

}
