namespace OpenElb.Dashboard.BrowserTests;

/// <summary>
/// Every control on every page has a name a screen reader can announce, and the page has exactly one h1. A coarse
/// check (no full accessible-name computation), but it catches the common failures: icon-only buttons, unlabelled
/// inputs, empty links.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    private const string UnnamedControlsScript = """
        () => {
          const named = el => {
            const label = (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim();
            if (label) return true;
            const by = el.getAttribute('aria-labelledby');
            if (by && by.split(/\s+/).some(id => (document.getElementById(id)?.textContent || '').trim())) return true;
            if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent.trim()) return true;
            if (el.closest('label')?.textContent.trim()) return true;
            if ((el.textContent || '').trim()) return true;
            if (el.querySelector('img[alt]:not([alt=""])')) return true;
            return (el.getAttribute('placeholder') || '').trim().length > 0;
          };
          const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
          return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=checkbox], [role=combobox]')]
            .filter(visible)
            .filter(el => !named(el))
            .map(el => el.outerHTML.slice(0, 160));
        }
        """;

    [Theory]
    [InlineData("/")]
    [InlineData("/nodes")]
    [InlineData("/nodes/worker-c1")]
    [InlineData("/routers/leaf-c")]
    [InlineData("/findings")]
    [InlineData("/speakers")]
    [InlineData("/audit")]
    [InlineData("/wizards/label-nodes?nodes=worker-c1")]
    [InlineData("/wizards/taint-nodes?nodes=worker-c1")]
    [InlineData("/wizards/restart-speakers?nodes=worker-c1")]
    [InlineData("/wizards/speaker-placement")]
    [InlineData("/wizards/restrict-speakers?router=leaf-c")]
    [InlineData("/wizards/revert")]
    [InlineData("/settings")]
    public async Task Page_EveryControlNamed_OneH1_NothingBlockedByTheContentSecurityPolicy(string path)
    {
        var page = await fixture.NewPageAsync();
        await page.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        var response = await page.GotoAsync(path);
        await BrowserFixture.GotoInteractiveAsync(page, path);

        var unnamed = await page.EvaluateAsync<string[]>(UnnamedControlsScript);
        var headings = await page.Locator("h1").CountAsync();
        var blocked = await page.EvaluateAsync<string[]>("() => window.__csp");

        Assert.Empty(unnamed);
        Assert.Equal(1, headings);
        Assert.Contains("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        Assert.Empty(blocked);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Check_IconOnlyButtonAndUnlabelledInput_Reported()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await page.EvaluateAsync("() => { const b = document.createElement('button'); b.innerHTML = '<svg></svg>'; document.body.append(b, document.createElement('input')); }");

        var unnamed = await page.EvaluateAsync<string[]>(UnnamedControlsScript);

        Assert.Equal(2, unnamed.Length);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Check_InlineScript_ReportedAsACspViolation()
    {
        var page = await fixture.NewPageAsync();
        await page.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.append(s); }");

        await page.WaitForFunctionAsync("() => window.__csp.length > 0");
        Assert.False(await page.EvaluateAsync<bool>("() => window.__ran === true"));
        await page.Context.CloseAsync();
    }
}
