using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.ComponentTests.Model;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Testing;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class WallTests : DashboardTestContext, IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly AuditTestStore _store = new();
    private readonly TestTimeProvider _time = new(AuditTestStore.Start);

    public WallTests()
    {
        _store.Register(Services);
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
    }

    private SqliteAuditLog Log => Services.GetRequiredService<SqliteAuditLog>();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await _store.DisposeAsync();
    }

    private Task InitializeStoreAsync() =>
        Log.InitializeAsync(TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

    // What a wall circuit holds is its render tree, twice (current and previous): the node rows are one markup frame per
    // tile, not ~12 frames per row (issue 9: a wall circuit's budget is 500 KB). Fails when the rows become elements again.
    [Fact]
    public async Task Render_TilesWithSixNodeRows_RenderTreeStaysAFewFramesPerTile()
    {
        await InitializeStoreAsync();
        const int Racks = 12;
        var builder = new ClusterSnapshotBuilder().Version(1).ObservedAt(AuditTestStore.Start);
        for (var r = 0; r < Racks; r++)
        {
            for (var n = 0; n < 8; n++)
            {
                builder.Node($"n{r}-{n}", [(KnownLabels.Rack, $"rack-{r}")]);
            }
        }
        builder.Speaker().BgpConf();
        for (var r = 0; r < Racks; r++)
        {
            builder.RackPeer($"leaf-{r:D2}", $"10.0.{r}.1", $"rack-{r}");
            for (var n = 0; n < 8; n++)
            {
                builder.Pod($"n{r}-{n}");
            }
            builder.Session($"leaf-{r:D2}", BgpSessionState.Established, [.. Enumerable.Range(0, 8).Select(n => $"n{r}-{n}")]);
        }
        Publish(builder.Build());

        var cut = Render<Wall>();
        await cut.InvokeAsync(() => cut.Instance.FitAsync(4000, 4000, 20));

        cut.WaitForAssertion(() => Assert.Equal(Racks, cut.FindAll(".wall-tile").Count));
        Assert.Equal(Racks * 6, cut.FindAll(".wall-tile [data-node]").Count);
        var frames = await cut.InvokeAsync(() => FramesBelow(cut.ComponentId));
        // Measured: 478 frames (page and tiles) with markup rows, 1,402 with the rows as elements (~13 frames per row).
        Assert.True(frames < Racks * 60, $"{frames} render-tree frames for {Racks} tiles of 6 node rows");
    }

#pragma warning disable BL0006 // Counting the render tree is the point: it is what a circuit holds.
    private static readonly System.Reflection.MethodInfo s_frames = typeof(Microsoft.AspNetCore.Components.RenderTree.Renderer)
        .GetMethod("GetCurrentRenderTreeFrames", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;

    private int FramesBelow(int componentId)
    {
        var frames = (Microsoft.AspNetCore.Components.RenderTree.ArrayRange<Microsoft.AspNetCore.Components.RenderTree.RenderTreeFrame>)s_frames.Invoke(Renderer, [componentId])!;
        var count = frames.Count;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames.Array[i].FrameType == Microsoft.AspNetCore.Components.RenderTree.RenderTreeFrameType.Component)
            {
                count += FramesBelow(frames.Array[i].ComponentId);
            }
        }
        return count;
    }
