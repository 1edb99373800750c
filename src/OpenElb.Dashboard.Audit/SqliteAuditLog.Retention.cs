using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    /// <summary>
    /// Applies <see cref="AuditOptions.RetentionDays"/>: does nothing when it is null (keep forever), otherwise
    /// <see cref="PruneAsync"/> with that many days.
    /// </summary>
    public Task<PruneResult> ApplyRetentionAsync(CancellationToken cancellationToken = default)
        => _options.RetentionDays is { } days
            ? PruneAsync(days, cancellationToken)
            : Task.FromResult(new PruneResult(0, null));

    /// <summary>
    /// Deletes completed entries requested more than <paramref name="olderThanDays"/> days ago, together with a
    /// checkpoint holding the hash of the last deleted chain record, in one transaction, so that
    /// <see cref="VerifyChainAsync"/> verifies the rest from the checkpoint.
    /// </summary>
    /// <remarks>
    /// Only a prefix of the chain can go: pruning stops at the first record of an entry that must stay (too young, or
    /// still pending) and at any entry whose completion record lies after such a record, so an old entry completed late
    /// may outlive the cut-off until a later prune. Thread-safe; serialized with appends.
    /// </remarks>
    /// <exception cref="AuditUnavailableException">Nothing was pruned.</exception>
    public async Task<PruneResult> PruneAsync(int olderThanDays, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(olderThanDays);
        try
        {
            return await AppendAsync(async (context, head, now, ct) =>
            {
                var cutoff = now - TimeSpan.FromDays(olderThanDays);
                var rows = await context.Entries.AsNoTracking()
                    .Select(e => new PruneRow(e.Sequence, e.CompletionSequence, e.RequestedUtc, e.Outcome, e.EntryHash, e.CompletionHash))
                    .ToListAsync(ct).ConfigureAwait(false);
                var records = new List<(long Sequence, PruneRow Row, bool IsBegin)>(rows.Count * 2);
                foreach (var row in rows)
                {
                    records.Add((row.Sequence, row, true));
                    if (row.CompletionSequence is { } completionSequence)
                    {
                        records.Add((completionSequence, row, false));
                    }
                }

                records.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
                var open = 0;
                var lastSafe = -1;
                var prunedEntries = 0;
                var prunedAtLastSafe = 0;
                for (var i = 0; i < records.Count; i++)
                {
                    var (_, row, isBegin) = records[i];
                    if (row.RequestedUtc >= cutoff || row.Outcome == AuditOutcome.Pending)
                    {
                        break;
                    }

                    if (isBegin)
                    {
                        prunedEntries++;
                        open++;
                    }
                    else
                    {
                        open--;
                    }

                    // A cut is only safe where no entry has its begin record before it and its completion after it.
                    if (open == 0)
                    {
                        lastSafe = i;
                        prunedAtLastSafe = prunedEntries;
                    }
                }

                if (lastSafe < 0)
                {
                    return new PruneResult(0, null);
                }

                var (throughSequence, lastRow, lastIsBegin) = records[lastSafe];
                var checkpoint = new AuditCheckpoint
                {
                    CreatedUtc = now,
                    PrunedBeforeUtc = cutoff,
                    PrunedEntries = prunedAtLastSafe,
                    ThroughSequence = throughSequence,
                    LastHash = lastIsBegin ? lastRow.EntryHash : lastRow.CompletionHash!,
                    LastEntryId = head.LastEntryId,
                };
                // Every entry that begins at or before the cut also completes before it (open == 0 there).
                var deleted = await context.Entries.Where(e => e.Sequence <= throughSequence)
                    .ExecuteDeleteAsync(ct).ConfigureAwait(false);
                Debug.Assert(deleted == prunedAtLastSafe, "The cut deletes exactly the counted entries.");
                context.Checkpoints.Add(checkpoint);
                return new PruneResult(deleted, checkpoint);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The audit log could not be pruned: {ex.Message}", ex);
        }
    }

    private sealed record PruneRow(
        long Sequence, long? CompletionSequence, DateTime RequestedUtc, AuditOutcome Outcome, string EntryHash, string? CompletionHash);
}
