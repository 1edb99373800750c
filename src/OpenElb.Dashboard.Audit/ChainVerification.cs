namespace OpenElb.Dashboard.Audit;

/// <summary>Result of <see cref="SqliteAuditLog.VerifyChainAsync"/>. Immutable.</summary>
/// <param name="IsValid">True when every record hashes to its stored hash and links to its predecessor.</param>
/// <param name="RecordsChecked">Chain records (begin and completion) checked.</param>
/// <param name="FirstBrokenEntryId">
/// Id of the first entry that does not verify; null when valid, or when the break is after the last entry (the newest
/// entries were deleted, shown by the chain-head row).
/// </param>
/// <param name="Reason">Why it does not verify; null when valid.</param>
public sealed record ChainVerification(bool IsValid, int RecordsChecked, long? FirstBrokenEntryId, string? Reason);
