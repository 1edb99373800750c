namespace OpenElb.Dashboard.Audit;

/// <summary>
/// The single row (id 1) that names the last chain record, updated in the same transaction as every append, so an
/// append reads the head with one primary-key lookup instead of searching the entries. An EF Core entity (for the
/// migration); the log reads and writes it with raw SQL.
/// </summary>
/// <remarks>
/// A cache that the log validates: an append that finds a record beyond it (written by an older version of the log,
/// which does not know the row) recomputes the head from the entries. Verification reports a head that lies beyond the
/// last record (the newest records were deleted), which the chain alone cannot show.
/// </remarks>
internal sealed class AuditChainHeadRow
{
    public const long SingletonId = 1;

    public long Id { get; set; }

    /// <summary>Sequence number of the last chain record; 0 at the genesis.</summary>
    public long Sequence { get; set; }

    /// <summary>Hash of the last chain record (the genesis hash before the first).</summary>
    public string Hash { get; set; } = "";

    /// <summary>Highest entry id ever assigned (also by entries since pruned).</summary>
    public long LastEntryId { get; set; }
}
