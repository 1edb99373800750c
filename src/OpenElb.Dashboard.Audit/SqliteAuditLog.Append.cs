using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    // Guarded by _appendLock. Opened at the first append, kept for the log's lifetime, dropped after any failure (the
    // next append opens a fresh one).
    private AppendSession? _session;

    // Appends waiting for the next group commit (see AppendAsync).
    private readonly System.Collections.Concurrent.ConcurrentQueue<QueuedAppend> _appendQueue = new();

    // Group commit. Each append is queued; whoever holds the append lock commits every queued append in ONE IMMEDIATE
    // transaction (one fsync for all of them), each inside its own savepoint so that one failing append fails alone.
    // Every caller returns only after the transaction holding its record has committed, so the write-ahead contract
    // holds: a pending entry is on disk before BeginAsync returns. The write lock is taken before the chain head is
    // read, so two writers (threads or processes) never link to the same head; the head row is written in the same
    // transaction. One sequential caller sees one transaction per append, as before; concurrent callers share fsyncs.
    private async Task<T> AppendAsync<T>(
        Func<AppendSession, DateTime, CancellationToken, Task<T>> append, CancellationToken cancellationToken)
    {
        // Never before the migrations ran (the start-up initializes in the background).
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var item = new QueuedAppend(async (session, now, ct) => await append(session, now, ct).ConfigureAwait(false), cancellationToken);
        _appendQueue.Enqueue(item);
        try
        {
            await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (item.TryCancel())
        {
            // Not yet taken by a group: it never will be.
            throw;
        }
        catch (OperationCanceledException)
        {
            // Another caller's group already took this append: its result is what happened.
            return (T)(await item.Result.ConfigureAwait(false))!;
        }
        try
        {
            if (!item.Result.IsCompleted)
            {
                await CommitGroupAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _appendLock.Release();
        }
        return (T)(await item.Result.ConfigureAwait(false))!;
    }

    // Under the append lock: takes every queued append and commits them together.
    private async Task CommitGroupAsync()
    {
        var group = new List<QueuedAppend>();
        while (_appendQueue.TryDequeue(out var queued))
        {
            if (queued.TryTake())
            {
                group.Add(queued);
            }
        }
        if (group.Count == 0)
        {
            return;
        }
        var results = new object?[group.Count];
        var failures = new Exception?[group.Count];
        var session = _session;
        try
        {
            session = _session ??= await OpenSessionAsync(CancellationToken.None).ConfigureAwait(false);
            var transaction = session.Connection.BeginTransaction(deferred: false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            session.Enlist(transaction);
            await session.ReadHeadAsync(CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
            {
                var item = group[i];
                if (item.CancellationToken.IsCancellationRequested)
                {
                    failures[i] = new OperationCanceledException(item.CancellationToken);
                    continue;
                }
                if (group.Count == 1)
                {
                    // Alone in its group: a failure rolls back the whole transaction (below), no savepoint needed.
                    results[i] = await item.Append(session, _timeProvider.GetUtcNow().UtcDateTime, item.CancellationToken).ConfigureAwait(false);
                    continue;
                }
                var head = session.Head;
                var savepoint = "a" + i.ToString(CultureInfo.InvariantCulture);
                await transaction.SaveAsync(savepoint).ConfigureAwait(false);
                try
                {
                    // Stamped under the lock, so requested times are monotonic in id order (given a monotonic clock).
                    var now = _timeProvider.GetUtcNow().UtcDateTime;
                    results[i] = await item.Append(session, now, item.CancellationToken).ConfigureAwait(false);
                    await transaction.ReleaseAsync(savepoint).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not SqliteException { SqliteErrorCode: 10 or 11 or 13 })
                {
                    // This append's own failure (e.g. completing an entry twice): undo it alone, keep the others.
                    await transaction.RollbackAsync(savepoint).ConfigureAwait(false);
                    await transaction.ReleaseAsync(savepoint).ConfigureAwait(false);
                    session.RestoreHead(head);
                    failures[i] = ex;
                }
            }
            await session.WriteHeadAsync(CancellationToken.None).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            ScheduleSearchIndexing(session.Head.LastEntryId);
        }
#pragma warning disable CA1031 // Handed to every caller of the group, each of which rethrows it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Nothing of the group was committed. The connection may be in any state (busy, I/O error, corrupt file):
            // start over next time.
            _session = null;
            session?.Dispose();
            foreach (var item in group)
            {
                item.Fail(ex);
            }
            return;
        }
        for (var i = 0; i < group.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                group[i].Fail(failure);
            }
            else
            {
                group[i].Succeed(results[i]);
            }
        }
    }

    private sealed class QueuedAppend(Func<AppendSession, DateTime, CancellationToken, Task<object?>> append, CancellationToken cancellationToken)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private readonly TaskCompletionSource<object?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;

        public Func<AppendSession, DateTime, CancellationToken, Task<object?>> Append { get; } = append;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public Task<object?> Result => _result.Task;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;

        public void Succeed(object? value) => _result.TrySetResult(value);

        public void Fail(Exception exception)
        {
            if (exception is OperationCanceledException cancelled)
            {
                _result.TrySetCanceled(cancelled.CancellationToken);
            }
            else
            {
                _result.TrySetException(exception);
            }
        }
    }

    /// <summary>
    /// Appends many entries, <paramref name="batchSize"/> per transaction: each a begin record, followed at once by its
    /// completion record when the completion is not null. Every entry is stamped with its own reading of the clock.
    /// Returns the last id. Internal for benchmarks (building a large log through the real append path).
    /// </summary>
    internal async Task<long> AppendBulkAsync(
        IEnumerable<(AuditEntry Entry, AuditCompletion? Completion)> entries, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long lastId = 0;
        foreach (var batch in entries.Chunk(batchSize))
        {
            lastId = await AppendAsync(async (session, _, ct) =>
            {
                // Random inserts into eight indexes and the search index thrash SQLite's default 2 MB page cache.
                await SetCacheSizeAsync(session, BulkCacheKiB, ct).ConfigureAwait(false);
                foreach (var (source, completion) in batch)
                {
                    var now = _timeProvider.GetUtcNow().UtcDateTime;
                    var entry = NewBeginRecord(source, session.Head, now);
                    if (completion is not null)
                    {
                        ApplyCompletion(entry, completion, new ChainHead(entry.Sequence, entry.EntryHash, entry.Id), now);
                    }

                    await session.InsertAsync(entry, ct).ConfigureAwait(false);
                }

                return session.Head.LastEntryId;
            }, cancellationToken).ConfigureAwait(false);
        }

        await CatchUpSearchIndexAsync(cancellationToken).ConfigureAwait(false);
        await AppendAsync(async (session, _, ct) =>
        {
            await SetCacheSizeAsync(session, DefaultCacheKiB, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return lastId;
    }

    private const int BulkCacheKiB = 256 * 1024;
    private const int DefaultCacheKiB = 2000;

    private static async Task SetCacheSizeAsync(AppendSession session, int kibibytes, CancellationToken cancellationToken)
    {
        var pragma = session.CreateCommand(string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{kibibytes};"));
        await using (pragma.ConfigureAwait(false))
        {
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AppendSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        // The factory's connection string (not the options), so the append connection opens the same file with the same
        // settings as every context.
        string connectionString;
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            connectionString = context.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The audit context has no connection string.");
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var pragmas = connection.CreateCommand();
            await using (pragmas.ConfigureAwait(false))
            {
                // busy_timeout: wait for another writer's lock. synchronous=FULL: a commit is on disk (the WAL fsynced)
                // before BeginAsync returns, which the write-ahead contract needs; NORMAL could lose the last commits
                // on power loss. FULL is SQLite's default; it is set so that the guarantee does not depend on how the
                // native library was built.
                pragmas.CommandText = string.Create(CultureInfo.InvariantCulture,
                    $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL;");
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new AppendSession(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The append connection, its prepared commands and the chain head read in the current transaction. Not
    /// thread-safe: used under the append lock only.
    /// </summary>
    private sealed class AppendSession : IDisposable
    {
        // Checks that the head row is still the head: an older version of the log appends without updating it.
        private const string ReadHeadSql = """
            SELECT Sequence, Hash, LastEntryId,
              EXISTS (SELECT 1 FROM AuditEntries WHERE Sequence > h.Sequence)
              OR EXISTS (SELECT 1 FROM AuditEntries WHERE CompletionSequence > h.Sequence)
              OR EXISTS (SELECT 1 FROM AuditEntries WHERE Id > h.LastEntryId)
            FROM AuditChainHead AS h WHERE Id = 1
            """;

        private const string WriteHeadSql = """
            INSERT INTO AuditChainHead (Id, Sequence, Hash, LastEntryId) VALUES (1, $sequence, $hash, $lastEntryId)
            ON CONFLICT (Id) DO UPDATE SET Sequence = excluded.Sequence, Hash = excluded.Hash, LastEntryId = excluded.LastEntryId
            """;

        private const string InsertSql = """
            INSERT INTO AuditEntries (
              Id, Sequence, CorrelationId, Step, RequestedUtc, ActorUserName, ActorDisplayName, ActorAuthMethod,
              ActorGroups, ImpersonatedUser, SourceIp, UserAgent, Action, TargetKind, TargetNamespace, TargetName,
              TargetUid, ResourceVersionBefore, RequestBody, BeforeState, DryRunResult, PredictedImpact, FieldManager,
              PreviousHash, EntryHash, Outcome, CompletedUtc, HttpStatus, Message, ApiAuditId, ResourceVersionAfter,
              AfterState, ObservedImpact, CompletionSequence, CompletionPreviousHash, CompletionHash)
            VALUES (
              $Id, $Sequence, $CorrelationId, $Step, $RequestedUtc, $ActorUserName, $ActorDisplayName, $ActorAuthMethod,
              $ActorGroups, $ImpersonatedUser, $SourceIp, $UserAgent, $Action, $TargetKind, $TargetNamespace, $TargetName,
              $TargetUid, $ResourceVersionBefore, $RequestBody, $BeforeState, $DryRunResult, $PredictedImpact, $FieldManager,
              $PreviousHash, $EntryHash, $Outcome, $CompletedUtc, $HttpStatus, $Message, $ApiAuditId, $ResourceVersionAfter,
              $AfterState, $ObservedImpact, $CompletionSequence, $CompletionPreviousHash, $CompletionHash)
            """;

        private const string ReadPendingSql = "SELECT EntryHash, Outcome, CompletionSequence FROM AuditEntries WHERE Id = $id";

        private const string CompleteSql = """
            UPDATE AuditEntries SET
              Outcome = $Outcome, CompletedUtc = $CompletedUtc, HttpStatus = $HttpStatus, Message = $Message,
              ApiAuditId = $ApiAuditId, ResourceVersionAfter = $ResourceVersionAfter, AfterState = $AfterState,
              ObservedImpact = $ObservedImpact, CompletionSequence = $CompletionSequence,
              CompletionPreviousHash = $CompletionPreviousHash, CompletionHash = $CompletionHash
            WHERE Id = $Id AND CompletionSequence IS NULL
            """;

        private readonly SqliteCommand _readHead;
        private readonly SqliteCommand _recomputeHead;
        private readonly SqliteCommand _writeHead;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _readPending;
        private readonly SqliteCommand _complete;
        private ChainHead _storedHead;

        public AppendSession(SqliteConnection connection)
        {
            Connection = connection;
            _readHead = Command(ReadHeadSql);
            _recomputeHead = Command(HeadSql);
            _writeHead = Command(WriteHeadSql, "$sequence", "$hash", "$lastEntryId");
            _insert = Command(InsertSql, s_entryColumns.Select(c => "$" + c).ToArray());
            _readPending = Command(ReadPendingSql, "$id");
            _complete = Command(CompleteSql, "$Id", "$Outcome", "$CompletedUtc", "$HttpStatus", "$Message", "$ApiAuditId",
                "$ResourceVersionAfter", "$AfterState", "$ObservedImpact", "$CompletionSequence", "$CompletionPreviousHash",
                "$CompletionHash");
        }

        public SqliteConnection Connection { get; }

        /// <summary>The chain head inside the current transaction; moved by each record appended.</summary>
        public ChainHead Head { get; private set; }

        /// <summary>Puts the head back after an append was rolled back to its savepoint.</summary>
        public void RestoreHead(ChainHead head) => Head = head;

        /// <summary>The current append transaction.</summary>
        public SqliteTransaction? Transaction { get; private set; }

        /// <summary>An unprepared command in the current transaction, for rare statements (prune).</summary>
        public SqliteCommand CreateCommand(string sql)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = Transaction;
            return command;
        }

        public void Enlist(SqliteTransaction transaction)
        {
            Transaction = transaction;
            foreach (var command in new[] { _readHead, _recomputeHead, _writeHead, _insert, _readPending, _complete })
            {
                command.Transaction = transaction;
            }
        }

        public async Task ReadHeadAsync(CancellationToken cancellationToken)
        {
            bool stale;
            var reader = await _readHead.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                stale = !await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.GetBoolean(3);
                if (!stale)
                {
                    Head = new ChainHead(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2));
                }
            }

            if (stale)
            {
                Head = await ReadHeadFromEntriesAsync(_recomputeHead, cancellationToken).ConfigureAwait(false);
                // Forces the row to be written even if this append turns out to write nothing else.
                _storedHead = default;
            }
            else
            {
                _storedHead = Head;
            }
        }

        public async Task WriteHeadAsync(CancellationToken cancellationToken)
        {
            if (Head == _storedHead)
            {
                return;
            }

            _writeHead.Parameters[0].Value = Head.Sequence;
            _writeHead.Parameters[1].Value = Head.Hash;
            _writeHead.Parameters[2].Value = Head.LastEntryId;
            await _writeHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _storedHead = Head;
        }

        /// <summary>Inserts a new entry: its begin record and, when set (observed entries), its completion record.</summary>
        public async Task InsertAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            Debug.Assert(entry.Sequence == Head.Sequence + 1 && entry.Id > Head.LastEntryId, "A new entry follows the head.");
            var values = _insert.Parameters;
            var i = 0;
            values[i++].Value = entry.Id;
            values[i++].Value = entry.Sequence;
            values[i++].Value = StoredGuid(entry.CorrelationId);
            values[i++].Value = entry.Step;
            values[i++].Value = StoredTime(entry.RequestedUtc);
            values[i++].Value = entry.ActorUserName;
            values[i++].Value = Nullable(entry.ActorDisplayName);
            values[i++].Value = Nullable(entry.ActorAuthMethod);
            values[i++].Value = JsonSerializer.Serialize(entry.ActorGroups);
            values[i++].Value = Nullable(entry.ImpersonatedUser);
            values[i++].Value = Nullable(entry.SourceIp);
            values[i++].Value = Nullable(entry.UserAgent);
            values[i++].Value = entry.Action.ToString();
            values[i++].Value = entry.TargetKind;
            values[i++].Value = Nullable(entry.TargetNamespace);
            values[i++].Value = entry.TargetName;
            values[i++].Value = Nullable(entry.TargetUid);
            values[i++].Value = Nullable(entry.ResourceVersionBefore);
            values[i++].Value = Nullable(entry.RequestBody);
            values[i++].Value = Nullable(entry.BeforeState);
            values[i++].Value = Nullable(entry.DryRunResult);
            values[i++].Value = Nullable(entry.PredictedImpact);
            values[i++].Value = Nullable(entry.FieldManager);
            values[i++].Value = entry.PreviousHash;
            values[i++].Value = entry.EntryHash;
            i = SetCompletion(values, i, entry);
            Debug.Assert(i == s_entryColumns.Length, "Every column is bound.");
            await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Head = new ChainHead(entry.Sequence, entry.EntryHash, entry.Id);
            if (entry.CompletionSequence is { } completionSequence)
            {
                Head = Head with { Sequence = completionSequence, Hash = entry.CompletionHash! };
            }
        }

        /// <summary>
        /// The fields a completion record needs of entry <paramref name="id"/> (id and begin hash), or null when the
        /// entry does not exist or is not pending.
        /// </summary>
        public async Task<AuditEntry?> ReadPendingAsync(long id, CancellationToken cancellationToken)
        {
            _readPending.Parameters[0].Value = id;
            var reader = await _readPending.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    || !string.Equals(reader.GetString(1), nameof(AuditOutcome.Pending), StringComparison.Ordinal)
                    || !reader.IsDBNull(2))
                {
                    return null;
                }

                return new AuditEntry { Id = id, EntryHash = reader.GetString(0), Outcome = AuditOutcome.Pending };
            }
        }

        /// <summary>Writes the completion fields of <paramref name="entry"/> (see <see cref="ApplyCompletion"/>).</summary>
        public async Task CompleteAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            Debug.Assert(entry.CompletionSequence == Head.Sequence + 1, "A completion record follows the head.");
            var values = _complete.Parameters;
            values[0].Value = entry.Id;
            SetCompletion(values, 1, entry);
            var updated = await _complete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Debug.Assert(updated == 1, "The entry was read as pending in this transaction.");
            Head = Head with { Sequence = entry.CompletionSequence!.Value, Hash = entry.CompletionHash! };
        }

        public void Dispose()
        {
            foreach (var command in new[] { _readHead, _recomputeHead, _writeHead, _insert, _readPending, _complete })
            {
                command.Dispose();
            }

            Connection.Dispose();
        }

        private static int SetCompletion(SqliteParameterCollection values, int i, AuditEntry entry)
        {
            values[i++].Value = entry.Outcome.ToString();
            values[i++].Value = entry.CompletedUtc is { } completed ? StoredTime(completed) : DBNull.Value;
            values[i++].Value = entry.HttpStatus is { } status ? status : DBNull.Value;
            values[i++].Value = Nullable(entry.Message);
            values[i++].Value = Nullable(entry.ApiAuditId);
            values[i++].Value = Nullable(entry.ResourceVersionAfter);
            values[i++].Value = Nullable(entry.AfterState);
            values[i++].Value = Nullable(entry.ObservedImpact);
            values[i++].Value = entry.CompletionSequence is { } sequence ? sequence : DBNull.Value;
            values[i++].Value = Nullable(entry.CompletionPreviousHash);
            values[i++].Value = Nullable(entry.CompletionHash);
            return i;
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }

        private static object Nullable(string? value) => value is null ? DBNull.Value : value;
    }

    // The column order of AppendSession's insert.
    private static readonly string[] s_entryColumns =
    [
        "Id", "Sequence", "CorrelationId", "Step", "RequestedUtc", "ActorUserName", "ActorDisplayName", "ActorAuthMethod",
        "ActorGroups", "ImpersonatedUser", "SourceIp", "UserAgent", "Action", "TargetKind", "TargetNamespace", "TargetName",
        "TargetUid", "ResourceVersionBefore", "RequestBody", "BeforeState", "DryRunResult", "PredictedImpact", "FieldManager",
        "PreviousHash", "EntryHash", "Outcome", "CompletedUtc", "HttpStatus", "Message", "ApiAuditId", "ResourceVersionAfter",
        "AfterState", "ObservedImpact", "CompletionSequence", "CompletionPreviousHash", "CompletionHash",
    ];

    // The raw SQL paths must store values exactly as EF Core's SQLite provider does, because EF Core reads them back:
    // GUIDs as upper-case text, times as text in this format (UTC; the converter marks them UTC when read).
    internal static string StoredGuid(Guid value) => value.ToString("D").ToUpperInvariant();

    internal static string StoredTime(DateTime value)
        => (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value)
            .ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static async Task<ChainHead> ReadHeadFromEntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        ChainLink? lastBegin = reader.IsDBNull(0) ? null : new ChainLink(reader.GetInt64(0), reader.GetString(1));
        ChainLink? lastCompletion = reader.IsDBNull(2) ? null : new ChainLink(reader.GetInt64(2), reader.GetString(3));
        var checkpoint = reader.IsDBNull(4) ? null : new { ThroughSequence = reader.GetInt64(4), LastHash = reader.GetString(5), LastEntryId = reader.GetInt64(6) };
        var lastId = reader.IsDBNull(7) ? 0 : reader.GetInt64(7);

        var head = new ChainHead(0, AuditHasher.GenesisHash, Math.Max(lastId, checkpoint?.LastEntryId ?? 0));
        if (checkpoint is not null && checkpoint.ThroughSequence > head.Sequence)
        {
            head = head with { Sequence = checkpoint.ThroughSequence, Hash = checkpoint.LastHash };
        }

        foreach (var link in new[] { lastBegin, lastCompletion })
        {
            if (link is not null && link.Sequence > head.Sequence)
            {
                head = head with { Sequence = link.Sequence, Hash = link.Hash };
            }
        }

        return head;
    }

    private sealed record ChainLink(long Sequence, string Hash);

    private readonly record struct ChainHead(long Sequence, string Hash, long LastEntryId);
}
