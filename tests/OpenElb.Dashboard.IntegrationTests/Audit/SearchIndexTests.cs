using System.Text;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

/// <summary>
/// The free-text index is filled behind the appends: entries above its progress mark are matched row by row. Search
/// must give the same answers however much of the log is indexed, and completions and prunes must keep the index
/// consistent on both sides of the mark.
/// </summary>
public sealed class SearchIndexTests
{
    public enum Coverage
    {
        None,
        Half,
        All,
    }

    private const string ProgressSql = "SELECT IndexedThroughId FROM AuditSearchProgress WHERE Id = 1;";

    // 30 entries: actors alice/bob/carol in turn, targets node1..node30, every fifth a conflict ("the object has been
    // modified"), entry 7's message "applied with 50%_off", entry 30 pending. With Half, entries 1..15 are indexed.
    private static async Task<AuditHarness> SeedAsync(string path, Coverage coverage)
    {
        var harness = await AuditHarness.StartAsync(path);
        harness.Log.SearchIndexBatch = int.MaxValue; // no background pass: the test decides what is indexed
        string[] actors = ["alice", "bob", "carol"];
        for (var i = 1; i <= 30; i++)
        {
            var id = await harness.BeginAsync(AuditEntries.Pending(actor: actors[(i - 1) % 3], targetName: $"node{i}"));
            var completion = AuditEntries.Completion(i % 5 == 0 ? AuditOutcome.Conflict : AuditOutcome.Succeeded);
            if (i == 7)
            {
                completion = completion with { Message = "applied with 50%_off" };
            }

            if (i != 30)
            {
                await harness.Log.CompleteAsync(id, completion, TestContext.Current.CancellationToken);
            }

            if (i == 15 && coverage == Coverage.Half)
            {
                await harness.Log.CatchUpSearchIndexAsync(TestContext.Current.CancellationToken);
            }
        }

        if (coverage == Coverage.All)
        {
            await harness.Log.CatchUpSearchIndexAsync(TestContext.Current.CancellationToken);
        }

        var expected = coverage switch { Coverage.None => 0L, Coverage.Half => 15L, _ => 30L };
        Assert.Equal(expected, await AuditHarness.ScalarAsync(path, ProgressSql));
        return harness;
    }

    private static async Task<List<long>> AllIdsAsync(AuditHarness harness, AuditQuery query)
    {
        var ids = new List<long>();
        long? before = null;
        do
        {
            var page = await harness.Log.QueryAsync(query with { BeforeId = before }, TestContext.Current.CancellationToken);
            Assert.True(page.Items.Count <= query.PageSize);
            ids.AddRange(page.Items.Select(e => e.Id));
            before = page.NextBeforeId;
        }
        while (before is not null);
        return ids;
    }

    private static async Task AssertIntegrityAsync(string path)
        => await AuditHarness.ExecuteSqlAsync(path, "INSERT INTO AuditEntriesSearch (AuditEntriesSearch) VALUES ('integrity-check');");

