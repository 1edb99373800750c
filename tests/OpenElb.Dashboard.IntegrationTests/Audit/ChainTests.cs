using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class ChainTests
{
    [Fact]
    public async Task Append_TwoInstancesWithParallelTasks_ChainStaysValid()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using var first = await AuditHarness.StartAsync(path, configure: o => o.BusyTimeout = TimeSpan.FromSeconds(20));
        await using var second = await AuditHarness.StartAsync(path, configure: o => o.BusyTimeout = TimeSpan.FromSeconds(20));
        const int TasksPerInstance = 4;
        const int EntriesPerTask = 25;

        var writers = new[] { first, second }
            .SelectMany(h => Enumerable.Range(0, TasksPerInstance).Select(t => Task.Run(async () =>
            {
                long? previous = null;
                for (var i = 0; i < EntriesPerTask; i++)
                {
                    var id = await h.Log.BeginAsync(AuditEntries.Pending(actor: $"writer-{t}", step: i + 1));
                    // Complete the previous entry after beginning the next: completions interleave with begins.
                    if (previous is { } p)
                    {
                        await h.Log.CompleteAsync(p, AuditEntries.Completion());
                    }

                    previous = id;
                }

                await h.Log.CompleteAsync(previous!.Value, AuditEntries.Completion());
            })))
            .ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        var verification = await first.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        const int Entries = 2 * TasksPerInstance * EntriesPerTask;
        Assert.Equal(2 * Entries, verification.RecordsChecked);
        var counts = await second.Log.CountByOutcomeAsync(new AuditQuery(), TestContext.Current.CancellationToken);
        Assert.Equal(Entries, counts[AuditOutcome.Succeeded]);
        Assert.Equal((long)Entries, await AuditHarness.ScalarAsync(path, "SELECT MAX(Id) FROM AuditEntries;"));
        Assert.Equal((long)(2 * Entries), await AuditHarness.ScalarAsync(path, "SELECT MAX(MAX(Sequence), MAX(CompletionSequence)) FROM AuditEntries;"));
    }

    private static async Task<(AuditHarness Harness, long Tampered)> SeedAsync(string path)
    {
        var harness = await AuditHarness.StartAsync(path);
        var e1 = await harness.BeginAsync(AuditEntries.Pending(targetName: "node1"));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var e2 = await harness.BeginAsync(AuditEntries.Pending(targetName: "node2"));
        await harness.CompleteAsync(e1);
        var e3 = await harness.BeginAsync(AuditEntries.Pending(targetName: "node3"));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await harness.CompleteAsync(e2);
        await harness.CompleteAsync(e3, AuditOutcome.Conflict);
        await harness.BeginAsync(AuditEntries.Pending(targetName: "node4"));
        var verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(7, verification.RecordsChecked);
        return (harness, e2);
    }

    private static object TamperedValue(string column, object original) => column switch
    {
        "RequestedUtc" or "CompletedUtc" => "2001-02-03 04:05:06",
        "Action" => nameof(AuditAction.Revert),
        "Outcome" => nameof(AuditOutcome.Denied),
        "CorrelationId" => Guid.NewGuid().ToString("D").ToUpperInvariant(),
        "ActorGroups" => """["ops","cluster-admins"]""",
        _ => original switch
        {
            long number => number + 1000,
            string text => text + "x",
            _ => throw new InvalidOperationException($"column {column}: unexpected {original.GetType()}"),
        },
    };

    [Fact]
    public async Task Verify_AnyColumnTamperedWithRawSql_NamesThatEntry()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var (harness, tampered) = await SeedAsync(path);
        await using var harnessScope = harness;
        var columns = new List<string>();
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM pragma_table_info('AuditEntries');";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                columns.Add(reader.GetString(0));
            }
        }

        Assert.Equal(36, columns.Count);
        foreach (var column in columns)
        {
            var original = await AuditHarness.ScalarAsync(path, $"SELECT \"{column}\" FROM AuditEntries WHERE Id = {tampered};");
            Assert.True(original is not null, $"column {column} of the seeded entry is null; fill it so tampering is visible");
            var value = TamperedValue(column, original);
            await AuditHarness.ExecuteSqlAsync(path, $"UPDATE AuditEntries SET \"{column}\" = $v WHERE Id = {tampered};", ("$v", value));
            var rowId = column == "Id" ? (long)value : tampered;

            var verification = await harness.VerifyAsync();

            Assert.False(verification.IsValid, $"tampering with {column} was not detected");
            Assert.True(rowId == verification.FirstBrokenEntryId, $"tampering with {column}: named {verification.FirstBrokenEntryId} ({verification.Reason})");
            await AuditHarness.ExecuteSqlAsync(path, $"UPDATE AuditEntries SET \"{column}\" = $v WHERE Id = {rowId};", ("$v", original));
            Assert.True((await harness.VerifyAsync()).IsValid, $"restoring {column} did not restore the chain");
        }
    }

    [Theory]
    [InlineData("Outcome", "Bogus")]
    [InlineData("Action", "DeleteEverything")]
    [InlineData("RequestedUtc", "yesterday")]
    [InlineData("CompletedUtc", "not a time")]
    [InlineData("CorrelationId", "not-a-guid")]
    [InlineData("ActorGroups", "{not json")]
    [InlineData("HttpStatus", "two hundred")]
    public async Task Verify_ColumnGivenUnreadableValue_NamesThatEntry(string column, string value)
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var (harness, tampered) = await SeedAsync(path);
        await using var harnessScope = harness;

        await AuditHarness.ExecuteSqlAsync(path, $"UPDATE AuditEntries SET \"{column}\" = $v WHERE Id = {tampered};", ("$v", value));
        var verification = await harness.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.True(tampered == verification.FirstBrokenEntryId, verification.Reason);
    }

    [Fact]
    public async Task Verify_PendingEntryGivenAnOutcomeWithRawSql_NamesThatEntry()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var (harness, _) = await SeedAsync(path);
        await using var harnessScope = harness;

        await AuditHarness.ExecuteSqlAsync(path, "UPDATE AuditEntries SET Outcome = 'Succeeded' WHERE Id = 4;");
        var verification = await harness.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBrokenEntryId);
        Assert.Contains("without a completion record", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EntryDeletedWithRawSql_ReportsTheGap()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var (harness, tampered) = await SeedAsync(path);
        await using var harnessScope = harness;

        await AuditHarness.ExecuteSqlAsync(path, $"DELETE FROM AuditEntries WHERE Id = {tampered};");
        var verification = await harness.VerifyAsync();

        Assert.False(verification.IsValid);
        // Record 2 (the deleted entry's begin) is missing; entry 1's completion (record 3) is the first that follows.
        Assert.Equal(1, verification.FirstBrokenEntryId);
        Assert.Contains("chain record 2 is missing", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EntryRewrittenWithRecomputedHash_BreaksTheNextLink()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        var (harness, tampered) = await SeedAsync(path);
        await using var harnessScope = harness;
        var entry = await harness.GetAsync(tampered);
        entry.TargetName = "someone-else";
        entry.EntryHash = AuditHasher.ComputeBeginHash(entry);
        entry.CompletionHash = AuditHasher.ComputeCompletionHash(entry);

        await AuditHarness.ExecuteSqlAsync(path,
            $"UPDATE AuditEntries SET TargetName = $n, EntryHash = $h, CompletionHash = $c WHERE Id = {tampered};",
            ("$n", entry.TargetName), ("$h", entry.EntryHash), ("$c", entry.CompletionHash));
        var verification = await harness.VerifyAsync();

        Assert.False(verification.IsValid);
        // Record 3 (entry 1's completion) linked to entry 2's original begin hash.
        Assert.Equal(1, verification.FirstBrokenEntryId);
        Assert.Contains("does not link", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_SameContent_IsStableAcrossReads()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var id = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(id);

        var stored = await harness.GetAsync(id);

        Assert.Equal(AuditHasher.GenesisHash, stored.PreviousHash);
        Assert.Equal(stored.EntryHash, AuditHasher.ComputeBeginHash(stored));
        Assert.Equal(stored.EntryHash, stored.CompletionPreviousHash);
        Assert.Equal(stored.CompletionHash, AuditHasher.ComputeCompletionHash(stored));
        Assert.Matches("^[0-9a-f]{64}$", stored.CompletionHash);
        Assert.Equal(AuditHarness.T0.UtcDateTime, stored.RequestedUtc);
        Assert.Equal(DateTimeKind.Utc, stored.RequestedUtc.Kind);
        Assert.Equal("2026-03-01 12:00:00", Convert.ToString(await AuditHarness.ScalarAsync(harness.DatabasePath, "SELECT RequestedUtc FROM AuditEntries;"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Verify_NewestEntryDeletedWithRawSql_ReportsTheTruncationThroughTheHeadRow()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        await harness.CompleteAsync(await harness.BeginAsync(AuditEntries.Pending()));
        var last = await harness.BeginAsync(AuditEntries.Pending());
        await harness.CompleteAsync(last);

        await AuditHarness.ExecuteSqlAsync(harness.DatabasePath, $"DELETE FROM AuditEntries WHERE Id = {last};");
        var verification = await harness.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Null(verification.FirstBrokenEntryId);
        Assert.Contains("the newest entries were deleted", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_AfterAWriterThatDoesNotKnowTheHeadRow_LinksToItsRecord()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var first = await harness.GetAsync(await harness.BeginAsync(AuditEntries.Pending()));
        // What the previous version of the log does: append after the last record without touching the head row.
        var foreign = AuditEntries.Pending(targetName: "written-by-the-old-version");
        (foreign.Id, foreign.Sequence, foreign.PreviousHash, foreign.RequestedUtc) = (2, 2, first.EntryHash, AuditHarness.T0.UtcDateTime);
        foreign.EntryHash = AuditHasher.ComputeBeginHash(foreign);
        var services = new ServiceCollection().AddAuditLog(o => o.DatabasePath = harness.DatabasePath).BuildServiceProvider();
        await using (services)
        {
            await using var context = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>()
                .CreateDbContextAsync(TestContext.Current.CancellationToken);
            context.Entries.Add(foreign);
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.True((await harness.VerifyAsync()).IsValid, "the foreign record is a valid link");

        await harness.CompleteAsync(2);
        var next = await harness.BeginAsync(AuditEntries.Pending());

        Assert.Equal(3, next);
        var verification = await harness.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(4, verification.RecordsChecked);
        Assert.Equal(4L, await AuditHarness.ScalarAsync(harness.DatabasePath, "SELECT Sequence FROM AuditChainHead;"));
    }
}
