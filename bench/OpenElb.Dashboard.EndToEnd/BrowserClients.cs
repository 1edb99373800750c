using System.Text.Json;
using Microsoft.Playwright;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// Real Blazor circuits in headless Debian Chromium (Playwright): wall pages (<c>/wall</c>) that record, in the page,
/// when the rendered view changed (the wall root's <c>data-updated-at</c>, with the "Sessions up" text and
/// <c>Date.now()</c>), and admin pages (<c>/</c>, the overview). Each page has its own browser context (its own circuit).
/// </summary>
internal sealed class BrowserClients : IAsyncDisposable
{
    // Installed once the wall is interactive; kept on window, so a reload (a lost circuit) is visible as its absence.
    private const string ObserveScript = """
        () => {
            const e2e = { events: [], circuit: [] };
            window.__e2e = e2e;
            const record = () => {
                const root = document.querySelector('.wall');
                const sessions = document.querySelector('[data-summary=sessions] dd');
                e2e.events.push({ t: Date.now(), u: root ? Number(root.dataset.updatedAt) : 0, s: sessions ? sessions.textContent.replace(/\s+/g, ' ').trim() : '' });
                if (e2e.events.length > 4000) { e2e.events.splice(0, 2000); }
            };
            new MutationObserver(record).observe(document.body, { attributes: true, attributeFilter: ['data-updated-at'], subtree: true });
            new MutationObserver(() => e2e.circuit.push({ t: Date.now(), c: document.body.dataset.circuit || '' }))
                .observe(document.body, { attributes: true, attributeFilter: ['data-circuit'] });
            record();
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<IPage> _walls = [];
    private readonly List<IPage> _admins = [];

    private BrowserClients(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public int Walls => _walls.Count;

    public int Admins => _admins.Count;

    public static async Task<BrowserClients> LaunchAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new FileNotFoundException("Debian's chromium is needed (apt-get install chromium) or set CHROMIUM_PATH", chromium);
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Background pages must keep running their timers and rendering like a wall on its own screen.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });
        return new BrowserClients(playwright, browser);
    }

    private async Task<IPage> OpenAsync(Uri baseAddress, string path)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.WaitForFunctionAsync("() => document.body.dataset.circuit === 'connected'");
        return page;
    }

    public async Task OpenWallAsync(Uri baseAddress)
    {
        var page = await OpenAsync(baseAddress, "/wall");
        await page.WaitForFunctionAsync("() => document.querySelector('.wall[data-wall=ready] .wall-tile') !== null");
        await page.EvaluateAsync(ObserveScript);
        _walls.Add(page);
    }

    public async Task OpenAdminAsync(Uri baseAddress) => _admins.Add(await OpenAsync(baseAddress, "/"));

    /// <summary>Per wall: the first time (browser Date.now()) at or after <paramref name="sinceMs"/> it showed <paramref name="sessionsText"/>.</summary>
    public async Task<long?[]> FirstShownAsync(long sinceMs, string sessionsText)
    {
        var result = new long?[_walls.Count];
        for (var i = 0; i < _walls.Count; i++)
        {
            var events = await _walls[i].EvaluateAsync<JsonElement>("since => window.__e2e ? window.__e2e.events.filter(e => e.t >= since) : null", sinceMs);
            if (events.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var e in events.EnumerateArray())
            {
                if (e.GetProperty("s").GetString() == sessionsText)
                {
                    result[i] = e.GetProperty("t").GetInt64();
                    break;
                }
            }
        }
        return result;
    }

    /// <summary>What each wall shows now under "Sessions up".</summary>
    public async Task<string[]> ShownAsync()
    {
        var result = new string[_walls.Count];
        for (var i = 0; i < _walls.Count; i++)
        {
            result[i] = await _walls[i].EvaluateAsync<string>("() => { const s = document.querySelector('[data-summary=sessions] dd'); return s ? s.textContent.replace(/\\s+/g, ' ').trim() : ''; }");
        }
        return result;
    }

    /// <summary>Pages whose circuit left 'connected' at some point, or that reloaded (lost the recorder), or that are not connected now.</summary>
    public async Task<int> DisturbedAsync()
    {
        var disturbed = 0;
        foreach (var page in _walls)
        {
            var ok = await page.EvaluateAsync<bool>("() => !!window.__e2e && window.__e2e.circuit.every(c => c.c === 'connected') && document.body.dataset.circuit === 'connected'");
            disturbed += ok ? 0 : 1;
        }
        foreach (var page in _admins)
        {
            var ok = await page.EvaluateAsync<bool>("() => document.body.dataset.circuit === 'connected'");
            disturbed += ok ? 0 : 1;
        }
        return disturbed;
    }

    /// <summary>Drops recorded events (the soak must not grow the pages' own lists).</summary>
    public async Task TrimAsync()
    {
        foreach (var page in _walls)
        {
            await page.EvaluateAsync("() => { if (window.__e2e) { window.__e2e.events.splice(0, Math.max(0, window.__e2e.events.length - 1)); } }");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
