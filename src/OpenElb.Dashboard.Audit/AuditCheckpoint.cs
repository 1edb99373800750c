namespace OpenElb.Dashboard.Audit;

/// <summary>
/// Written by a retention prune: the chain state just before the first kept record, so the rest of the chain stays
/// verifiable after older entries are deleted. An EF Core entity; not thread-safe.
/// </summary>
public sealed class AuditCheckpoint
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>When the prune ran (UTC).</summary>
    public DateTime CreatedUtc { get; set; }

    /// <summary>Entries requested before this instant were eligible for pruning.</summary>
    public DateTime PrunedBeforeUtc { get; set; }

    /// <summary>Number of entries deleted by this prune.</summary>
    public int PrunedEntries { get; set; }

    /// <summary>Sequence number of the last deleted chain record; verification resumes after it.</summary>
    public long ThroughSequence { get; set; }

    /// <summary>Hash of the last deleted chain record; the first kept record links to it.</summary>
    public string LastHash { get; set; } = "";

    /// <summary>Highest entry id ever assigned when the prune ran, so ids are never reused.</summary>
    public long LastEntryId { get; set; }
}
