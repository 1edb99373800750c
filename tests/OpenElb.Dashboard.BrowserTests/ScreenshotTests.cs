using Microsoft.Playwright;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>
/// Light and dark renderings of the main pages. The theme follows the browser's colour scheme by default; the test
/// checks the page really is light or dark and writes the screenshots to <c>OPENELB_SCREENSHOTS</c> (the README's
/// docs/screenshots are made this way) or to a temp directory.
/// </summary>
public sealed class ScreenshotTests(BrowserFixture fixture)
{
    public static TheoryData<string, string, ColorScheme> Pages => new()
    {
        { "overview", "/", ColorScheme.Light },
        { "overview", "/", ColorScheme.Dark },
        { "nodes", "/nodes", ColorScheme.Light },
        { "nodes", "/nodes", ColorScheme.Dark },
        { "node-detail", "/nodes/worker-c1", ColorScheme.Light },
        { "node-detail", "/nodes/worker-c1", ColorScheme.Dark },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_FollowsColourScheme(string name, string path, ColorScheme scheme)
    {
        var page = await fixture.NewPageAsync(1440, 900, scheme);
        await BrowserFixture.GotoInteractiveAsync(page, path);
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        var dark = scheme == ColorScheme.Dark;
        // MudBlazor paints the background from its palette; wait for the theme to be applied after the circuit starts.
        await page.WaitForFunctionAsync(
            "dark => { const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); const l = (c[0] + c[1] + c[2]) / 3; return dark ? l < 80 : l > 180; }",
            dark);

        var directory = Environment.GetEnvironmentVariable("OPENELB_SCREENSHOTS") ?? Path.Combine(Path.GetTempPath(), "openelb-screenshots");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{name}-{(dark ? "dark" : "light")}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
        Assert.True(new FileInfo(file).Length > 10_000, $"{file} is too small to be a rendered page");
        await page.Context.CloseAsync();
    }
}
