namespace OpenElb.Dashboard.Audit;

/// <summary>One page of entries, newest first. Immutable.</summary>
/// <param name="Items">The entries (detached from any context).</param>
/// <param name="NextBeforeId">
/// Cursor for the next (older) page; null when this is the last page. A page of 1–2 character free text may hold fewer
/// entries than requested (even none) and still have a next page: it scans a bounded window of ids.
/// </param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextBeforeId);
