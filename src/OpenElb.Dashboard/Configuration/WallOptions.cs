namespace OpenElb.Dashboard.Configuration;

/// <summary>The NOC wall's settings (configuration section <c>Wall</c>).</summary>
public sealed class WallOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Wall";

    /// <summary>When the routers do not fit on one screen, the wall shows the next page after this many seconds. Defaults to 15.</summary>
    public int PageSeconds { get; set; } = 15;

    /// <summary>The STALE overlay covers the wall once the feed has been stale for longer than this many seconds. Defaults to 15.</summary>
    public int StaleOverlaySeconds { get; set; } = 15;

    /// <summary>How many of the newest findings the wall lists. Defaults to 4.</summary>
    public int Findings { get; set; } = 4;

    /// <summary>How many of the newest audit entries the wall lists. Defaults to 4.</summary>
    public int AuditEntries { get; set; } = 4;

    /// <summary>How often the wall reads the audit store (it is not part of the cluster feed), in seconds. Defaults to 30.</summary>
    public int AuditRefreshSeconds { get; set; } = 30;

    /// <summary>
    /// The options from configuration, with out-of-range values replaced by their defaults (a wall that hangs on a typo
    /// helps nobody). Read by the page itself because the wall has no registered options yet.
    /// </summary>
    public static WallOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SectionName).Get<WallOptions>() ?? new WallOptions();
        var defaults = new WallOptions();
        return new WallOptions
        {
            PageSeconds = options.PageSeconds is >= 1 and <= 3600 ? options.PageSeconds : defaults.PageSeconds,
            StaleOverlaySeconds = options.StaleOverlaySeconds is >= 0 and <= 3600 ? options.StaleOverlaySeconds : defaults.StaleOverlaySeconds,
            Findings = options.Findings is >= 0 and <= 20 ? options.Findings : defaults.Findings,
            AuditEntries = options.AuditEntries is >= 0 and <= 20 ? options.AuditEntries : defaults.AuditEntries,
            AuditRefreshSeconds = options.AuditRefreshSeconds is >= 1 and <= 3600 ? options.AuditRefreshSeconds : defaults.AuditRefreshSeconds,
        };
    }
}
