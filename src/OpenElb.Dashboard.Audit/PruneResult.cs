namespace OpenElb.Dashboard.Audit;

/// <summary>Result of <see cref="SqliteAuditLog.PruneAsync"/>. Immutable.</summary>
/// <param name="PrunedEntries">Entries deleted.</param>
/// <param name="Checkpoint">The checkpoint written with the deletion; null when nothing was pruned.</param>
public sealed record PruneResult(int PrunedEntries, AuditCheckpoint? Checkpoint);