#pragma warning restore BL0006

    [Fact]
    public async Task Render_Routers_OneTilePerRouterWithStatusWordAndIcon()
    {
        await InitializeStoreAsync();
        Publish(WallModelTests.Racks(3));

        var cut = Render<Wall>();

        cut.WaitForAssertion(() => Assert.Equal(["leaf-00", "leaf-01", "leaf-02"], cut.FindAll(".wall-tile").Select(static t => t.GetAttribute("data-router")).ToArray()));
        Assert.Equal("CRITICAL", cut.Find("[data-router=leaf-00] [data-status]").TextContent.Trim());
        Assert.Equal("DEGRADED", cut.Find("[data-router=leaf-01] [data-status]").TextContent.Trim());
        Assert.Equal("OK", cut.Find("[data-router=leaf-02] [data-status]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-router=leaf-02] [data-status] svg"));
        Assert.Equal("1 / 2 sessions", cut.Find("[data-router=leaf-01] [data-count]").TextContent.Trim());
        Assert.Equal("problem", cut.Find("[data-router=leaf-01] [data-node=n1b]").GetAttribute("data-state"));
        Assert.Contains("session down", cut.Find("[data-router=leaf-01] [data-node=n1b]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 OK", cut.Find("[data-summary=routers]").TextContent, StringComparison.Ordinal);
        Assert.Contains("3 / 6", cut.Find("[data-summary=sessions]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-pager]"));
        Assert.Empty(cut.FindAll("a, button, input"));
    }

    [Fact]
    public async Task Publish_SessionRecovers_TileUpdatesLive()
    {
        await InitializeStoreAsync();
        Publish(WallModelTests.Racks(3));
        var cut = Render<Wall>();
        cut.WaitForAssertion(() => Assert.Equal("1 / 2 sessions", cut.Find("[data-router=leaf-01] [data-count]").TextContent.Trim()));

        Publish(WallModelTests.Racks(3, version: 2, downInRack1: 0));

        cut.WaitForAssertion(() => Assert.Equal("2 / 2 sessions", cut.Find("[data-router=leaf-01] [data-count]").TextContent.Trim()));
        Assert.Equal("OK", cut.Find("[data-router=leaf-01] [data-status]").TextContent.Trim());
    }

    [Fact]
    public async Task Stale_LongerThan15Seconds_OverlayShownAndGoneWhenLive()
    {
        await InitializeStoreAsync();
        Publish(WallModelTests.Racks(2));
        var cut = Render<Wall>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".wall-tile").Count));

        Cluster.PublishHealth(TestClusterState.Stale(_time.GetUtcNow(), "connection refused"));
        cut.WaitForAssertion(() => Assert.Equal("stale", cut.Find("[data-clock]").GetAttribute("data-clock")));
        await cut.InvokeAsync(() => _time.Advance(TimeSpan.FromSeconds(15)));

        cut.WaitForAssertion(() => Assert.Contains("stale for 15 s", cut.Find("[data-age]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-overlay=stale]"));

        await cut.InvokeAsync(() => _time.Advance(TimeSpan.FromSeconds(1)));

        cut.WaitForAssertion(() => Assert.Contains("STALE", cut.Find("[data-overlay=stale]").TextContent, StringComparison.Ordinal));
        Assert.Equal("alert", cut.Find("[data-overlay=stale]").GetAttribute("role"));

        Cluster.PublishHealth(TestClusterState.Synced());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-overlay=stale]")));
    }

    [Fact]
    public void Render_AuditStoreUnavailable_SaysSoAndShowsTheCluster()
    {
        Services.AddSingleton(new AuditStatus { Error = "unable to open database file" });
        Publish(WallModelTests.Racks(2));

        var cut = Render<Wall>();

        cut.WaitForAssertion(() => Assert.Equal("Audit log unavailable: unable to open database file", cut.Find("[data-audit=unavailable]").TextContent.Trim()));
        Assert.Equal(2, cut.FindAll(".wall-tile").Count);
    }

    [Fact]
    public void Render_AuditReadFails_SaysSoWithoutThrowing()
    {
        // Status says available, but the store was never migrated: every read throws.
        Publish(WallModelTests.Racks(2));

        var cut = Render<Wall>();

        cut.WaitForAssertion(() => Assert.StartsWith("Audit log unavailable:", cut.Find("[data-audit=unavailable]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Equal(2, cut.FindAll(".wall-tile").Count);
    }

    [Fact]
    public async Task Render_AuditEntries_NewestFewFirst()
    {
        await InitializeStoreAsync();
        for (var i = 1; i <= 6; i++)
        {
            await _store.SucceededAsync(Log, node: $"worker-{i}");
        }
        Publish(WallModelTests.Racks(2));

        var cut = Render<Wall>();

        cut.WaitForAssertion(() => Assert.Equal(["6", "5", "4", "3"], cut.FindAll("[data-audit-entry]").Select(static e => e.GetAttribute("data-audit-entry")).ToArray()));
        Assert.Contains("Node/worker-6", cut.Find("[data-audit-entry='6']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fit_MoreRoutersThanFit_PagesWithIndicator()
    {
        await InitializeStoreAsync();
        Publish(WallModelTests.Racks(5));
        var cut = Render<Wall>();
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll(".wall-tile").Count));

        // What wall.js reports for a 2 x 2 tile area (20 px per rem).
        await cut.InvokeAsync(() => cut.Instance.FitAsync(60.75 * 20, 21.75 * 20, 20));

        cut.WaitForAssertion(() => Assert.Equal("page 1 of 2", cut.Find("[data-pager]").TextContent.Trim()));
        Assert.Equal(4, cut.FindAll(".wall-tile").Count);
        await cut.InvokeAsync(() => _time.Advance(TimeSpan.FromSeconds(15)));
        cut.WaitForAssertion(() => Assert.Equal("page 2 of 2", cut.Find("[data-pager]").TextContent.Trim()));
        Assert.Equal(["leaf-04"], cut.FindAll(".wall-tile").Select(static t => t.GetAttribute("data-router")).ToArray());
    }

    // Compressed soak through the renderer: thousands of views and ticks; the page keeps one subscription, one
    // timer and as many tiles as routers, and releases them on dispose.
    [Fact]
    public async Task Publish_ThousandsOfViews_RenderedTilesAndSubscriptionsStayBounded()
    {
        await InitializeStoreAsync();
        Publish(WallModelTests.Racks(4));
        var cut = Render<Wall>();
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll(".wall-tile").Count));
        var live = Services.GetRequiredService<OpenElb.Dashboard.Model.LiveViewService>();

        for (var i = 0; i < 2000; i++)
        {
            Publish(WallModelTests.Racks(4 + (i % 3), version: i + 2, downInRack1: i % 2));
            if (i % 50 == 0)
            {
                await cut.InvokeAsync(() => _time.Advance(TimeSpan.FromSeconds(1)));
            }
        }
        Publish(WallModelTests.Racks(4, version: 5000));

        // Intermediate views with 4 racks also render 4 tiles: wait for the last view, then for the page to show it.
        cut.WaitForAssertion(() => Assert.Equal(5000, live.Current.Snapshot.Version), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(4, cut.FindAll(".wall-tile").Count);
            Assert.Equal(4, cut.Instance.Model.Tiles.Count);
        }, TimeSpan.FromSeconds(10));
        Assert.True(cut.Instance.Model.RetainedFindingTimes <= cut.Instance.Model.FindingCount);
        Assert.Equal(1, live.SubscriberCount);
        Assert.Equal(1, _time.ActiveTimers);

        await DisposeComponentsAsync();

        Assert.Equal(0, _time.ActiveTimers);
        Assert.Equal(0, live.SubscriberCount);
    }
}
