using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>
/// A wall display opened with a wall link in real Chromium, on a dashboard where the browser is otherwise nobody
/// (TrustedProxy mode; the browser is not the proxy): the wall shows, the token leaves the address bar, and revoking
/// the token ends the running wall within seconds without a reload.
/// </summary>
public sealed class WallTokenBrowserTests(BrowserFixture fixture, WallTokenBrowserTests.TokenWallApp app) : IClassFixture<WallTokenBrowserTests.TokenWallApp>
{
    [Fact]
    public async Task WallLink_ShowsTheWall_RevocationEndsItWithinSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var tokens = app.Inner.Services.GetRequiredService<WallTokenService>();
        var admin = DashboardPrincipal.Create("ada", null, "proxy", [], [DashboardRoles.Admin], new RoleMappingOptions(), new ChangeAuthorizationOptions());
        var created = await tokens.CreateAsync("lobby", null, admin, ct);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.Inner.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
        });
        context.SetDefaultTimeout((float)BrowserFixture.Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();

        // Without the link: nothing.
        var refused = await page.GotoAsync("/wall");
        Assert.Equal(401, refused!.Status);

        await page.GotoAsync($"/wall?token={created.Token}");
        await page.WaitForFunctionAsync("() => document.body.dataset.circuit === 'connected'");
        await Assertions.Expect(page.Locator(".wall-tile[data-router=leaf-c] [data-status]")).ToHaveTextAsync("DEGRADED");
        Assert.EndsWith("/wall", page.Url, StringComparison.Ordinal);

        var revokedAt = DateTime.UtcNow;
        Assert.True(await tokens.RevokeAsync(created.Record.Id, admin, ct));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access has ended" })).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var seconds = (DateTime.UtcNow - revokedAt).TotalSeconds;

        await Assertions.Expect(page.Locator(".wall-tile")).ToHaveCountAsync(0);
        Assert.True(seconds < 10, $"the wall ended {seconds:0.0} s after the revocation");
        await context.CloseAsync();
    }

    /// <summary>A wall dashboard in TrustedProxy mode whose only proxy is an address the browser does not use.</summary>
    public sealed class TokenWallApp : IAsyncLifetime
    {
        public WallBrowserTests.WallApp Inner { get; } = new()
        {
            Settings = new Dictionary<string, string?>
            {
                ["Auth:Mode"] = "TrustedProxy",
                ["Auth:TrustedProxy:KnownProxies:0"] = "127.0.0.2",
            },
        };

        public ValueTask InitializeAsync() => Inner.InitializeAsync();

        public ValueTask DisposeAsync() => Inner.DisposeAsync();
    }
}
