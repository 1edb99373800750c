using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenElb.Dashboard.Audit.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        // Ids are assigned inside the append transaction because the begin hash covers them.
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Action).HasConversion<string>().HasMaxLength(64);
        builder.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(32);
        builder.Property(e => e.RequestedUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.CompletedUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.EntryHash).HasMaxLength(64);
        builder.Property(e => e.CompletionPreviousHash).HasMaxLength(64);
        builder.Property(e => e.CompletionHash).HasMaxLength(64);

        builder.HasIndex(e => e.Sequence).IsUnique();
        builder.HasIndex(e => e.CompletionSequence).IsUnique();
        builder.HasIndex(e => e.RequestedUtc);
        builder.HasIndex(e => new { e.CorrelationId, e.Step });
        builder.HasIndex(e => new { e.ActorUserName, e.Id });
        builder.HasIndex(e => new { e.Action, e.Id });
        builder.HasIndex(e => new { e.Outcome, e.Id });
        // Every filter of a page has an index that yields its rows newest first (ordered by id), so a page reads about
        // PageSize rows instead of sorting every match. The target name alone is selective; a kind and name filter
        // seeks the name and checks the kind.
        builder.HasIndex(e => new { e.TargetName, e.Id });
        builder.HasIndex(e => new { e.TargetKind, e.Id });
    }
}
