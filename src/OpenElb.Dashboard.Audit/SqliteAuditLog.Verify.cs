using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    /// <summary>
    /// Verifies the hash chain from the latest retention checkpoint (or the genesis) and names the first entry that
    /// does not verify. Two passes: every entry must hash to its stored hashes (in id order), then every chain record
    /// must link to its predecessor with no gap in the sequence numbers (in sequence order).
    /// </summary>
    /// <remarks>
    /// Reads the whole table in one context; a tail truncation (deleting the newest entries) is not detectable from
    /// the chain alone. Thread-safe; runs beside writers and sees one committed state.
    /// </remarks>
    public async Task<ChainVerification> VerifyChainAsync(CancellationToken cancellationToken = default)
    {
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        // One deferred (read) transaction: a consistent WAL snapshot without taking the write lock from appenders.
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var transaction = ((SqliteConnection)context.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await context.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        var checkpoint = await context.Checkpoints.AsNoTracking()
            .OrderByDescending(c => c.ThroughSequence)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        List<AuditEntry> entries;
        try
        {
            entries = await context.Entries.AsNoTracking().OrderBy(e => e.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            // A value that no longer parses (an unknown enum name, a malformed time or id) was not written by the log.
            return await FindUnreadableEntryAsync(context, cancellationToken).ConfigureAwait(false);
        }

        foreach (var entry in entries)
        {
            if (!string.Equals(entry.EntryHash, AuditHasher.ComputeBeginHash(entry), StringComparison.Ordinal))
            {
                return Broken(0, entry, "the begin record does not match its hash");
            }

            if (entry.CompletionSequence is null)
            {
                if (entry.Outcome != AuditOutcome.Pending || entry.CompletedUtc is not null || entry.HttpStatus is not null
                    || entry.Message is not null || entry.ApiAuditId is not null || entry.ResourceVersionAfter is not null
                    || entry.AfterState is not null || entry.ObservedImpact is not null
                    || entry.CompletionPreviousHash is not null || entry.CompletionHash is not null)
                {
                    return Broken(0, entry, "outcome fields are set without a completion record");
                }
            }
            else if (!string.Equals(entry.CompletionHash, AuditHasher.ComputeCompletionHash(entry), StringComparison.Ordinal))
            {
                return Broken(0, entry, "the completion record does not match its hash");
            }
        }

        var records = new List<(long Sequence, AuditEntry Entry, bool IsBegin)>(entries.Count * 2);
        foreach (var entry in entries)
        {
            records.Add((entry.Sequence, entry, true));
            if (entry.CompletionSequence is { } completionSequence)
            {
                records.Add((completionSequence, entry, false));
            }
        }

        records.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var previousHash = checkpoint?.LastHash ?? AuditHasher.GenesisHash;
        var expected = (checkpoint?.ThroughSequence ?? 0) + 1;
        var checkedCount = 0;
        foreach (var (sequence, entry, isBegin) in records)
        {
            if (sequence != expected)
            {
                return Broken(checkedCount, entry, sequence < expected
                    ? $"chain record {sequence} appears twice or precedes the checkpoint"
                    : $"chain record {expected} is missing before this entry's record {sequence}");
            }

            var link = isBegin ? entry.PreviousHash : entry.CompletionPreviousHash;
            if (!string.Equals(link, previousHash, StringComparison.Ordinal))
            {
                return Broken(checkedCount, entry, $"chain record {sequence} does not link to the record before it");
            }

            previousHash = isBegin ? entry.EntryHash : entry.CompletionHash!;
            expected++;
            checkedCount++;
        }

        return new ChainVerification(true, checkedCount, null, null);

        static ChainVerification Broken(int checkedCount, AuditEntry entry, string reason)
            => new(false, checkedCount, entry.Id, $"Entry {entry.Id}: {reason}.");
    }

    // Materialization failures (EF Core reports unknown enum names and malformed JSON as InvalidOperationException,
    // times and ids as FormatException) come from the stored values; store and cancellation failures do not.
    private static bool IsUnreadable(Exception ex) => ex is not (OperationCanceledException or DbException);

    private static async Task<ChainVerification> FindUnreadableEntryAsync(AuditDbContext context, CancellationToken cancellationToken)
    {
        var ids = await context.Entries.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
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
