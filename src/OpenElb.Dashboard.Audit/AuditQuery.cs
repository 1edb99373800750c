namespace OpenElb.Dashboard.Audit;

/// <summary>
/// Filter and keyset cursor for audit queries. Immutable. Pages run newest first (descending id); pass the previous
/// page's <see cref="AuditPage.NextBeforeId"/> as <see cref="BeforeId"/> for the next one.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>Requested at or after (UTC).</summary>
    public DateTime? FromUtc { get; init; }

    /// <summary>Requested before (UTC, exclusive).</summary>
    public DateTime? ToUtc { get; init; }

    /// <summary>Exact actor user name.</summary>
    public string? Actor { get; init; }

    /// <summary>Action.</summary>
    public AuditAction? Action { get; init; }

    /// <summary>Exact target kind.</summary>
    public string? TargetKind { get; init; }

    /// <summary>Exact target namespace.</summary>
    public string? TargetNamespace { get; init; }

    /// <summary>Exact target name.</summary>
    public string? TargetName { get; init; }

    /// <summary>Outcome.</summary>
    public AuditOutcome? Outcome { get; init; }

    /// <summary>Correlation id (one wizard run).</summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>
    /// Case-insensitive substring of actor, target, message, request body or field manager. Three or more characters are
    /// looked up in the trigram search index; shorter text is matched with <c>LIKE</c> (ASCII case folding) over a
    /// bounded window of ids per page.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Keyset cursor: only entries with a smaller id.</summary>
    public long? BeforeId { get; init; }

    /// <summary>Page size, 1..1000; defaults to 50.</summary>
    public int PageSize { get; init; } = 50;
}