    // probeCap 1: every trigram held by an entry counts as common, so the index is asked for the whole phrase;
    // 1,000: the test's trigrams are all rare, so the index yields candidates holding the rarest three, checked row by row.
    [Theory]
    [InlineData(Coverage.None, 1_000)]
    [InlineData(Coverage.Half, 1_000)]
    [InlineData(Coverage.All, 1_000)]
    [InlineData(Coverage.Half, 1)]
    [InlineData(Coverage.All, 1)]
    public async Task Text_AnyCoverage_SameMatchesPagesCountsAndExport(Coverage coverage, int probeCap)
    {
        using var temp = new TempDirectory();
        await using var harness = await SeedAsync(temp.File("audit.db"), coverage);
        harness.Log.SearchProbeCap = probeCap;
        var ct = TestContext.Current.CancellationToken;

        // node1, node10..node19: straddles the half-way mark.
        Assert.Equal([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1], await AllIdsAsync(harness, new AuditQuery { Text = "NODE1", PageSize = 4 }));
        Assert.Equal([19, 16, 13, 10, 1], await AllIdsAsync(harness, new AuditQuery { Text = "node1", Actor = "alice", PageSize = 2 }));
        Assert.Equal([7], await AllIdsAsync(harness, new AuditQuery { Text = "50%_OFF" }));
        Assert.Empty(await AllIdsAsync(harness, new AuditQuery { Text = "50x_off" }));
        Assert.Equal([25, 20, 15, 10, 5], await AllIdsAsync(harness, new AuditQuery { Text = "has been modified", PageSize = 3 }));
        Assert.Equal(30, (await AllIdsAsync(harness, new AuditQuery { Text = "alice admin", PageSize = 7 })).Count);

        var counts = await harness.Log.CountByOutcomeAsync(new AuditQuery { Text = "node2" }, ct);
        Assert.Equal(new Dictionary<AuditOutcome, int> { [AuditOutcome.Succeeded] = 9, [AuditOutcome.Conflict] = 2 }, counts);
        using var csv = new StringWriter();
        await harness.Log.ExportCsvAsync(new AuditQuery { Text = "node2" }, csv, ct);
        Assert.Equal(1 + 11, csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        using var jsonl = new MemoryStream();
        await harness.Log.ExportJsonLinesAsync(new AuditQuery { Text = "node3" }, jsonl, ct);
        Assert.Equal(2, Encoding.UTF8.GetString(jsonl.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await AssertIntegrityAsync(harness.DatabasePath);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(1)]
    public async Task Text_EntryHoldingEveryTrigramButNotTheText_NotAMatch(int probeCap)
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        harness.Log.SearchProbeCap = probeCap;
        var ct = TestContext.Current.CancellationToken;
        // "node1" and "see12" hold nod, ode, de1 and e12: every trigram of "node12", but not "node12".
        var decoy = await harness.BeginAsync(AuditEntries.Pending(targetName: "node1"));
        await harness.Log.CompleteAsync(decoy, AuditEntries.Completion() with { Message = "see12" }, ct);
        var match = await harness.BeginAsync(AuditEntries.Pending(targetName: "node12"));
        await harness.Log.CatchUpSearchIndexAsync(ct);

        Assert.Equal([match], await AllIdsAsync(harness, new AuditQuery { Text = "NODE12" }));
        Assert.Equal(1, (await harness.Log.CountByOutcomeAsync(new AuditQuery { Text = "node12" }, ct)).Values.Sum());
    }

    [Theory]
    [InlineData(false, 1_000)]
    [InlineData(true, 1_000)]
    [InlineData(true, 1)]
    public async Task Text_NotAscii_IgnoresCaseIndexedOrNot(bool indexed, int probeCap)
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        harness.Log.SearchIndexBatch = int.MaxValue;
        harness.Log.SearchProbeCap = probeCap;
        var ct = TestContext.Current.CancellationToken;
        var zurich = await harness.BeginAsync(AuditEntries.Pending(targetName: "rack-zürich-1"));
        await harness.BeginAsync(AuditEntries.Pending(targetName: "rack-zurich-2"));
        if (indexed)
        {
            await harness.Log.CatchUpSearchIndexAsync(ct);
        }

        Assert.Equal([zurich], await AllIdsAsync(harness, new AuditQuery { Text = "ZÜRICH" }));
        Assert.Equal([zurich], await AllIdsAsync(harness, new AuditQuery { Text = "Ü" }));
        Assert.Equal(1, (await harness.Log.CountByOutcomeAsync(new AuditQuery { Text = "züRICH-1" }, ct)).Values.Sum());
    }

    [Fact]
    public async Task Complete_EntryAlreadyIndexed_ReindexesItsMessage()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        harness.Log.SearchIndexBatch = int.MaxValue;
        var ct = TestContext.Current.CancellationToken;
        var id = await harness.BeginAsync(AuditEntries.Pending());
        Assert.Equal(1, await harness.Log.CatchUpSearchIndexAsync(ct));

        await harness.Log.CompleteAsync(id, AuditEntries.Completion() with { Message = "admission webhook denied the patch" }, ct);

        Assert.Equal([id], await AllIdsAsync(harness, new AuditQuery { Text = "webhook denied" }));
        // Only the index answers for a covered entry: the phrase is found there, not by the row-by-row match.
        Assert.Equal(1L, await AuditHarness.ScalarAsync(harness.DatabasePath,
            "SELECT COUNT(*) FROM AuditEntriesSearch WHERE AuditEntriesSearch MATCH '\"webhook denied\"';"));
        await AssertIntegrityAsync(harness.DatabasePath);
    }

