using Microsoft.Playwright;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>The overview in real Chromium against the demo scenario, changed by real kubectl.</summary>
public sealed class OverviewBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Overview_UnderRedundantRouterIsFlaggedInWords()
    {
        var page = await fixture.NewPageAsync();

        await BrowserFixture.GotoInteractiveAsync(page, "/");

        var card = page.Locator(".router-card[data-router=leaf-c]");
        await Assertions.Expect(card.Locator(".redundancy-badge")).ToHaveTextAsync("Degraded");
        await Assertions.Expect(card.Locator(".redundancy-detail")).ToContainTextAsync("1 session established of 1 expected");
        await Assertions.Expect(page.Locator("[data-banner=simulated]")).ToContainTextAsync("Simulated cluster");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task KubectlLabel_MovesNodeBetweenRoutersWithoutReload()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Assertions.Expect(page.Locator(".router-card[data-router=leaf-b] [data-node=worker-b4]")).ToBeVisibleAsync();
        // A marker the page keeps only as long as it is not reloaded.
        await page.EvaluateAsync("() => window.__noReload = true");

        await Kubectl.RunAsync(fixture.Kubeconfig, "label", "node", "worker-b4", "openelb.kubesphere.io/rack=rack-c", "--overwrite");

        await Assertions.Expect(page.Locator(".router-card[data-router=leaf-c] [data-node=worker-b4]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".router-card[data-router=leaf-b] [data-node=worker-b4]")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__noReload === true"), "the page was reloaded");
        await page.Context.CloseAsync();
    }
}
