using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class RetentionTests
{
    [Fact]
    public async Task ApplyRetention_Default_KeepsEverything()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var id = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(id);
        harness.Time.Advance(TimeSpan.FromDays(3650));

        var result = await harness.Log.ApplyRetentionAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new PruneResult(0, null), result);
        Assert.Equal(1L, await AuditHarness.ScalarAsync(harness.DatabasePath, "SELECT COUNT(*) FROM AuditEntries;"));
        Assert.Equal(0L, await AuditHarness.ScalarAsync(harness.DatabasePath, "SELECT COUNT(*) FROM AuditCheckpoints;"));
    }

    [Fact]
    public async Task Prune_OldEntries_CheckpointKeepsRestVerifiable()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"), configure: o => o.RetentionDays = 30);
        var e1 = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(e1);
        var e2 = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(e2);
        harness.Time.Advance(TimeSpan.FromDays(1));
        // Old, but completed only after a young entry began: its completion record lies beyond the cut.
        var e3 = await harness.BeginAsync(AuditEntries.Pending());
        harness.Time.Advance(TimeSpan.FromDays(39));
        var e4 = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(e3);
        await harness.CompleteAsync(e4);

        var result = await harness.Log.ApplyRetentionAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, result.PrunedEntries);
        Assert.NotNull(result.Checkpoint);
        Assert.Equal(4, result.Checkpoint.ThroughSequence);
        Assert.Equal([4L, 3], (await harness.Log.QueryAsync(new AuditQuery(), TestContext.Current.CancellationToken)).Items.Select(e => e.Id));
        var verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(4, verification.RecordsChecked);

        var e5 = await harness.BeginAsync(AuditEntries.Pending());
        Assert.Equal(5, e5);
        Assert.True((await harness.VerifyAsync()).IsValid);

        await AuditHarness.ExecuteSqlAsync(harness.DatabasePath, $"UPDATE AuditEntries SET Message = 'edited' WHERE Id = {e3};");
        Assert.Equal(e3, (await harness.VerifyAsync()).FirstBrokenEntryId);
    }

    [Fact]
    public async Task Prune_OldPendingEntry_StopsAtIt()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var e1 = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(e1);
        await harness.BeginAsync(AuditEntries.Pending());
        var e3 = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(e3);
        harness.Time.Advance(TimeSpan.FromDays(100));

        var result = await harness.Log.PruneAsync(30, TestContext.Current.CancellationToken);

        Assert.Equal(1, result.PrunedEntries);
        Assert.Equal([3L, 2], (await harness.Log.QueryAsync(new AuditQuery(), TestContext.Current.CancellationToken)).Items.Select(e => e.Id));
        Assert.True((await harness.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task Prune_Everything_IdsAndChainContinueFromCheckpoint()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        for (var i = 0; i < 3; i++)
        {
            await harness.CompleteAsync(await harness.BeginAsync(AuditEntries.Pending()));
        }

        harness.Time.Advance(TimeSpan.FromDays(31));
        Assert.Equal(3, (await harness.Log.PruneAsync(30, TestContext.Current.CancellationToken)).PrunedEntries);
        var verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(0, verification.RecordsChecked);

        var next = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(next);
        harness.Time.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, (await harness.Log.PruneAsync(30, TestContext.Current.CancellationToken)).PrunedEntries);
        var after = await harness.BeginAsync(AuditEntries.Pending());

        Assert.Equal(4, next);
        Assert.Equal(5, after);
        Assert.Equal(9L, await AuditHarness.ScalarAsync(harness.DatabasePath, $"SELECT Sequence FROM AuditEntries WHERE Id = {after};"));
        Assert.True((await harness.VerifyAsync()).IsValid);
    }
}
