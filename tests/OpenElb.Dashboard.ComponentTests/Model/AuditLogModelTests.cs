using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Model;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class AuditLogModelTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static Task LoadAsync(AuditLogModel model, AuditLogFilter? filter = null)
        => model.LoadAsync(new AuditLogFilterParse(filter ?? AuditLogFilter.None, []), TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Load_FirstPageNewestFirst_CountsForTheWholeFilter()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        for (var i = 0; i < 5; i++)
        {
            await store.SucceededAsync(log, node: $"worker-{i}");
        }
        await store.SucceededAsync(log, outcome: AuditOutcome.Conflict);
        var model = new AuditLogModel(log) { PageSize = 4 };

        await LoadAsync(model);

        Assert.Equal([6L, 5, 4, 3], model.Entries.Select(e => e.Id).ToArray());
        Assert.Equal(3, model.NextBeforeId);
        Assert.True(model.HasMore);
        Assert.Equal(6, model.TotalCount);
        Assert.Equal(5, model.Counts[AuditOutcome.Succeeded]);
        Assert.Equal(1, model.Counts[AuditOutcome.Conflict]);
        Assert.False(model.IsLoading);
    }

    // With OFFSET paging, an entry appended between the pages would shift the second page by one and repeat an entry.
    [Fact]
    public async Task LoadMore_EntryAppendedBetweenPages_KeysetNeitherRepeatsNorSkips()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        for (var i = 0; i < 5; i++)
        {
            await store.SucceededAsync(log, node: $"worker-{i}");
        }
        var model = new AuditLogModel(log) { PageSize = 3 };
        await LoadAsync(model);

        await store.SucceededAsync(log, node: "late");
        await model.LoadMoreAsync(TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal([5L, 4, 3, 2, 1], model.Entries.Select(e => e.Id).ToArray());
        Assert.False(model.HasMore);
    }

    [Fact]
    public async Task Load_Filter_NarrowsRowsAndCounts()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log, actor: "alice");
        await store.SucceededAsync(log, actor: "bob", node: "worker-9");
        await store.ObservedAsync(log);
        var model = new AuditLogModel(log);

        await LoadAsync(model, new AuditLogFilter(Target: "Node/worker-9"));

        Assert.Equal("bob", Assert.Single(model.Entries).ActorUserName);
        Assert.Equal(1, model.TotalCount);
    }

    [Fact]
    public async Task Load_NewFilterWhileLoadingMore_OlderPageNotAppendedToTheNewList()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        for (var i = 0; i < 4; i++)
        {
            await store.SucceededAsync(log, actor: i % 2 == 0 ? "alice" : "bob");
        }
        var model = new AuditLogModel(log) { PageSize = 1 };
        await LoadAsync(model);

        var more = model.LoadMoreAsync(TestContext.Current.CancellationToken);
        var reload = LoadAsync(model, new AuditLogFilter(Actor: "bob"));
        await Task.WhenAll(more, reload).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.All(model.Entries, e => Assert.Equal("bob", e.ActorUserName));
        Assert.Single(model.Entries);
    }

    [Fact]
    public async Task Verify_Tampered_NamesTheEntry()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log);
        var tampered = await store.SucceededAsync(log, node: "worker-2");
        await store.SucceededAsync(log);
        var model = new AuditLogModel(log);

        await model.VerifyAsync(TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        Assert.True(model.Verification!.IsValid);
        Assert.Equal(6, model.Verification.RecordsChecked);

        await store.TamperAsync(tampered, "TargetName", "worker-evil");
        await model.VerifyAsync(TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.False(model.Verification!.IsValid);
        Assert.Equal(tampered, model.Verification.FirstBrokenEntryId);
        Assert.False(model.IsVerifying);
    }

    [Fact]
    public async Task Find_ById_ThatEntryOrNull()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log, node: "a");
        var second = await store.SucceededAsync(log, node: "b");
        await store.SucceededAsync(log, node: "c");

        var entry = await AuditLogModel.FindAsync(log, second, TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        Assert.Equal("b", entry!.TargetName);
        Assert.Null(await AuditLogModel.FindAsync(log, 99, TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken));
        Assert.Null(await AuditLogModel.FindAsync(log, 0, TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Load_StoreFileGone_ErrorInsteadOfThrow()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // Dropping the table makes every read fail the way a broken or replaced file does.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE AuditEntries;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var model = new AuditLogModel(log);

        await LoadAsync(model);

        Assert.Contains("AuditEntries", model.Error, StringComparison.Ordinal);
        Assert.Empty(model.Entries);
        Assert.False(model.IsLoading);
    }
}
