using Microsoft.EntityFrameworkCore;
using OpenElb.Dashboard.Audit.Configurations;

namespace OpenElb.Dashboard.Audit;

/// <summary>
/// The audit store. Created per operation through <c>IDbContextFactory&lt;AuditDbContext&gt;</c>; an instance is
/// short-lived and not thread-safe. Never hold one in a Blazor circuit.
/// </summary>
public sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : DbContext(options)
{
    /// <summary>Audit entries.</summary>
    public DbSet<AuditEntry> Entries => Set<AuditEntry>();

    /// <summary>Retention checkpoints.</summary>
    public DbSet<AuditCheckpoint> Checkpoints => Set<AuditCheckpoint>();

    /// <summary>Wall display tokens (hashes only).</summary>
    public DbSet<WallToken> WallTokens => Set<WallToken>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AuditEntryConfiguration());
        modelBuilder.ApplyConfiguration(new AuditCheckpointConfiguration());
        modelBuilder.ApplyConfiguration(new AuditChainHeadConfiguration());
        modelBuilder.ApplyConfiguration(new WallTokenConfiguration());
    }
}
