using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class AuditStoreTests
{
    [Fact]
    public async Task Initialize_EmptyDatabase_AppliesEveryMigrationInWalMode()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "nested", "dir", "audit.db");
        await using var harness = await AuditHarness.StartAsync(path);

        Assert.True(File.Exists(path));
        Assert.Equal("wal", await AuditHarness.ScalarAsync(path, "PRAGMA journal_mode;"));
        var services = new ServiceCollection().AddAuditLog(o => o.DatabasePath = path).BuildServiceProvider();
        await using (services)
        {
            var factory = services.GetRequiredService<IDbContextFactory<AuditDbContext>>();
            await using var context = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
            Assert.Empty(await context.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
            Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
            Assert.False(context.Database.HasPendingModelChanges(), "the model differs from the last migration: add one");
        }

        Assert.Equal(0L, await AuditHarness.ScalarAsync(path, "SELECT COUNT(*) FROM AuditEntries;"));
    }

    [Fact]
    public async Task Initialize_SecondStart_IsIdempotentAndKeepsEntries()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using (var first = await AuditHarness.StartAsync(path))
        {
            await first.BeginAsync(AuditEntries.Pending());
        }

        await using var second = await AuditHarness.StartAsync(path);

        Assert.Equal(1L, await AuditHarness.ScalarAsync(path, "SELECT COUNT(*) FROM AuditEntries;"));
        Assert.True((await second.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task Connection_Opened_HasConfiguredBusyTimeout()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var services = new ServiceCollection().AddAuditLog(o =>
        {
            o.DatabasePath = path;
            o.BusyTimeout = TimeSpan.FromMilliseconds(1234);
        }).BuildServiceProvider();
        await using (services)
        {
            var factory = services.GetRequiredService<IDbContextFactory<AuditDbContext>>();
            await using var context = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
            await context.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = context.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal(1234L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
    }
}
