using Microsoft.Playwright;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>The Label nodes wizard in real Chromium: from a selection on /nodes to a label another open page shows live.</summary>
public sealed class LabelNodesWizardBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task LabelTwoSelectedNodes_ThroughTheWizard_OtherPageUpdatesWithoutReload()
    {
        // A label no other test uses, that moves no speaker: the shared demo cluster stays as the other tests expect it.
        const string Value = "browser-wizard-run";
        var watcher = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(watcher, $"/nodes?q={Value}");
        await Assertions.Expect(watcher.Locator("tr.node-row")).ToHaveCountAsync(0);
        await watcher.EvaluateAsync("() => window.__noReload = true");

        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/nodes");
        await page.Locator("tr[data-node=worker-a3] input[type=checkbox]").CheckAsync();
        await page.Locator("tr[data-node=worker-b3] input[type=checkbox]").CheckAsync();
        // The box is checked in the browser at once; the server's render (count, the button's link) follows.
        await Assertions.Expect(page.Locator("[data-count=selected]")).ToContainTextAsync("2 selected");
        await page.Locator("[data-action=label-selected]").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Label nodes");
        await Assertions.Expect(page.Locator("[data-section=nodes] [data-node]")).ToHaveCountAsync(2);
        await page.Locator("#label-key").FillAsync("example.com/wizard");
        await page.Locator("#label-value").FillAsync(Value);
        await page.Locator("[data-action=preview]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-dry-run=succeeded]")).ToHaveCountAsync(2);
        await page.Locator("[data-action=apply]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-section=result]")).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(page.Locator("[data-table=steps] tr[data-outcome=succeeded]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-link=audit]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^audit\\?correlation=[0-9a-f-]{36}$"));
        await Assertions.Expect(watcher.Locator("tr.node-row")).ToHaveCountAsync(2);
        await Assertions.Expect(watcher.Locator("tr[data-node=worker-a3]")).ToBeVisibleAsync();
        Assert.True(await watcher.EvaluateAsync<bool>("() => window.__noReload === true"), "the watching page was reloaded");
        var kubectl = await Kubectl.RunAsync(fixture.Kubeconfig, "get", "node", "worker-b3", "-o", "jsonpath={.metadata.labels.example\\.com/wizard}");
        Assert.Equal(Value, kubectl.Trim());
        await page.Context.CloseAsync();
        await watcher.Context.CloseAsync();
    }
}
