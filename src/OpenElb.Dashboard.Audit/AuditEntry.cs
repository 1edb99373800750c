namespace OpenElb.Dashboard.Audit;

/// <summary>
/// One audited change, shaped after the Kubernetes API server's audit event. An EF Core entity: instances are plain
/// mutable objects owned by whoever created them and are not thread-safe.
/// </summary>
/// <remarks>
/// The begin fields (everything up to <see cref="PredictedImpact"/> plus <see cref="FieldManager"/>) are written once
/// by <see cref="SqliteAuditLog.BeginAsync"/> and covered by <see cref="EntryHash"/>. The completion fields
/// (<see cref="Outcome"/> and after) are written once by <see cref="SqliteAuditLog.CompleteAsync"/> and covered by
/// <see cref="CompletionHash"/>. Both hashes are links of one chain ordered by sequence number; see
/// <see cref="SqliteAuditLog"/> for the scheme.
/// </remarks>
public sealed class AuditEntry
{
    /// <summary>Row id, assigned by the log in append order (never reused, also after pruning).</summary>
    public long Id { get; set; }

    /// <summary>Chain position of the begin record; assigned by the log.</summary>
    public long Sequence { get; set; }

    /// <summary>One wizard run; several steps share it.</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>Step number inside the correlation, starting at 1.</summary>
    public int Step { get; set; }

    /// <summary>When the pending entry was committed (UTC); stamped by the log.</summary>
    public DateTime RequestedUtc { get; set; }

    /// <summary>Authenticated user name of the actor.</summary>
    public string ActorUserName { get; set; } = "";

    /// <summary>Display name of the actor.</summary>
    public string? ActorDisplayName { get; set; }

    /// <summary>How the actor authenticated (e.g. <c>oidc</c>, <c>token</c>, <c>anonymous-demo</c>).</summary>
    public string? ActorAuthMethod { get; set; }

    /// <summary>The actor's groups at the time of the request.</summary>
    public List<string> ActorGroups { get; set; } = [];

    /// <summary>The user the dashboard impersonated towards the API server, if any.</summary>
    public string? ImpersonatedUser { get; set; }

    /// <summary>Remote address of the request.</summary>
    public string? SourceIp { get; set; }

    /// <summary>User agent of the request.</summary>
    public string? UserAgent { get; set; }

    /// <summary>What kind of change.</summary>
    public AuditAction Action { get; set; }

    /// <summary>Target kind (e.g. <c>Node</c>, <c>DaemonSet</c>).</summary>
    public string TargetKind { get; set; } = "";

    /// <summary>Target namespace; null for cluster-scoped objects.</summary>
    public string? TargetNamespace { get; set; }

    /// <summary>Target name.</summary>
    public string TargetName { get; set; } = "";

    /// <summary>Target uid.</summary>
    public string? TargetUid { get; set; }

    /// <summary>The resourceVersion the change was planned against.</summary>
    public string? ResourceVersionBefore { get; set; }

    /// <summary>The request body sent (the patch).</summary>
    public string? RequestBody { get; set; }

    /// <summary>Before-values of the changed fields only (JSON).</summary>
    public string? BeforeState { get; set; }

    /// <summary>Result of the server-side dry run (JSON or text).</summary>
    public string? DryRunResult { get; set; }

    /// <summary>Predicted impact from the change plan (JSON or text).</summary>
    public string? PredictedImpact { get; set; }

    /// <summary>For observed entries: the field manager from <c>managedFields</c>, when present.</summary>
    public string? FieldManager { get; set; }

    /// <summary>Hash of the previous chain record (64 hex characters; all zeros at the genesis).</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>SHA-256 (hex) over the canonical begin record including <see cref="PreviousHash"/>.</summary>
    public string EntryHash { get; set; } = "";

    /// <summary>Outcome; <see cref="AuditOutcome.Pending"/> until completed.</summary>
    public AuditOutcome Outcome { get; set; }

    /// <summary>When the outcome was recorded (UTC); stamped by the log.</summary>
    public DateTime? CompletedUtc { get; set; }

    /// <summary>HTTP status returned by the API server.</summary>
    public int? HttpStatus { get; set; }

    /// <summary>Status message, or the reconciliation note.</summary>
    public string? Message { get; set; }

    /// <summary>The API server's <c>Audit-ID</c> response header.</summary>
    public string? ApiAuditId { get; set; }

    /// <summary>The resourceVersion after the write.</summary>
    public string? ResourceVersionAfter { get; set; }

    /// <summary>
    /// After-values of the changed fields only: a JSON object from field path (as <c>ObservedChangeDetector</c> names them,
    /// e.g. <c>metadata.labels[openelb-speaker]</c>, <c>spec.taints</c>) to the rendered value, or null when absent. Start-up
    /// reconciliation compares it with the cluster.
    /// </summary>
    public string? AfterState { get; set; }

    /// <summary>Observed impact once the change settled (JSON or text).</summary>
    public string? ObservedImpact { get; set; }

    /// <summary>Chain position of the completion record; null while pending.</summary>
    public long? CompletionSequence { get; set; }

    /// <summary>Hash of the chain record before the completion record.</summary>
    public string? CompletionPreviousHash { get; set; }

    /// <summary>SHA-256 (hex) over the canonical completion record (binds <see cref="EntryHash"/>).</summary>
    public string? CompletionHash { get; set; }
}
