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

    [Fact]
    public async Task Overview_CardsFarOffScreen_AreNotRenderedUntilScrolledTo()
    {
        // At 5,000 nodes the overview has 125 cards and ~1,500 node rows: the browser must not lay out and paint them all
        // on every change (content-visibility: auto on the cards).
        var page = await fixture.NewPageAsync();
        await page.SetViewportSizeAsync(1000, 300);
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        var cards = page.Locator(".router-card");
        await Assertions.Expect(cards.First).ToBeVisibleAsync();
        Assert.True(await cards.CountAsync() >= 2, "the demo scenario should have several router cards");
        const string Rendered = "card => card.querySelector('.router-node').checkVisibility({ contentVisibilityAuto: true })";

        Assert.True(await cards.First.EvaluateAsync<bool>(Rendered), "the first card, on screen, is rendered");
        Assert.False(await cards.Last.EvaluateAsync<bool>(Rendered), "the last card, below the 300 px viewport, is skipped");

        await cards.Last.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(cards.Last.Locator(".router-node").First).ToBeVisibleAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await cards.Last.EvaluateAsync<bool>(Rendered) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.True(await cards.Last.EvaluateAsync<bool>(Rendered), "the last card, scrolled to, is rendered");
        await page.Context.CloseAsync();
    }
}
