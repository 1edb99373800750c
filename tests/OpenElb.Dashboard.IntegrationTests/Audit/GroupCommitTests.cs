using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

/// <summary>Concurrent appends share transactions (group commit); each caller still gets exactly its own result.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task ConcurrentBeginsAndFailingCompletes_EachCallerGetsItsOwnResult_ChainValid()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var done = await harness.BeginAsync(AuditEntries.Pending(targetName: "already-done"));
        await harness.CompleteAsync(done);

        // 64 callers at once: 48 begin+complete pairs and 16 completions of an entry that is already complete.
        var pairs = Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            var id = await harness.Log.BeginAsync(AuditEntries.Pending(targetName: $"node-{i}"));
            await harness.Log.CompleteAsync(id, AuditEntries.Completion());
            return id;
        })).ToArray();
        var doubles = Enumerable.Range(0, 16).Select(_ => Task.Run(() => harness.Log.CompleteAsync(done, AuditEntries.Completion()))).ToArray();

        var ids = await Task.WhenAll(pairs).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        foreach (var failing in doubles)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken));
        }

        Assert.Equal(48, ids.Distinct().Count());
        var page = await harness.Log.QueryAsync(new AuditQuery { PageSize = 100 }, TestContext.Current.CancellationToken);
        Assert.Equal(49, page.Items.Count);
        Assert.All(page.Items, static e => Assert.Equal(AuditOutcome.Succeeded, e.Outcome));
        var verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(98, verification.RecordsChecked);
    }

    [Fact]
    public async Task Begin_AlreadyCancelled_NothingWritten()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Log.BeginAsync(AuditEntries.Pending(), cancelled.Token));
        var id = await harness.BeginAsync(AuditEntries.Pending());

        Assert.Equal(1, id);
        Assert.True((await harness.VerifyAsync()).IsValid);
    }
}
