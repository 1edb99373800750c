namespace OpenElb.Dashboard.Audit;

/// <summary>
/// Audit store settings (configuration section <c>Audit</c>). Read once when the context factory is first used;
/// changes after start-up are not observed.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Audit";

    /// <summary>
    /// Path of the SQLite file. Defaults to <c>OpenElb.Dashboard/audit.db</c> under the user's local application data
    /// directory; the container sets <c>/data/audit.db</c>.
    /// </summary>
    public string DatabasePath { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "OpenElb.Dashboard", "audit.db");

    /// <summary>How long a writer waits for another writer's lock before the operation fails. Defaults to 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long opening the store at start-up waits for the cluster feed's first complete sync. Both are CPU-bound in a
    /// cold process (EF Core's model and services; the feed's lists), so on a small server running them side by side
    /// delays the topology everyone is waiting for (5,000 nodes on 2 cores: ~0.7-1.3 s, BENCHMARKS.md run K). A feed
    /// that cannot sync (API server unreachable) holds the store this long at most. Defaults to 5 s; zero opens at once.
    /// </summary>
    public TimeSpan OpenAfterFeedSync { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Entries older than this many days may be pruned by <see cref="SqliteAuditLog.ApplyRetentionAsync"/>.
    /// Null (the default) keeps everything forever.
    /// </summary>
    public int? RetentionDays { get; set; }
}