    [Fact]
    public async Task Prune_EntriesOnBothSidesOfTheMark_IndexStaysConsistent()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"), configure: o => o.RetentionDays = 30);
        harness.Log.SearchIndexBatch = int.MaxValue;
        var ct = TestContext.Current.CancellationToken;
        for (var i = 1; i <= 4; i++)
        {
            await harness.CompleteAsync(await harness.BeginAsync(AuditEntries.Pending(targetName: $"old-node{i}")));
            if (i == 2)
            {
                await harness.Log.CatchUpSearchIndexAsync(ct);
            }
        }

        harness.Time.Advance(TimeSpan.FromDays(40));
        await harness.CompleteAsync(await harness.BeginAsync(AuditEntries.Pending(targetName: "young-node")));

        Assert.Equal(4, (await harness.Log.ApplyRetentionAsync(ct)).PrunedEntries);

        await AssertIntegrityAsync(harness.DatabasePath);
        Assert.Equal(0L, await AuditHarness.ScalarAsync(harness.DatabasePath,
            "SELECT COUNT(*) FROM AuditEntriesSearch WHERE AuditEntriesSearch MATCH '\"old-node\"';"));
        Assert.Empty(await AllIdsAsync(harness, new AuditQuery { Text = "old-node" }));
        Assert.Equal([5L], await AllIdsAsync(harness, new AuditQuery { Text = "young-node" }));
        Assert.Equal(1, await harness.Log.CatchUpSearchIndexAsync(ct));
        Assert.Equal([5L], await AllIdsAsync(harness, new AuditQuery { Text = "young-node" }));
        await AssertIntegrityAsync(harness.DatabasePath);
    }

    [Fact]
    public async Task Append_PastTheBatch_IndexedInTheBackground()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        harness.Log.SearchIndexBatch = 5;

        for (var i = 1; i <= 4; i++)
        {
            await harness.CompleteAsync(await harness.BeginAsync(AuditEntries.Pending(targetName: $"node{i}")));
        }

        Assert.Equal(0L, await AuditHarness.ScalarAsync(harness.DatabasePath, ProgressSql));
        await harness.BeginAsync(AuditEntries.Pending(targetName: "node5"));

        // The fifth entry starts a pass that runs after the append has returned.
        var deadline = DateTime.UtcNow + Simulator.TestTimeouts.Default;
        while ((long)(await AuditHarness.ScalarAsync(harness.DatabasePath, ProgressSql))! < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(5L, await AuditHarness.ScalarAsync(harness.DatabasePath, ProgressSql));
        Assert.Equal(5L, await AuditHarness.ScalarAsync(harness.DatabasePath,
            "SELECT COUNT(*) FROM AuditEntriesSearch WHERE AuditEntriesSearch MATCH 'node';"));
        await AssertIntegrityAsync(harness.DatabasePath);
    }

    [Fact]
    public async Task Initialize_LogBehindItsIndex_CatchesUpInTheBackground()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using (var first = await AuditHarness.StartAsync(path))
        {
            first.Log.SearchIndexBatch = int.MaxValue;
            for (var i = 1; i <= 300; i++)
            {
                await first.BeginAsync(AuditEntries.Pending(targetName: $"node{i}"));
            }
        }

        Assert.Equal(0L, await AuditHarness.ScalarAsync(path, ProgressSql));
        await using var second = await AuditHarness.StartAsync(path);

        var deadline = DateTime.UtcNow + Simulator.TestTimeouts.Default;
        while ((long)(await AuditHarness.ScalarAsync(path, ProgressSql))! < 300 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(300L, await AuditHarness.ScalarAsync(path, ProgressSql));
        Assert.Equal([300L, 30], await AllIdsAsync(second, new AuditQuery { Text = "node30" }));
    }
}
