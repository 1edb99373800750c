namespace OpenElb.Dashboard.Audit;

/// <summary>
/// What became of an audited change. Stored as its name (text), so renumbering never rewrites history.
/// </summary>
public enum AuditOutcome
{
    /// <summary>Committed before the cluster write; the outcome is not known yet.</summary>
    Pending = 0,

    /// <summary>The API server accepted the write.</summary>
    Succeeded,

    /// <summary>The write failed (transport error, validation, server error).</summary>
    Failed,

    /// <summary>The write was rejected by a precondition (resourceVersion or JSON Patch <c>test</c>).</summary>
    Conflict,

    /// <summary>The API server (or the dashboard's own authorization) refused the write.</summary>
    Denied,

    /// <summary>A pending entry whose after-state was not observed when it was reconciled.</summary>
    Abandoned,

    /// <summary>A change the dashboard did not make, seen on the live feed (drift).</summary>
    Observed,
}
