using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OpenElb.Dashboard.Audit;

/// <summary>Registers the audit store.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AuditOptions"/>, a singleton <c>IDbContextFactory&lt;AuditDbContext&gt;</c> (one context per
    /// operation), a singleton <see cref="SqliteAuditLog"/> and a singleton <see cref="WallTokenStore"/> (its table lives in
    /// the same file); <see cref="TimeProvider.System"/> unless a
    /// <see cref="TimeProvider"/> is already registered. The composition root calls
    /// <see cref="SqliteAuditLog.InitializeAsync"/> (migrations) and then <see cref="SqliteAuditLog.ReconcileAsync"/>
    /// at start-up.
    /// </summary>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, Action<AuditOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AuditOptions>().Configure(configure);
        services.AddDbContextFactory<AuditDbContext>((provider, builder) =>
        {
            var options = provider.GetRequiredService<IOptions<AuditOptions>>().Value;
            builder.UseSqlite(BuildConnectionString(options))
                .AddInterceptors(new SqliteConnectionSetupInterceptor(options.BusyTimeout));
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteAuditLog>();
        services.TryAddSingleton<WallTokenStore>();
        return services;
    }

    internal static string BuildConnectionString(AuditOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = options.DatabasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Microsoft.Data.Sqlite also retries SQLITE_BUSY up to the command timeout (whole seconds; 0 would mean forever).
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
    }.ToString();
}
