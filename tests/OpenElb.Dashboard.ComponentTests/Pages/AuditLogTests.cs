using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Hosting;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class AuditLogTests : DashboardTestContext, IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly AuditTestStore _store = new();

    public AuditLogTests() => _store.Register(Services);

    private SqliteAuditLog Log => Services.GetRequiredService<SqliteAuditLog>();

    public async ValueTask InitializeAsync() => await Log.InitializeAsync(TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await _store.DisposeAsync();
    }

    private void NavigateTo(string uri) => Services.GetRequiredService<NavigationManager>().NavigateTo(uri);

    private static long[] RowIds(IRenderedComponent<AuditLog> cut)
        => cut.FindAll("[data-audit=table] tbody tr").Select(r => long.Parse(r.GetAttribute("data-entry")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public async Task Render_Entries_NewestFirstWithOutcomeInWords()
    {
        await _store.SucceededAsync(Log, actor: "alice", node: "worker-1");
        await _store.SucceededAsync(Log, actor: "bob", node: "worker-2", outcome: AuditOutcome.Conflict);
        await _store.ObservedAsync(Log, node: "worker-3");
        NavigateTo("audit");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal([3L, 2, 1], RowIds(cut)));
        var newest = cut.Find("tr[data-entry='3']");
        Assert.Equal("Observed change", newest.QuerySelector("[data-col=action]")!.TextContent.Trim());
        Assert.Equal("Node/worker-3", newest.QuerySelector("[data-col=target]")!.TextContent.Trim());
        Assert.Equal("Conflict", cut.Find("tr[data-entry='2'] [data-outcome]").TextContent.Trim());
        Assert.Equal("Alice Admin (alice)", cut.Find("tr[data-entry='1'] [data-col=actor]").TextContent.Trim());
        Assert.Equal(["Time", "Actor", "Action", "Target", "Outcome", "Run"], cut.FindAll("[data-audit=table] thead th[scope=col]").Select(th => th.TextContent).ToArray());
        Assert.Contains("3 entries", cut.Find("[data-total]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_FilterInUrl_NarrowsRowsAndCounts()
    {
        await _store.SucceededAsync(Log, actor: "alice");
        await _store.SucceededAsync(Log, actor: "bob");
        await _store.SucceededAsync(Log, actor: "bob", outcome: AuditOutcome.Failed);
        await _store.SucceededAsync(Log, actor: "alice", outcome: AuditOutcome.Failed);
        NavigateTo("audit?actor=bob");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal([3L, 2], RowIds(cut)));
        Assert.Equal("1", cut.Find("[data-count=Failed]").TextContent.Trim()[..1]);
        Assert.Equal("2", cut.Find("[data-total]").GetAttribute("data-total"));
        // The export links carry the same filter.
        Assert.Equal("audit/export.csv?actor=bob", cut.Find("[data-action=export-csv]").GetAttribute("href"));
        Assert.Equal("audit/export.jsonl?actor=bob", cut.Find("[data-action=export-jsonl]").GetAttribute("href"));
    }

    [Fact]
    public async Task Navigate_OutcomeCountLink_RowsFollowTheUrlAndLinkClears()
    {
        await _store.SucceededAsync(Log, node: "worker-1");
        await _store.SucceededAsync(Log, node: "worker-2", outcome: AuditOutcome.Denied);
        NavigateTo("audit");
        var cut = Render<AuditLog>();
        cut.WaitForAssertion(() => Assert.Equal([2L, 1], RowIds(cut)));

        Assert.Equal("audit?outcome=Denied", cut.Find("[data-count=Denied]").GetAttribute("href"));

        // What the browser does with that link: the page follows the URL without being re-created.
        NavigateTo("audit?outcome=Denied");

        cut.WaitForAssertion(() => Assert.Equal([2L], RowIds(cut)));
        Assert.Equal("audit", cut.Find("[data-count=Denied]").GetAttribute("href"));
    }

    [Fact]
    public async Task Apply_FormFields_PutInUrlAndNarrowRows()
    {
        await _store.SucceededAsync(Log, node: "worker-1");
        await _store.SucceededAsync(Log, node: "worker-2");
        NavigateTo("audit");
        var cut = Render<AuditLog>();
        cut.WaitForAssertion(() => Assert.Equal([2L, 1], RowIds(cut)));

        cut.Find("#audit-target").Input("Node/worker-1");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal([1L], RowIds(cut)));
        Assert.EndsWith("audit?target=Node%2Fworker-1", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_UnreadableFilter_SaysWhyAndShowsTheRest()
    {
        await _store.SucceededAsync(Log, actor: "alice");
        await _store.SucceededAsync(Log, actor: "bob");
        NavigateTo("audit?actor=alice&outcome=Sucessful");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal([1L], RowIds(cut)));
        Assert.Contains("Sucessful", cut.Find("[data-filter-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadMore_NextPageByKeyset_NoRepeatAfterANewerEntry()
    {
        for (var i = 0; i < 53; i++)
        {
            await _store.ObservedAsync(Log, node: $"worker-{i}");
        }
        NavigateTo("audit");
        var cut = Render<AuditLog>();
        cut.WaitForAssertion(() => Assert.Equal(50, RowIds(cut).Length));
        Assert.Equal(4L, RowIds(cut)[^1]);

        // An entry appended after the first page: an OFFSET-based second page would start with entry 4 again.
        await _store.ObservedAsync(Log, node: "late");
        cut.Find("[data-action=load-more]").Click();

        cut.WaitForAssertion(() => Assert.Equal(53, RowIds(cut).Length));
        Assert.Equal(Enumerable.Range(1, 53).Reverse().Select(i => (long)i).ToArray(), RowIds(cut));
        Assert.Empty(cut.FindAll("[data-action=load-more]"));
    }

    [Fact]
    public void Render_NoEntries_EmptyStateSentence()
    {
        NavigateTo("audit");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal(
            "No audit entries yet: changes made through the dashboard and changes observed in the cluster appear here.",
            cut.Find("[data-audit=empty]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-audit=table]"));
    }

    [Fact]
    public async Task Verify_IntactChain_ValidWithRecordsChecked()
    {
        await _store.SucceededAsync(Log);
        await _store.ObservedAsync(Log);
        NavigateTo("audit");
        var cut = Render<AuditLog>();
        cut.WaitForAssertion(() => Assert.Equal(2, RowIds(cut).Length));

        cut.Find("[data-action=verify]").Click();

        cut.WaitForAssertion(() => Assert.Equal("valid", cut.Find("[data-verify]").GetAttribute("data-verify")));
        Assert.Contains("4 records checked", cut.Find("[data-verify]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TamperedRow_NamesAndLinksTheBrokenEntry()
    {
        await _store.SucceededAsync(Log);
        var tampered = await _store.SucceededAsync(Log, actor: "bob");
        await _store.SucceededAsync(Log);
        await _store.TamperAsync(tampered, "ActorUserName", "mallory");
        NavigateTo("audit");
        var cut = Render<AuditLog>();
        cut.WaitForAssertion(() => Assert.Equal(3, RowIds(cut).Length));

        cut.Find("[data-action=verify]").Click();

        cut.WaitForAssertion(() => Assert.Equal("broken", cut.Find("[data-verify]").GetAttribute("data-verify")));
        Assert.Contains($"entry #{tampered}", cut.Find("[data-verify]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"audit/{tampered}", cut.Find("[data-broken-entry]").GetAttribute("href"));
        Assert.Equal(tampered.ToString(System.Globalization.CultureInfo.InvariantCulture), cut.Find("[data-broken-row]").Closest("tr")!.GetAttribute("data-entry"));
    }

    [Fact]
    public async Task Render_StoreUnavailable_MessageInsteadOfTable()
    {
        await _store.SucceededAsync(Log);
        Services.GetRequiredService<AuditStatus>().Error = "SQLite Error 14: 'unable to open database file'.";
        NavigateTo("audit");

        var cut = Render<AuditLog>();

        Assert.Contains("unable to open database file", cut.Find("[data-audit=unavailable]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-audit=table]"));
        Assert.Empty(cut.FindAll("[data-action=verify]"));
    }

    [Fact]
    public async Task Render_ViewerTimeZone_TimesConvertedAndLabelled()
    {
        await _store.SucceededAsync(Log); // requested 2026-05-01 10:01 UTC
        JSInterop.Setup<string?>("openelbDashboard.timeZone").SetResult("Asia/Tokyo");
        NavigateTo("audit");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal("Times in Asia/Tokyo (UTC+09:00)", cut.Find("[data-timezone]").TextContent.Trim()));
        Assert.Equal("2026-05-01 19:01:00", cut.Find("tr[data-entry='1'] .audit-time").TextContent.Trim());
    }

    [Fact]
    public async Task Render_UnknownTimeZone_UtcAndSaysSo()
    {
        await _store.SucceededAsync(Log);
        JSInterop.Setup<string?>("openelbDashboard.timeZone").SetResult("Mars/Olympus_Mons");
        NavigateTo("audit");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal("Times in UTC (your time zone is not known here)", cut.Find("[data-timezone]").TextContent.Trim()));
        Assert.Equal("2026-05-01 10:01:00", cut.Find("tr[data-entry='1'] .audit-time").TextContent.Trim());
    }

    [Fact]
    public async Task Entry_ShowsDiffRequestImpactAndAnswer()
    {
        var id = await _store.SucceededAsync(Log);

        var cut = Render<AuditLogEntry>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-diff=table]")));
        var rack = cut.Find("[data-field='labels › openelb.kubesphere.io/rack']");
        Assert.Equal("changed", rack.GetAttribute("data-change"));
        Assert.Equal(("rack-a", "rack-b"), (rack.QuerySelector(".audit-before")!.TextContent.Trim(), rack.QuerySelector(".audit-after")!.TextContent.Trim()));
        var speaker = cut.Find("[data-field='labels › openelb-speaker']");
        Assert.Equal(("added", "(absent)", "true"), (speaker.GetAttribute("data-change"), speaker.QuerySelector(".audit-before")!.TextContent.Trim(), speaker.QuerySelector(".audit-after")!.TextContent.Trim()));
        Assert.Contains("\"openelb-speaker\": \"true\"", cut.Find("[data-block=request]").TextContent, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Success\"", cut.Find("[data-block=dry-run]").TextContent, StringComparison.Ordinal);
        Assert.Contains("speakersRunning", cut.Find("[data-block=predicted]").TextContent, StringComparison.Ordinal);
        Assert.Contains("speakersRunning", cut.Find("[data-block=observed]").TextContent, StringComparison.Ordinal);
        Assert.Contains("200 · OK", cut.Find("[data-fact=http]").TextContent, StringComparison.Ordinal);
        Assert.Contains("4c1e2a9b-0000-4000-8000-0000000000aa", cut.Find("[data-fact=audit-id]").TextContent, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", cut.Find("[data-fact=entry-hash]").TextContent.Trim());
        Assert.Matches("^[0-9a-f]{64}$", cut.Find("[data-fact=completion-hash]").TextContent.Trim());
    }

    [Fact]
    public async Task Entry_Correlation_AllStepsInOrderWithThisOneMarked()
    {
        var run = Guid.NewGuid();
        var first = await _store.SucceededAsync(Log, correlation: run, step: 1, action: AuditAction.LabelNodes);
        await _store.ObservedAsync(Log); // another run, in between
        var second = await _store.SucceededAsync(Log, correlation: run, step: 2, action: AuditAction.SetSpeakerPlacement);
        var third = await _store.SucceededAsync(Log, correlation: run, step: 3, action: AuditAction.RestartSpeakers, outcome: AuditOutcome.Failed);

        var cut = Render<AuditLogEntry>(p => p.Add(c => c.Id, second));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-steps=table] tbody tr").Count));
        var rows = cut.FindAll("[data-steps=table] tbody tr");
        Assert.Equal([first, second, third], rows.Select(r => long.Parse(r.GetAttribute("data-entry")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        Assert.Equal("true", rows[1].GetAttribute("aria-current"));
        Assert.Equal($"audit/{third}", rows[2].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Failed", rows[2].QuerySelector("[data-outcome]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Entry_Observed_NoRequestAndFieldManagerNamed()
    {
        var id = await _store.ObservedAsync(Log, fieldManager: "kubectl-label");

        var cut = Render<AuditLogEntry>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Equal("kubectl-label", cut.Find("[data-fact=field-manager]").TextContent.Trim()));
        Assert.Contains("did not make this change", cut.Find("[data-block=request]").TextContent, StringComparison.Ordinal);
        Assert.Equal("removed", cut.Find("[data-field='labels › openelb-speaker']").GetAttribute("data-change"));
    }

    [Fact]
    public async Task Entry_ConflictWithoutAfterState_SaysNotRecordedNotRemoved()
    {
        Clock().Advance(TimeSpan.FromMinutes(1));
        var id = await Log.BeginAsync(AuditTestStore.Pending("tom", "worker-b2", AuditAction.LabelNodes, null, 1), TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);
        await Log.CompleteAsync(id, new AuditCompletion(AuditOutcome.Conflict, 409, "the object has been modified"), TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        var cut = Render<AuditLogEntry>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-diff=table]")));
        var rack = cut.Find("[data-field='labels › openelb.kubesphere.io/rack']");
        Assert.Equal(("not recorded", "(not recorded)"), (rack.GetAttribute("data-change"), rack.QuerySelector(".audit-after")!.TextContent.Trim()));
    }

    private AuditTestClock Clock() => _store.Clock;

    [Fact]
    public void Entry_Unknown_NotFound()
    {
        var cut = Render<AuditLogEntry>(p => p.Add(c => c.Id, 42L));

        cut.WaitForAssertion(() => Assert.Contains("no audit entry #42", cut.Find("[data-audit=not-found]").TextContent, StringComparison.Ordinal));
    }
}
