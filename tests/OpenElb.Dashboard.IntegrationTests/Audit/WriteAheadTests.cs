using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class WriteAheadTests
{
    // What the change executor does: nothing reaches the cluster unless the pending entry is committed.
    private static async Task AuditedWriteAsync(SqliteAuditLog log, TestClusterWriter writer)
    {
        var id = await log.BeginAsync(AuditEntries.Pending(), TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default);
        await writer.WriteAsync(id);
        await log.CompleteAsync(id, AuditEntries.Completion(), TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task Begin_HealthyStore_PendingIsCommittedBeforeClusterWrite()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using var harness = await AuditHarness.StartAsync(path);
        string? outcomeSeenByWriter = null;
        var writer = new TestClusterWriter(async id =>
            outcomeSeenByWriter = (string?)await AuditHarness.ScalarAsync(path, $"SELECT Outcome FROM AuditEntries WHERE Id = {id};"));

        await AuditedWriteAsync(harness.Log, writer);

        Assert.Equal(1, writer.Calls);
        Assert.Equal("Pending", outcomeSeenByWriter);
        Assert.Equal(AuditOutcome.Succeeded, (await harness.GetAsync(1)).Outcome);
    }

    [Fact]
    public async Task Begin_UnwritablePath_ThrowsAuditUnavailableAndClusterWriteNeverRuns()
    {
        using var temp = new TempDirectory();
        var blocker = temp.File("not-a-directory");
        await File.WriteAllTextAsync(blocker, "a file where the database directory should be", TestContext.Current.CancellationToken);
        var path = Path.Combine(blocker, "audit.db");
        await using var harness = AuditHarness.Create(path);
        var writer = new TestClusterWriter();

        await Assert.ThrowsAsync<AuditUnavailableException>(() => harness.Log.InitializeAsync(TestContext.Current.CancellationToken));
        var ex = await Assert.ThrowsAsync<AuditUnavailableException>(() => AuditedWriteAsync(harness.Log, writer));

        Assert.Equal(0, writer.Calls);
        Assert.Contains("must not happen", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Begin_DatabaseLockedBeyondBusyTimeout_ThrowsAuditUnavailableAndClusterWriteNeverRuns()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using var harness = await AuditHarness.StartAsync(path, configure: o => o.BusyTimeout = TimeSpan.FromMilliseconds(200));
        var writer = new TestClusterWriter();
        await using var locker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await locker.OpenAsync(TestContext.Current.CancellationToken);
        await using var lockTransaction = locker.BeginTransaction(deferred: false);

        await Assert.ThrowsAsync<AuditUnavailableException>(() => AuditedWriteAsync(harness.Log, writer));

        Assert.Equal(0, writer.Calls);
        await lockTransaction.RollbackAsync(TestContext.Current.CancellationToken);
        await AuditedWriteAsync(harness.Log, writer);
        Assert.Equal(1, writer.Calls);
    }

    [Fact]
    public async Task Begin_CorruptDatabase_ThrowsAuditUnavailableAndClusterWriteNeverRuns()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using (var first = await AuditHarness.StartAsync(path))
        {
            await AuditedWriteAsync(first.Log, new TestClusterWriter());
        }

        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)'A', 16384).ToArray(), TestContext.Current.CancellationToken);
        await using var harness = AuditHarness.Create(path);
        var writer = new TestClusterWriter();

        await Assert.ThrowsAsync<AuditUnavailableException>(() => harness.Log.InitializeAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<AuditUnavailableException>(() => AuditedWriteAsync(harness.Log, writer));

        Assert.Equal(0, writer.Calls);
    }

    [Fact]
    public async Task Begin_NotPending_ThrowsArgumentException()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var entry = AuditEntries.Pending();
        entry.Outcome = AuditOutcome.Succeeded;

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Log.BeginAsync(entry, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Complete_Twice_ThrowsAndKeepsFirstOutcome()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var id = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(id, AuditOutcome.Conflict);

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.CompleteAsync(id));

        Assert.Equal(AuditOutcome.Conflict, (await harness.GetAsync(id)).Outcome);
        Assert.True((await harness.VerifyAsync()).IsValid);
    }
}
