namespace OpenElb.Dashboard.Audit;

/// <summary>The outcome of a cluster write, recorded by <see cref="SqliteAuditLog.CompleteAsync"/>. Immutable.</summary>
/// <param name="Outcome">Any outcome except <see cref="AuditOutcome.Pending"/>.</param>
/// <param name="HttpStatus">HTTP status from the API server.</param>
/// <param name="Message">Status message.</param>
/// <param name="ApiAuditId">The API server's <c>Audit-ID</c> header.</param>
/// <param name="ResourceVersionAfter">resourceVersion after the write.</param>
/// <param name="AfterState">After-values of the changed fields (JSON).</param>
/// <param name="ObservedImpact">Observed impact (JSON or text).</param>
public sealed record AuditCompletion(
    AuditOutcome Outcome,
    int? HttpStatus = null,
    string? Message = null,
    string? ApiAuditId = null,
    string? ResourceVersionAfter = null,
    string? AfterState = null,
    string? ObservedImpact = null);
