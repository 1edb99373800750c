using System.Diagnostics;

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
            return await AppendAsync(async (session, now, ct) =>
            {
                var cutoff = now - TimeSpan.FromDays(olderThanDays);
                var cut = await FindPruneCutAsync(session, cutoff, ct).ConfigureAwait(false);
                if (cut is null)
                {
                    return new PruneResult(0, null);
                }

                var checkpoint = new AuditCheckpoint
                {
                    CreatedUtc = now,
                    PrunedBeforeUtc = cutoff,
                    PrunedEntries = cut.Entries,
                    ThroughSequence = cut.ThroughSequence,
                    LastHash = cut.LastHash,
                    LastEntryId = session.Head.LastEntryId,
                };
                // Every entry that begins at or before the cut also completes before it, so the begin sequence decides.
                var delete = session.CreateCommand("DELETE FROM AuditEntries WHERE Sequence <= $through");
                int deleted;
                await using (delete.ConfigureAwait(false))
                {
                    delete.Parameters.AddWithValue("$through", cut.ThroughSequence);
                    deleted = await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                Debug.Assert(deleted == cut.Entries, "The cut deletes exactly the counted entries.");
                var insert = session.CreateCommand("""
                    INSERT INTO AuditCheckpoints (CreatedUtc, PrunedBeforeUtc, PrunedEntries, ThroughSequence, LastHash, LastEntryId)
                    VALUES ($created, $before, $entries, $through, $hash, $lastEntryId) RETURNING Id
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.AddWithValue("$created", StoredTime(checkpoint.CreatedUtc));
                    insert.Parameters.AddWithValue("$before", StoredTime(checkpoint.PrunedBeforeUtc));
                    insert.Parameters.AddWithValue("$entries", checkpoint.PrunedEntries);
                    insert.Parameters.AddWithValue("$through", checkpoint.ThroughSequence);
                    insert.Parameters.AddWithValue("$hash", checkpoint.LastHash);
                    insert.Parameters.AddWithValue("$lastEntryId", checkpoint.LastEntryId);
                    checkpoint.Id = (long)(await insert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                }

                return new PruneResult(deleted, checkpoint);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The audit log could not be pruned: {ex.Message}", ex);
        }
    }

    // Walks the chain records from the oldest, streaming (memory does not grow with the table), and stops at the first
    // record of an entry that must stay (too young, or still pending). A cut is only safe where no entry has its begin
    // record before it and its completion after it; returns the last safe cut, or null when nothing can go.
    private static async Task<PruneCut?> FindPruneCutAsync(AppendSession session, DateTime cutoff, CancellationToken cancellationToken)
    {
        var command = session.CreateCommand(ChainRecordsSql(", RequestedUtc, Outcome"));
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("$after", 0);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var open = 0;
        var entries = 0;
        PruneCut? cut = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = ChainRecord.Read(reader);
            if (reader.GetDateTime(ChainRecord.FieldCount) >= cutoff
                || string.Equals(reader.GetString(ChainRecord.FieldCount + 1), nameof(AuditOutcome.Pending), StringComparison.Ordinal))
            {
                break;
            }

            if (record.IsBegin)
            {
                entries++;
                open++;
            }
            else
            {
                open--;
            }

            if (open == 0)
            {
                cut = new PruneCut(record.Sequence, record.Hash ?? "", entries);
            }
        }

        return cut;
    }

    private sealed record PruneCut(long ThroughSequence, string LastHash, int Entries);
}
