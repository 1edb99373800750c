namespace OpenElb.Dashboard.Audit;

/// <summary>
/// The kind of change an audit entry records. Stored as its name (text).
/// </summary>
public enum AuditAction
{
    /// <summary>Node labels added, changed or removed.</summary>
    LabelNodes,

    /// <summary>Node taints added, changed or removed.</summary>
    TaintNodes,

    /// <summary>The speaker DaemonSet placement (nodeSelector, affinity, tolerations) changed.</summary>
    SetSpeakerPlacement,

    /// <summary>The speaker DaemonSet was restarted.</summary>
    RestartSpeakers,

    /// <summary>A previous change was reverted.</summary>
    Revert,

    /// <summary>A speaker-relevant change the dashboard did not make.</summary>
    ObservedChange,

    /// <summary>What the cluster showed once a dashboard change settled (or when following it timed out).</summary>
    ObservedImpact,

    /// <summary>An API token was created.</summary>
    TokenCreated,

    /// <summary>An API token was revoked.</summary>
    TokenRevoked,

    /// <summary>A wall display token was created (the entry names it; it never holds the token or its hash).</summary>
    WallTokenCreated,

    /// <summary>A wall display token was revoked.</summary>
    WallTokenRevoked,
}
