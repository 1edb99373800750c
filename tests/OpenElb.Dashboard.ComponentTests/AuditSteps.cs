using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.ComponentTests;

/// <summary>The write steps of a run, without its observed-impact entry (written later, when the change settles).</summary>
internal static class AuditSteps
{
    public static async Task<IReadOnlyList<AuditEntry>> GetStepsAsync(this SqliteAuditLog log, Guid correlationId, CancellationToken cancellationToken = default)
        => [.. (await log.GetCorrelationAsync(correlationId, cancellationToken)).Where(static e => e.Action != AuditAction.ObservedImpact)];
}
