using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    // The free-text index is filled behind the appends, not inside them (migration DeferredSearchIndex): trigram-indexing
    // an entry in its own durable commit cost a third of a begin + complete pair. AuditSearchProgress holds the highest
    // entry id the index covers; queries match the entries above it row by row (AuditTextMatch), so search stays exact
    // whether or not an entry has been indexed yet. Once SearchIndexBatch entries are uncovered, one background pass
    // indexes them, SearchIndexChunk per transaction, through the append queue (so it shares commits with appends and
    // never races them for SQLite's write lock).

    /// <summary>Uncovered entries that start a background indexing pass. Internal for tests.</summary>
    internal int SearchIndexBatch { get; set; } = 256;

    private const int SearchIndexChunk = 2_000;

    private const string ReadSearchProgressSql = "SELECT COALESCE((SELECT IndexedThroughId FROM AuditSearchProgress WHERE Id = 1), 0)";

    private const string SearchChunkSql = "SELECT COUNT(*), MAX(Id) FROM (SELECT Id FROM AuditEntries WHERE Id > $covered ORDER BY Id LIMIT $chunk)";

    private const string IndexSearchChunkSql = """
        INSERT INTO AuditEntriesSearch (rowid, ActorUserName, ActorDisplayName, TargetName, TargetNamespace, Message, RequestBody, FieldManager)
          SELECT Id, ActorUserName, ActorDisplayName, TargetName, TargetNamespace, Message, RequestBody, FieldManager
          FROM AuditEntries WHERE Id > $covered AND Id <= $through ORDER BY Id;
        INSERT INTO AuditSearchProgress (Id, IndexedThroughId) VALUES (1, $through)
          ON CONFLICT (Id) DO UPDATE SET IndexedThroughId = excluded.IndexedThroughId;
        """;

    // The progress mark as last seen by this instance (another process may have moved it further).
    private long _searchCoveredId;
    private int _searchPassRunning;
    private Task _searchPass = Task.CompletedTask;
    private volatile bool _disposed;

    /// <summary>
    /// Indexes every entry the free-text index does not cover yet (one transaction per <see cref="SearchIndexChunk"/>
    /// entries, queued with the appends) and returns how many it indexed. Internal for tests and the benchmark driver.
    /// </summary>
    internal async Task<long> CatchUpSearchIndexAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var (indexed, covered) = await AppendAsync(IndexSearchChunkAsync, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _searchCoveredId, covered);
            total += indexed;
            if (indexed < SearchIndexChunk)
            {
                return total;
            }
        }
    }

    // Starts a background pass when enough entries are uncovered and none is running. Search stays exact meanwhile.
    private void ScheduleSearchIndexing(long lastEntryId)
    {
        if (_disposed || lastEntryId - Volatile.Read(ref _searchCoveredId) < SearchIndexBatch
            || Interlocked.CompareExchange(ref _searchPassRunning, 1, 0) != 0)
        {
            return;
        }

        _searchPass = Task.Run(async () =>
        {
            try
            {
                await CatchUpSearchIndexAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: uncovered entries are matched row by row; the next append past the batch retries.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            finally
            {
                Volatile.Write(ref _searchPassRunning, 0);
            }
        });
    }

    // Reads the progress mark at start-up and starts a pass if the log has fallen behind (e.g. a crash mid-pass).
    private async Task StartSearchIndexingAsync(CancellationToken cancellationToken)
    {
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = $"SELECT ({ReadSearchProgressSql}), COALESCE((SELECT MAX(Id) FROM AuditEntries), 0)";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _searchCoveredId, reader.GetInt64(0));
                ScheduleSearchIndexing(reader.GetInt64(1));
            }
        }
    }

    private static async Task<(long Indexed, long Covered)> IndexSearchChunkAsync(
        AppendSession session, DateTime now, CancellationToken cancellationToken)
    {
        long covered;
        var read = session.CreateCommand(ReadSearchProgressSql);
        await using (read.ConfigureAwait(false))
        {
            covered = (long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        long count, through;
        var chunk = session.CreateCommand(SearchChunkSql);
        await using (chunk.ConfigureAwait(false))
        {
            chunk.Parameters.AddWithValue("$covered", covered);
            chunk.Parameters.AddWithValue("$chunk", SearchIndexChunk);
            var reader = await chunk.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                count = reader.GetInt64(0);
                through = count == 0 ? covered : reader.GetInt64(1);
            }
        }

        if (count == 0)
        {
            return (0, covered);
        }

        var index = session.CreateCommand(IndexSearchChunkSql);
        await using (index.ConfigureAwait(false))
        {
            index.Parameters.AddWithValue("$covered", covered);
            index.Parameters.AddWithValue("$through", through);
            await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (count, through);
    }
}
