namespace OpenElb.Dashboard.Audit;

/// <summary>Result of <see cref="SqliteAuditLog.ReconcileAsync"/>. Immutable.</summary>
/// <param name="Succeeded">Pending entries whose after-state was observed.</param>
/// <param name="Abandoned">Pending entries whose after-state was not observed or could not be determined.</param>
public sealed record ReconcileResult(int Succeeded, int Abandoned);
