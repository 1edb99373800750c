using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenElb.Dashboard.Audit.Configurations;

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> builder)
    {
        builder.ToTable("AuditCheckpoints");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.CreatedUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.PrunedBeforeUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.LastHash).HasMaxLength(64);
        builder.HasIndex(e => e.ThroughSequence).IsUnique();
    }
}
