using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    private const int VerifyBatchSize = 1000;

    /// <summary>
    /// Verifies the hash chain from the latest retention checkpoint (or the genesis) and names the first entry that
    /// does not verify. Two passes: every entry must hash to its stored hashes (in id order), then every chain record
    /// must link to its predecessor with no gap in the sequence numbers (in sequence order); finally the chain must
    /// end where the chain-head row says it does.
    /// </summary>
    /// <remarks>
    /// Memory does not grow with the table: the first pass reads entries in keyset batches of
    /// <see cref="VerifyBatchSize"/> ids, the second streams (sequence, link, hash) tuples merged from the two sequence
    /// indexes. Deleting the newest entries is detected through the head row unless the head row is rewritten (or
    /// deleted) too. Thread-safe; runs beside writers and sees one committed state (one read transaction).
    /// </remarks>
    public async Task<ChainVerification> VerifyChainAsync(CancellationToken cancellationToken = default)
    {
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        // One deferred (read) transaction: a consistent WAL snapshot without taking the write lock from appenders.
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = (SqliteConnection)context.Database.GetDbConnection();
        var transaction = connection.BeginTransaction(deferred: true);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await context.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        var checkpoint = await context.Checkpoints.AsNoTracking()
            .OrderByDescending(c => c.ThroughSequence)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        long afterId = 0;
        while (true)
        {
            List<AuditEntry> batch;
            try
            {
                var from = afterId;
                batch = await context.Entries.AsNoTracking().Where(e => e.Id > from).OrderBy(e => e.Id).Take(VerifyBatchSize)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnreadable(ex))
            {
                // A value that no longer parses (an unknown enum name, a malformed time or id) was not written by the log.
                return await FindUnreadableEntryAsync(context, afterId, cancellationToken).ConfigureAwait(false);
            }

            foreach (var entry in batch)
            {
                if (CheckHashes(entry) is { } reason)
                {
                    return Broken(0, entry.Id, reason);
                }
            }

            if (batch.Count < VerifyBatchSize)
            {
                break;
            }

            afterId = batch[^1].Id;
        }

        var previousHash = checkpoint?.LastHash ?? AuditHasher.GenesisHash;
        var expected = (checkpoint?.ThroughSequence ?? 0) + 1;
        var checkedCount = 0;
        var records = connection.CreateCommand();
        await using (records.ConfigureAwait(false))
        {
            records.Transaction = transaction;
            records.CommandText = ChainRecordsSql("");
            records.Parameters.AddWithValue("$after", 0);
            var reader = await records.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var record = ChainRecord.Read(reader);
                if (record.Sequence != expected)
                {
                    return Broken(checkedCount, record.EntryId, record.Sequence < expected
                        ? $"chain record {record.Sequence} appears twice or precedes the checkpoint"
                        : $"chain record {expected} is missing before this entry's record {record.Sequence}");
                }

                if (!string.Equals(record.Link, previousHash, StringComparison.Ordinal))
                {
                    return Broken(checkedCount, record.EntryId, $"chain record {record.Sequence} does not link to the record before it");
                }

                previousHash = record.Hash!;
                expected++;
                checkedCount++;
            }
        }

        var head = connection.CreateCommand();
        await using (head.ConfigureAwait(false))
        {
            head.Transaction = transaction;
            head.CommandText = "SELECT Sequence, Hash FROM AuditChainHead WHERE Id = 1";
            var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            // A head row behind the chain is stale, not broken (an older version of the log appended); the next append
            // moves it. A missing row cannot tell anything.
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var headSequence = reader.GetInt64(0);
                var last = expected - 1;
                if (headSequence > last)
                {
                    return new ChainVerification(false, checkedCount, null,
                        $"The chain ends at record {last}, but its head row names record {headSequence}: the newest entries were deleted.");
                }

                if (headSequence == last && !string.Equals(reader.GetString(1), previousHash, StringComparison.Ordinal))
                {
                    return new ChainVerification(false, checkedCount, null,
                        $"The last chain record {last} does not match the hash in the head row.");
                }
            }
        }

        return new ChainVerification(true, checkedCount, null, null);

        static ChainVerification Broken(int checkedCount, long entryId, string reason)
            => new(false, checkedCount, entryId, $"Entry {entryId}: {reason}.");
    }

    // Why the entry's stored hashes do not cover its values; null when they do.
    private static string? CheckHashes(AuditEntry entry)
    {
        if (!string.Equals(entry.EntryHash, AuditHasher.ComputeBeginHash(entry), StringComparison.Ordinal))
        {
            return "the begin record does not match its hash";
        }

        if (entry.CompletionSequence is null)
        {
            if (entry.Outcome != AuditOutcome.Pending || entry.CompletedUtc is not null || entry.HttpStatus is not null
                || entry.Message is not null || entry.ApiAuditId is not null || entry.ResourceVersionAfter is not null
                || entry.AfterState is not null || entry.ObservedImpact is not null
                || entry.CompletionPreviousHash is not null || entry.CompletionHash is not null)
            {
                return "outcome fields are set without a completion record";
            }
        }
        else if (!string.Equals(entry.CompletionHash, AuditHasher.ComputeCompletionHash(entry), StringComparison.Ordinal))
        {
            return "the completion record does not match its hash";
        }

        return null;
    }

    // Chain records (begin and completion) after $after in sequence order, merged from the two unique sequence indexes
    // (SQLite merges the ordered arms of a compound SELECT; nothing is sorted or buffered). Columns: see ChainRecord,
    // then extraColumns.
    private static string ChainRecordsSql(string extraColumns) => $"""
        SELECT Sequence, Id, 1, PreviousHash, EntryHash{extraColumns} FROM AuditEntries WHERE Sequence > $after
        UNION ALL
        SELECT CompletionSequence, Id, 0, CompletionPreviousHash, CompletionHash{extraColumns} FROM AuditEntries WHERE CompletionSequence > $after
        ORDER BY 1
        """;

    private readonly record struct ChainRecord(long Sequence, long EntryId, bool IsBegin, string? Link, string? Hash)
    {
        public const int FieldCount = 5;

        public static ChainRecord Read(SqliteDataReader reader) => new(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2) == 1,
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    // Materialization failures (EF Core reports unknown enum names and malformed JSON as InvalidOperationException,
    // times and ids as FormatException) come from the stored values; store and cancellation failures do not.
    private static bool IsUnreadable(Exception ex) => ex is not (OperationCanceledException or DbException);

    // Reads the batch after afterId one entry at a time to name the one that fails.
    private static async Task<ChainVerification> FindUnreadableEntryAsync(
        AuditDbContext context, long afterId, CancellationToken cancellationToken)
    {
        var ids = await context.Entries.AsNoTracking().Where(e => e.Id > afterId).OrderBy(e => e.Id).Select(e => e.Id)
            .Take(VerifyBatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            try
            {
                await context.Entries.AsNoTracking().SingleAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnreadable(ex))
            {
                return new ChainVerification(false, 0, id, $"Entry {id}: a stored value cannot be read ({ex.Message}).");
            }
        }

        throw new InvalidOperationException("The audit entries could not be read, but no single entry fails on its own.");
    }
}
