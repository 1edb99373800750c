using Microsoft.Playwright;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>
/// The Speaker placement wizard in real Chromium, by keyboard only, up to the preview. It applies nothing: the demo
/// cluster is shared, and a placement change would move speakers under the other tests.
/// </summary>
public sealed class SpeakerPlacementWizardBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task NodeAffinityPreset_ByKeyboard_FillsTheEditorsAndPreviewsWithADryRun()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/wizards/speaker-placement");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Speaker placement");
        await Assertions.Expect(page.Locator("[data-action=preview]")).ToBeDisabledAsync();

        await page.Locator("[data-preset=node-affinity]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("#term-0-expr-0-key")).ToHaveValueAsync("openelb-speaker");
        await Assertions.Expect(page.Locator("#term-0-expr-0-values")).ToHaveValueAsync("true");
        await Assertions.Expect(page.Locator("[data-parts]")).ToHaveAttributeAsync("data-parts", "NodeAffinity");
        // Every input of the editors is announced by a visible label.
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('section input:not([type=hidden])')]
              .filter(el => el.getClientRects().length > 0)
              .filter(el => !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent.trim()))
              .map(el => el.outerHTML.slice(0, 160))
            """);
        Assert.Empty(unlabelled);
        Assert.True(await page.Locator("section input[id]").CountAsync() >= 7, "the editors' inputs were not found");
        Assert.Equal(1, await page.Locator("h1").CountAsync());

        await page.Locator("[data-action=preview]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("[data-section=preview] [data-dry-run=succeeded]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-section=preview] h2")).ToContainTextAsync("Set speaker placement (NodeAffinity)");
        await Assertions.Expect(page.Locator("[data-action=apply]")).ToBeEnabledAsync();
        await page.Context.CloseAsync();
    }
}
