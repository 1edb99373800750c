using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OpenElb.Dashboard.Audit.Configurations;

internal sealed class WallTokenConfiguration : IEntityTypeConfiguration<WallToken>
{
    public void Configure(EntityTypeBuilder<WallToken> builder)
    {
        builder.ToTable("WallTokens");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Name).HasMaxLength(WallTokenStore.MaxNameLength);
        builder.Property(e => e.TokenHash).HasMaxLength(64);
        builder.Property(e => e.CreatedBy).HasMaxLength(256);
        builder.Property(e => e.RevokedBy).HasMaxLength(256);
        builder.Property(e => e.CreatedUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.ExpiresUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.RevokedUtc).HasConversion(new UtcDateTimeConverter());
        builder.Property(e => e.LastUsedUtc).HasConversion(new UtcDateTimeConverter());
        builder.HasIndex(e => e.TokenHash).IsUnique();
    }
}
