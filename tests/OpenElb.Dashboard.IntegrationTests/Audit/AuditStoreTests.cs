using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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

    [Fact]
    public async Task Initialize_DatabaseAtPreviousSchema_UpgradesWithChainSearchAndAppendsIntact()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var ct = TestContext.Current.CancellationToken;
        // The previous schema version, with entries as that version wrote them: entry 1 completed, entry 2 pending.
        var e1 = AuditEntries.Pending(targetName: "node-old-1");
        var e2 = AuditEntries.Pending(targetName: "node-old-2");
        var services = new ServiceCollection().AddAuditLog(o => o.DatabasePath = path).BuildServiceProvider();
        await using (services)
        {
            var factory = services.GetRequiredService<IDbContextFactory<AuditDbContext>>();
            await using var context = await factory.CreateDbContextAsync(ct);
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await context.GetService<IMigrator>().MigrateAsync("20261130222146_InitialAuditSchema", cancellationToken: ct);
            Assert.Equal(["20261130222146_InitialAuditSchema"], await context.Database.GetAppliedMigrationsAsync(ct));

            (e1.Id, e1.Sequence, e1.PreviousHash, e1.RequestedUtc) = (1, 1, AuditHasher.GenesisHash, AuditHarness.T0.UtcDateTime);
            e1.EntryHash = AuditHasher.ComputeBeginHash(e1);
            (e2.Id, e2.Sequence, e2.PreviousHash, e2.RequestedUtc) = (2, 2, e1.EntryHash, AuditHarness.T0.UtcDateTime);
            e2.EntryHash = AuditHasher.ComputeBeginHash(e2);
            (e1.Outcome, e1.CompletedUtc, e1.Message, e1.CompletionSequence, e1.CompletionPreviousHash) =
                (AuditOutcome.Succeeded, AuditHarness.T0.UtcDateTime, "applied before the upgrade", 3, e2.EntryHash);
            e1.CompletionHash = AuditHasher.ComputeCompletionHash(e1);
            context.Entries.AddRange(e1, e2);
            await context.SaveChangesAsync(ct);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var harness = await AuditHarness.StartAsync(path);

        var verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(3, verification.RecordsChecked);
        Assert.Equal(3L, await AuditHarness.ScalarAsync(path, "SELECT Sequence FROM AuditChainHead WHERE Id = 1;"));
        Assert.Equal(e1.CompletionHash, await AuditHarness.ScalarAsync(path, "SELECT Hash FROM AuditChainHead WHERE Id = 1;"));
        // The search index was filled from the existing entries.
        Assert.Equal([1L], (await harness.Log.QueryAsync(new AuditQuery { Text = "BEFORE THE UPGRADE" }, ct)).Items.Select(e => e.Id));
        Assert.Equal([2L], (await harness.Log.QueryAsync(new AuditQuery { Text = "node-old-2" }, ct)).Items.Select(e => e.Id));
        Assert.Equal([2L], (await harness.Log.QueryAsync(new AuditQuery { Outcome = AuditOutcome.Pending }, ct)).Items.Select(e => e.Id));

        await harness.CompleteAsync(2);
        var e3 = await harness.BeginAsync(AuditEntries.Pending(targetName: "node-new"));

        Assert.Equal(3, e3);
        Assert.Equal(5L, await AuditHarness.ScalarAsync(path, $"SELECT Sequence FROM AuditEntries WHERE Id = {e3};"));
        verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(5, verification.RecordsChecked);
        Assert.Equal([3L, 2, 1], (await harness.Log.QueryAsync(new AuditQuery { Text = "node-" }, ct)).Items.Select(e => e.Id));
    }
}
