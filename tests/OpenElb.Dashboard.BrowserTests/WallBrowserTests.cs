using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using OpenElb.Dashboard.Components;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Hosting;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>
/// The NOC wall in real Chromium. It runs against its own dashboard (demo mode, STALE overlay after 2 s) because the
/// outage test takes the simulated API server away, which the shared fixture's other tests must not see.
/// </summary>
public sealed class WallBrowserTests(BrowserFixture fixture, WallBrowserTests.WallApp app) : IClassFixture<WallBrowserTests.WallApp>
{
    private async Task<IPage> OpenWallAsync(int width, int height)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Dark,
        });
        context.SetDefaultTimeout((float)BrowserFixture.Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/wall");
        await Assertions.Expect(page.Locator(".wall-tile").First).ToBeVisibleAsync();
        return page;
    }

    private static Task<double> RemAsync(IPage page) =>
        page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.documentElement).fontSize)");

    private static async Task AssertFitsAsync(IPage page)
    {
        // Wait for wall.js's measurement to settle the grid, then check that nothing needs scrolling and every tile
        // (and the footer) is whole on screen.
        await page.WaitForTimeoutAsync(500);
        var fit = await page.EvaluateAsync<int[]>("""
            () => {
                const tiles = [...document.querySelectorAll('.wall-tile, .wall-footer')];
                const outside = tiles.filter(t => { const r = t.getBoundingClientRect(); return r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5 || r.height < 10; }).length;
                const s = document.scrollingElement;
                return [s.scrollHeight, innerHeight, s.scrollWidth, innerWidth, outside, document.querySelectorAll('.wall-tile').length];
            }
            """);
        Assert.True(fit[0] <= fit[1], $"scrollHeight {fit[0]} > innerHeight {fit[1]}");
        Assert.True(fit[2] <= fit[3], $"scrollWidth {fit[2]} > innerWidth {fit[3]}");
        Assert.Equal(0, fit[4]);
        Assert.True(fit[5] >= 3, $"only {fit[5]} tiles");
    }

    [Fact]
    public async Task Wall_At1920x1080_TilesWithWordsAndNoScrollbars()
    {
        var page = await OpenWallAsync(1920, 1080);

        await Assertions.Expect(page.Locator(".wall-tile[data-router=leaf-c] [data-status]")).ToHaveTextAsync("DEGRADED");
        await Assertions.Expect(page.Locator(".wall-tile[data-router=leaf-c] [data-count]")).ToHaveTextAsync("1 / 1 sessions");
        await Assertions.Expect(page.Locator("[data-clock]")).ToContainTextAsync("live");
        await Assertions.Expect(page.Locator(".mud-appbar, .mud-drawer, nav")).ToHaveCountAsync(0);
        await AssertFitsAsync(page);
        Assert.InRange(await RemAsync(page), 19.5, 20.5);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Wall_At3840x2160_ScalesUpAndFits()
    {
        var page = await OpenWallAsync(3840, 2160);

        await AssertFitsAsync(page);
        Assert.InRange(await RemAsync(page), 39.5, 40.5);
        var tileHeight = await page.Locator(".wall-tile").First.EvaluateAsync<double>("t => t.getBoundingClientRect().height");
        Assert.True(tileHeight >= 400, $"tile only {tileHeight}px high on a 4K wall");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task RouterGoesDown_TileNumbersChangeLiveWithoutReload()
    {
        var page = await OpenWallAsync(1920, 1080);
        var count = page.Locator(".wall-tile[data-router=leaf-a] [data-count]");
        await Assertions.Expect(count).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 / "));
        await page.EvaluateAsync("() => window.__noReload = true");
        var faults = app.Cluster.Simulator!.Faults;
        try
        {
            faults.RoutersDown = ImmutableHashSet.Create(StringComparer.Ordinal, "leaf-a");
            faults.NotifyChanged();

            await Assertions.Expect(count).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 / [1-9]"));
            await Assertions.Expect(page.Locator(".wall-tile[data-router=leaf-a] [data-status]")).ToHaveTextAsync("CRITICAL");
            Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the wall was reloaded");
        }
        finally
        {
            faults.RoutersDown = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
            faults.NotifyChanged();
        }
        await Assertions.Expect(count).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 / "));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ApiOutage_StaleOverlayShownThenGoneAfterRecovery()
    {
        var page = await OpenWallAsync(1920, 1080);
        var overlay = page.Locator("[data-overlay=stale]");
        await Assertions.Expect(overlay).ToHaveCountAsync(0);
        var faults = app.Cluster.Simulator!.Faults;
        try
        {
            faults.RefuseConnectionsUntil = DateTimeOffset.UtcNow.AddSeconds(8);
            faults.NotifyChanged();

            await Assertions.Expect(overlay).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Assertions.Expect(overlay).ToContainTextAsync("STALE");
            // The overlay covers the screen.
            var box = await overlay.BoundingBoxAsync();
            Assert.True(box is { Width: >= 1900, Height: >= 1000 }, "the overlay does not cover the wall");
        }
        finally
        {
            faults.RefuseConnectionsUntil = null;
            faults.NotifyChanged();
        }
        await Assertions.Expect(overlay).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-clock]")).ToHaveAttributeAsync("data-clock", "live", new() { Timeout = 60_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ManyRouters_PagesThroughThemWithIndicatorAndStillFits()
    {
        // 125 routers: 3 x 3 tiles fit a 1920x1080 wall (measured by wall.js), so 14 pages.
        await using var large = new WallApp { Scenario = "large" };
        await large.InitializeAsync();
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = large.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
        });
        context.SetDefaultTimeout((float)BrowserFixture.Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/wall");

        await Assertions.Expect(page.Locator("[data-pager]")).ToHaveTextAsync("page 1 of 14");
        await Assertions.Expect(page.Locator(".wall-tile")).ToHaveCountAsync(9);
        await AssertFitsAsync(page);
        await Assertions.Expect(page.Locator("[data-pager]")).ToHaveTextAsync("page 2 of 14", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator(".wall-tile")).ToHaveCountAsync(9);

        // A taller screen holds more rows: wall.js measures again and the pages get fewer.
        await page.SetViewportSizeAsync(1920, 2160);

        await Assertions.Expect(page.Locator("[data-pager]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^page [0-9]+ of [1-9]$"));
        Assert.True(await page.Locator(".wall-tile").CountAsync() >= 15, "the taller wall shows no more tiles");
        await AssertFitsAsync(page);
        await context.CloseAsync();
    }

    [Fact]
    public async Task ServerRestarts_WallShowsNoModalAndReloadsItself()
    {
        // A dashboard of this test's own on a fixed free port, so that the restarted one answers at the same address.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var first = new WallApp { Port = port };
        WallApp? second = null;
        try
        {
            await first.InitializeAsync();
            var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = first.BaseAddress.ToString(),
                ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
            });
            context.SetDefaultTimeout((float)BrowserFixture.Timeout.TotalMilliseconds);
            var page = await context.NewPageAsync();
            await BrowserFixture.GotoInteractiveAsync(page, "/wall");
            await Assertions.Expect(page.Locator(".wall-tile").First).ToBeVisibleAsync();
            await page.EvaluateAsync("() => window.__beforeRestart = true");

            await first.DisposeAsync();

            await Assertions.Expect(page.Locator(".wall-reconnecting")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-circuit", "reconnecting");
            // Blazor's own reconnect UI (a modal dialog) never appears on the wall.
            await page.WaitForTimeoutAsync(2000);
            Assert.Equal(0, await page.Locator("#components-reconnect-modal, dialog[open]").CountAsync());

            second = new WallApp { Port = port };
            await second.InitializeAsync();

            // The new server does not know the old circuit: the wall reloads itself and is live again.
            await page.WaitForFunctionAsync("() => window.__beforeRestart === undefined && document.body.dataset.circuit === 'connected'", null, new() { Timeout = 90_000 });
            await Assertions.Expect(page.Locator(".wall-tile").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-clock]")).ToContainTextAsync("live");
            await context.CloseAsync();
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    /// <summary>A dashboard of the wall tests' own, on Kestrel 127.0.0.1 (port 0 unless given), demo mode.</summary>
    public sealed class WallApp : IAsyncLifetime
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "openelb-wall-" + Guid.NewGuid().ToString("N"));
        private Factory? _factory;
        private bool _disposed;

        /// <summary>The port to listen on; 0 for any free port.</summary>
        public int Port { get; init; }

        /// <summary>The simulator scenario.</summary>
        public string Scenario { get; init; } = "demo";

        public Uri BaseAddress { get; private set; } = null!;

        public ClusterHost Cluster => _factory!.Services.GetRequiredService<ClusterHost>();

        /// <summary>More settings (e.g. a sign-in mode).</summary>
        public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

        /// <summary>The app's services.</summary>
        public IServiceProvider Services => _factory!.Services;

        public async ValueTask InitializeAsync()
        {
            Directory.CreateDirectory(_directory);
            _factory = new Factory(Path.Combine(_directory, "audit.db"), Scenario, Settings);
            _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, Port));
            _factory.StartServer();
            BaseAddress = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            using var timeout = new CancellationTokenSource(BrowserFixture.Timeout);
            if (!await _factory.Services.GetRequiredService<IClusterState>().WaitForSyncAsync(timeout.Token))
            {
                throw new InvalidOperationException("The wall's dashboard did not sync with its simulator.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_factory is not null)
            {
                await _factory.DisposeAsync();
            }
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private sealed class Factory(string auditPath, string scenario, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<App>
        {
            protected override void ConfigureWebHost(IWebHostBuilder builder)
            {
                builder.UseEnvironment("Production");
                builder.ConfigureLogging(static logging => logging.ClearProviders());
                builder.UseSetting("urls", "http://127.0.0.1:0");
                builder.UseSetting("Cluster:Mode", "Demo");
                builder.UseSetting("Demo:Scenario", scenario);
                builder.UseSetting("Wall:PageSeconds", "3");
                builder.UseSetting("Audit:DatabasePath", auditPath);
                builder.UseSetting("Wall:StaleOverlaySeconds", "2");
                foreach (var (key, value) in settings)
                {
                    builder.UseSetting(key, value);
                }
            }
        }
    }
}
