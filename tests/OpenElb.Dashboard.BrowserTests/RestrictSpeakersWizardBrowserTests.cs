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
/// The Restrict speakers wizard in real Chromium. Restricting moves speakers cluster-wide, which would change the shared
/// demo cluster under the other browser tests, so each test runs its own dashboard (seed scenario: node1..node6, one
/// router peering with every node) and borrows only the fixture's browser.
/// </summary>
public sealed class RestrictSpeakersWizardBrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Router = "bgppeer-router1";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "openelb-restrict-" + Guid.NewGuid().ToString("N"));
    private SeedApp? _app;
    private Uri _baseAddress = null!;

    private string Kubeconfig => Path.Combine(_directory, "kubeconfig");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = new SeedApp(Path.Combine(_directory, "audit.db"));
        _app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        _baseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        _app.Services.GetRequiredService<ClusterHost>().Simulator!.WriteKubeconfig(Kubeconfig);
        using var timeout = new CancellationTokenSource(BrowserFixture.Timeout);
        Assert.True(await _app.Services.GetRequiredService<IClusterState>().WaitForSyncAsync(timeout.Token), "the feed did not sync");
    }

    public async ValueTask DisposeAsync()
    {
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

    private async Task<IPage> NewPageAsync()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout((float)BrowserFixture.Timeout.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    private async Task<string[]> LabelledAsync() =>
        (await Kubectl.RunAsync(Kubeconfig, "get", "nodes", "-l", "openelb-speaker=true", "-o", "jsonpath={.items[*].metadata.name}"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task RouterCardLink_AcceptTheProposal_AppliedAndOtherPagesFollowWithoutReload()
    {
        var overview = await NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(overview, "/");
        await Assertions.Expect(overview.Locator($"[data-router={Router}] li[data-node=node3] [data-speaker=ready]")).ToBeVisibleAsync();
        await overview.EvaluateAsync("() => window.__noReload = true");
        var nodes = await NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(nodes, "/nodes");
        await Assertions.Expect(nodes.Locator("tr[data-node=node6] [data-speaker=ready]")).ToBeVisibleAsync();
        await nodes.EvaluateAsync("() => window.__noReload = true");

        var page = await NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await page.Locator($"[data-router={Router}] [data-link=restrict-speakers]").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Restrict speakers to nodes");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"wizards/restrict-speakers\\?router={Router}$"));
        var section = page.Locator($"section[data-router={Router}]");
        await Assertions.Expect(section).ToHaveAttributeAsync("data-focused", "true");
        await Assertions.Expect(section.GetByRole(AriaRole.Region)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = Router })).ToBeVisibleAsync();
        await Assertions.Expect(section.Locator("tr[data-proposed=true]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByLabel($"Keep a speaker on node1 ({Router})")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel($"Keep a speaker on node2 ({Router})")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel($"Keep a speaker on node3 ({Router})")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("[data-list=form-warnings]")).ToHaveCountAsync(0);

        await page.Locator("[data-action=preview]").ClickAsync();
        // Two labels and the DaemonSet, each accepted by the API server's dry run; six sessions down to two needs no confirmation.
        await Assertions.Expect(page.Locator("[data-dry-run=succeeded]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-table=nodes] tr[data-outcome=loses]")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("[data-banner=redundancy-drop]")).ToHaveCountAsync(0);
        await page.Locator("[data-action=apply]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-section=result]")).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(page.Locator("[data-table=steps] tr[data-outcome=succeeded]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-link=audit]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^audit\\?correlation=[0-9a-f-]{36}$"));
        Assert.Equal(["node1", "node2"], await LabelledAsync());
        // The simulator's DaemonSet controller rolls the speakers off node3..node6; the open pages follow the watch.
        await Assertions.Expect(nodes.Locator("tr[data-node=node6] [data-speaker=none]")).ToBeVisibleAsync();
        await Assertions.Expect(nodes.Locator("tr[data-node=node1] [data-speaker=ready]")).ToBeVisibleAsync();
        await Assertions.Expect(overview.Locator($"[data-router={Router}] li[data-node=node3] [data-speaker=none]")).ToBeVisibleAsync();
        await Assertions.Expect(overview.Locator($"[data-router={Router}] [data-speaker=ready]")).ToHaveCountAsync(2);
        Assert.True(await nodes.EvaluateAsync<bool>("() => window.__noReload === true"), "the nodes page was reloaded");
        Assert.True(await overview.EvaluateAsync<bool>("() => window.__noReload === true"), "the overview was reloaded");
        await page.Context.CloseAsync();
        await nodes.Context.CloseAsync();
        await overview.Context.CloseAsync();
    }

    [Fact]
    public async Task OnePickLeft_RedundancyDrop_ApplyWaitsForTheTypedWord()
    {
        var page = await NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, $"/wizards/restrict-speakers?router={Router}");
        var node2 = page.GetByLabel($"Keep a speaker on node2 ({Router})");
        await Assertions.Expect(node2).ToBeCheckedAsync();
        await node2.UncheckAsync();
        await Assertions.Expect(page.Locator($"[data-warning=fewer-than-two][data-subject={Router}]")).ToBeVisibleAsync();

        await page.Locator("[data-action=preview]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-banner=redundancy-drop]")).ToContainTextAsync(Router);
        await Assertions.Expect(page.Locator($"[data-table=routers] tr[data-router={Router}]")).ToHaveAttributeAsync("data-redundancy-after", "degraded");
        var apply = page.Locator("[data-action=apply]");
        await Assertions.Expect(apply).ToBeDisabledAsync();
        await page.Locator("#confirmation").FillAsync("degrad");
        await Assertions.Expect(apply).ToBeDisabledAsync();
        await page.Locator("#confirmation").FillAsync("degrade");
        await Assertions.Expect(apply).ToBeEnabledAsync();
        Assert.Empty(await LabelledAsync());
        await apply.ClickAsync();

        await Assertions.Expect(page.Locator("[data-section=result]")).ToHaveAttributeAsync("data-status", "succeeded");
        Assert.Equal(["node1"], await LabelledAsync());
        await page.Context.CloseAsync();
    }

    private sealed class SeedApp(string auditPath) : WebApplicationFactory<App>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureLogging(static logging => logging.ClearProviders());
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Cluster:Mode", "Demo");
            builder.UseSetting("Demo:Scenario", "seed");
            builder.UseSetting("Audit:DatabasePath", auditPath);
        }
    }
}
