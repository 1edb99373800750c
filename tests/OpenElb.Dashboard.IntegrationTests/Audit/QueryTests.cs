using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class QueryTests
{
    private static readonly Guid s_wizardRun = Guid.Parse("0b9a5c1e-1111-4222-8333-444455556666");

    // 30 entries one minute apart: actors alice/bob/carol in turn, actions LabelNodes/TaintNodes, every fifth a
    // Conflict, entries 10..12 one wizard run, entry 7 carries "50%_off" in its message.
    private static async Task<AuditHarness> SeedAsync(string path)
    {
        var harness = await AuditHarness.StartAsync(path);
        string[] actors = ["alice", "bob", "carol"];
        for (var i = 1; i <= 30; i++)
        {
            var entry = AuditEntries.Pending(
                actor: actors[(i - 1) % 3],
                action: i % 2 == 0 ? AuditAction.TaintNodes : AuditAction.LabelNodes,
                targetName: $"node{i}",
                correlationId: i is >= 10 and <= 12 ? s_wizardRun : null,
                step: i is >= 10 and <= 12 ? i - 9 : 1);
            var id = await harness.BeginAsync(entry);
            var completion = AuditEntries.Completion(i % 5 == 0 ? AuditOutcome.Conflict : AuditOutcome.Succeeded);
            if (i == 7)
            {
                completion = completion with { Message = "applied with 50%_off" };
            }

            if (i != 30)
            {
                await harness.Log.CompleteAsync(id, completion, TestContext.Current.CancellationToken);
            }

            harness.Time.Advance(TimeSpan.FromMinutes(1));
        }

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

    [Fact]
    public async Task Query_KeysetPages_ReturnEveryEntryOnceNewestFirst()
    {
        using var temp = new TempDirectory();
        await using var harness = await SeedAsync(temp.File("audit.db"));

        var ids = await AllIdsAsync(harness, new AuditQuery { PageSize = 7 });

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)(31 - i)), ids);
    }

    [Fact]
    public async Task Query_Filters_MatchOnlyTheirEntries()
    {
        using var temp = new TempDirectory();
        await using var harness = await SeedAsync(temp.File("audit.db"));

        Assert.Equal([28, 25, 22, 19, 16, 13, 10, 7, 4, 1], await AllIdsAsync(harness, new AuditQuery { Actor = "alice", PageSize = 4 }));
        Assert.Equal([25, 20, 15, 10, 5], await AllIdsAsync(harness, new AuditQuery { Outcome = AuditOutcome.Conflict }));
        Assert.Equal([30], await AllIdsAsync(harness, new AuditQuery { Outcome = AuditOutcome.Pending }));
        Assert.Equal([30, 24, 18, 12, 6], await AllIdsAsync(harness, new AuditQuery { Action = AuditAction.TaintNodes, Actor = "carol" }));
        Assert.Equal([17], await AllIdsAsync(harness, new AuditQuery { TargetKind = "Node", TargetNamespace = "default", TargetName = "node17" }));
        Assert.Equal([12, 11, 10], await AllIdsAsync(harness, new AuditQuery { CorrelationId = s_wizardRun }));
        Assert.Equal([7], await AllIdsAsync(harness, new AuditQuery { Text = "50%_OFF" }));
        Assert.Empty(await AllIdsAsync(harness, new AuditQuery { Text = "50x_off" }));
        Assert.Equal(30, (await AllIdsAsync(harness, new AuditQuery { Text = "ALICE ADMIN" })).Count);
        var from = AuditHarness.T0.UtcDateTime.AddMinutes(5);
        Assert.Equal([8, 7, 6], await AllIdsAsync(harness, new AuditQuery { FromUtc = from, ToUtc = from.AddMinutes(3) }));
    }

    [Fact]
    public async Task CountByOutcome_Filter_CountsPerOutcome()
    {
        using var temp = new TempDirectory();
        await using var harness = await SeedAsync(temp.File("audit.db"));

        var all = await harness.Log.CountByOutcomeAsync(new AuditQuery(), TestContext.Current.CancellationToken);
        var bob = await harness.Log.CountByOutcomeAsync(new AuditQuery { Actor = "bob" }, TestContext.Current.CancellationToken);

        Assert.Equal(new Dictionary<AuditOutcome, int> { [AuditOutcome.Succeeded] = 24, [AuditOutcome.Conflict] = 5, [AuditOutcome.Pending] = 1 }, all);
        Assert.Equal(new Dictionary<AuditOutcome, int> { [AuditOutcome.Succeeded] = 8, [AuditOutcome.Conflict] = 2 }, bob);
    }

    [Fact]
    public async Task GetCorrelation_WizardRun_ReturnsStepsInOrder()
    {
        using var temp = new TempDirectory();
        await using var harness = await SeedAsync(temp.File("audit.db"));

        var steps = await harness.Log.GetCorrelationAsync(s_wizardRun, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 3], steps.Select(s => s.Step));
        Assert.Equal([10L, 11, 12], steps.Select(s => s.Id));
    }

    [Fact]
    public async Task RecordObserved_Drift_StoredAsObservedWithFieldManager()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var drift = AuditEntries.Pending(actor: "system:unknown", action: AuditAction.ObservedChange);
        drift.FieldManager = "kubectl-edit";
        drift.AfterState = """{"labels":{"openelb-speaker":null}}""";
        drift.ResourceVersionAfter = "2001";

        var id = await harness.Log.RecordObservedAsync(drift, TestContext.Current.CancellationToken);
        await harness.BeginAsync(AuditEntries.Pending());

        var stored = await harness.GetAsync(id);
        Assert.Equal(AuditOutcome.Observed, stored.Outcome);
        Assert.Equal("kubectl-edit", stored.FieldManager);
        Assert.Equal("2001", stored.ResourceVersionAfter);
        Assert.Equal(2, stored.CompletionSequence);
        Assert.Equal([1L], await AllIdsAsync(harness, new AuditQuery { Text = "kubectl-edit" }));
        Assert.True((await harness.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task Query_TextShorterThanTheIndexCanLookUp_PagesThroughBoundedWindows()
    {
        using var temp = new TempDirectory();
        await using var harness = await SeedAsync(temp.File("audit.db"));
        harness.Log.ShortTextScanWindow = 7;

        var first = await harness.Log.QueryAsync(new AuditQuery { Text = "E3", PageSize = 5 }, TestContext.Current.CancellationToken);

        // Entries 24..30 are the first window: only node30 matches, and the cursor continues below the window.
        Assert.Equal([30L], first.Items.Select(e => e.Id));
        Assert.Equal(24, first.NextBeforeId);
        Assert.Equal([30, 3], await AllIdsAsync(harness, new AuditQuery { Text = "E3", PageSize = 5 }));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)(31 - i)), await AllIdsAsync(harness, new AuditQuery { Text = "no", PageSize = 4 }));
    }
}
