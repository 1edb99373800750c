using Microsoft.Extensions.Logging;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenElb.Dashboard.Components;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Hosting;

[assembly: AssemblyFixture(typeof(OpenElb.Dashboard.BrowserTests.BrowserFixture))]

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>
/// One real dashboard on Kestrel (127.0.0.1, port 0) in demo mode, and one headless Debian Chromium driven by
/// Playwright, shared by the browser tests. Tests that change the cluster use their own nodes.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "openelb-browser-" + Guid.NewGuid().ToString("N"));
    private DashboardApp? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string Kubeconfig => Path.Combine(_directory, "kubeconfig");

    public ClusterHost Cluster => _app!.Services.GetRequiredService<ClusterHost>();

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = new DashboardApp(Path.Combine(_directory, "audit.db"));
        _app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
        Cluster.Simulator!.WriteKubeconfig(Kubeconfig);
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            if (!await _app.Services.GetRequiredService<IClusterState>().WaitForSyncAsync(timeout.Token))
            {
                throw new InvalidOperationException("The dashboard's feed did not sync with its simulator.");
            }
        }

        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"Chromium was not found at {chromium}: run ./test.sh (it installs Debian's chromium) or set CHROMIUM_PATH.");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh page (its own context) of the given size and colour scheme.</summary>
    public async Task<IPage> NewPageAsync(int width = 1440, int height = 900, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
        });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    /// <summary>Opens <paramref name="path"/> and waits until the interactive circuit is up (live updates flow).</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        // Blazor marks the document once the circuit is connected; until then only the prerendered HTML is there.
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null && window.openelbDashboard !== undefined");
        await page.WaitForFunctionAsync("() => document.body.dataset.circuit === 'connected'");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class DashboardApp(string auditPath) : WebApplicationFactory<App>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            // Quiet test output: the tests assert on pages and state, not on logs.
            builder.ConfigureLogging(static logging => logging.ClearProviders());
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Cluster:Mode", "Demo");
            builder.UseSetting("Demo:Scenario", "demo");
            builder.UseSetting("Audit:DatabasePath", auditPath);
        }
    }
}
