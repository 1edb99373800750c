using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Model;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Pages;

/// <summary>The Settings page's wall tokens over the real service and a real SQLite audit store.</summary>
public sealed class SettingsTests : DashboardTestContext, IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly ClaimsPrincipal s_admin = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.Role, "admin")], "test"));

    private readonly AuditTestStore _store = new();

    public SettingsTests()
    {
        _store.Register(Services);
        Services.AddWallTokens();
    }

    private WallTokenService Tokens => Services.GetRequiredService<WallTokenService>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Signs <paramref name="name"/> in with <paramref name="roles"/> (no one: not signed in), then
    /// migrates the store and loads the tokens. Authorization must be added before any service is resolved.
    /// </summary>
    private async Task StartAsync(string? name, params string[] roles)
    {
        if (name is null)
        {
            Authorization.SetNotAuthorized();
        }
        else
        {
            Authorization.SetAuthorized(name);
            Authorization.SetRoles(roles);
        }
        await Services.GetRequiredService<SqliteAuditLog>().InitializeAsync(Ct).WaitAsync(s_timeout, Ct);
        await Tokens.LoadAsync(Ct).WaitAsync(s_timeout, Ct);
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await _store.DisposeAsync();
    }

    private IRenderedComponent<Settings> Open()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("settings");
        var cut = Render<Settings>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-wall-tokens]")));
        return cut;
    }

    private static string StateOf(IRenderedComponent<Settings> cut, Guid id)
        => cut.Find($"tr[data-token='{id}'] [data-col=state]").GetAttribute("data-state")!;

    [Fact]
    public async Task Admin_CreatesToken_SeesItOnceWithTheWallAddressAndInTheList()
    {
        await StartAsync("alice", "admin");
        var cut = Open();
        Assert.Single(cut.FindAll("h1"));
        Assert.Equal("Settings", cut.Find("h1").TextContent.Trim());

        cut.Find("#wall-token-name").Change("NOC wall");
        cut.Find("form[data-form=create]").Submit();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-created]")), s_timeout);
        var token = cut.Find("#wall-token-value").GetAttribute("value")!;
        Assert.StartsWith("owt_", token, StringComparison.Ordinal);
        Assert.True(cut.Find("#wall-token-value").HasAttribute("readonly"));
        var identity = Tokens.Validate(token);
        Assert.NotNull(identity);
        Assert.Equal("NOC wall", identity.Name);
        Assert.Equal($"http://localhost/wall?token={token}", cut.Find("#wall-token-url").GetAttribute("value"));
        Assert.Contains("you won't see it again", cut.Find("[data-once]").TextContent, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Equal("active", StateOf(cut, identity.Id)));
        var row = cut.Find($"tr[data-token='{identity.Id}']");
        Assert.Equal("NOC wall", row.QuerySelector("th[scope=row]")!.TextContent.Trim());
        Assert.Equal("alice", row.QuerySelector("[data-col=created-by]")!.TextContent.Trim());
        Assert.Equal("never", row.QuerySelector("[data-col=expires]")!.TextContent.Trim());

        cut.Find("[data-action=copy-token]").Click();
        cut.WaitForAssertion(() => Assert.Contains("on the clipboard", cut.Find("[data-copy-status]").TextContent, StringComparison.Ordinal));
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText" && Equals(i.Arguments[0], token));

        cut.Find("[data-action=dismiss]").Click();

        Assert.Empty(cut.FindAll("[data-created]"));
        Assert.DoesNotContain(token, cut.Markup, StringComparison.Ordinal);
        // Opened again, the page cannot show it: only the hash is kept.
        Assert.DoesNotContain(token, Open().Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_CreateWithExpiry_ShowsTheExpiryInTheList()
    {
        await StartAsync("alice", "admin");
        var cut = Open();

        cut.Find("#wall-token-name").Change("lobby");
        // The browser's zone is unknown in the test (no JS answer), so the page reads times in UTC.
        cut.Find("#wall-token-expires").Change("2026-05-02T10:30");
        cut.Find("form[data-form=create]").Submit();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-created]")), s_timeout);
        var record = Assert.Single(cut.FindAll("tbody tr"));
        Assert.Equal("2026-05-02 10:30:00", record.QuerySelector("[data-col=expires]")!.TextContent.Trim());
        Assert.Equal(new DateTimeOffset(2026, 5, 2, 10, 30, 0, TimeSpan.Zero), (await Tokens.ListAsync(Ct)).Single().ExpiresAt);
    }

    [Fact]
    public async Task Admin_DuplicateNameOrPastExpiry_SaysWhyAndCreatesNothing()
    {
        await StartAsync("alice", "admin");
        await Tokens.CreateAsync("NOC wall", null, s_admin, Ct);
        var cut = Open();

        cut.Find("#wall-token-name").Change("NOC wall");
        cut.Find("form[data-form=create]").Submit();
        cut.WaitForAssertion(() => Assert.Contains("already called 'NOC wall'", cut.Find("[data-error=create]").TextContent, StringComparison.Ordinal), s_timeout);

        cut.Find("#wall-token-name").Change("lobby");
        cut.Find("#wall-token-expires").Change("2020-01-01T00:00");
        cut.Find("form[data-form=create]").Submit();
        cut.WaitForAssertion(() => Assert.Contains("must be in the future", cut.Find("[data-error=create]").TextContent, StringComparison.Ordinal), s_timeout);

        Assert.Empty(cut.FindAll("[data-created]"));
        Assert.Single(await Tokens.ListAsync(Ct));
    }

    [Fact]
    public async Task Admin_Revoke_AsksFirstThenFlipsTheStateAndTheTokenStopsWorking()
    {
        await StartAsync("alice", "admin");
        var created = await Tokens.CreateAsync("NOC wall", null, s_admin, Ct);
        var cut = Open();
        cut.WaitForAssertion(() => Assert.Equal("active", StateOf(cut, created.Record.Id)));

        cut.Find($"tr[data-token='{created.Record.Id}'] [data-action=revoke]").Click();
        Assert.Contains("Revoke “NOC wall”?", cut.Find($"[data-confirm='{created.Record.Id}']").TextContent, StringComparison.Ordinal);
        // Cancelling changes nothing.
        cut.Find("[data-action=cancel-revoke]").Click();
        Assert.Empty(cut.FindAll("[data-confirm]"));
        Assert.NotNull(Tokens.Validate(created.Token));

        cut.Find($"tr[data-token='{created.Record.Id}'] [data-action=revoke]").Click();
        cut.Find("[data-action=confirm-revoke]").Click();

        cut.WaitForAssertion(() => Assert.Equal("revoked", StateOf(cut, created.Record.Id)), s_timeout);
        Assert.Contains("by alice", cut.Find($"tr[data-token='{created.Record.Id}'] [data-col=state]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-action=revoke]"));
        Assert.Null(Tokens.Validate(created.Token));
    }

    [Fact]
    public async Task Viewer_SeesTheTokensButNoCreateOrRevokeControls()
    {
        await StartAsync("victor", "viewer");
        var created = await Tokens.CreateAsync("NOC wall", null, s_admin, Ct);
        var cut = Open();

        cut.WaitForAssertion(() => Assert.Equal("active", StateOf(cut, created.Record.Id)));
        Assert.NotEmpty(cut.FindAll("[data-wall-tokens=read-only]"));
        Assert.Empty(cut.FindAll("form[data-form=create]"));
        Assert.Empty(cut.FindAll("#wall-token-name"));
        Assert.Empty(cut.FindAll("[data-action=revoke]"));
        Assert.DoesNotContain("Actions", cut.FindAll("thead th").Select(th => th.TextContent));
    }

    [Fact]
    public async Task NoAuthenticationState_IsReadOnly()
    {
        await StartAsync(null);
        await Tokens.CreateAsync("NOC wall", null, s_admin, Ct);

        var cut = Open();

        Assert.NotEmpty(cut.FindAll("[data-wall-tokens=read-only]"));
        Assert.Empty(cut.FindAll("form[data-form=create]"));
        Assert.Empty(cut.FindAll("[data-action=revoke]"));
        Assert.Single(cut.FindAll("tbody tr"));
    }

    [Fact]
    public async Task Admin_NoTokens_SaysSo()
    {
        await StartAsync("alice", "admin");

        var cut = Open();

        Assert.Contains("No wall tokens yet.", cut.Find("[data-wall-tokens=empty]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAndRevoke_AppearOnTheAuditPageInWords()
    {
        await StartAsync("alice", "admin");
        var created = await Tokens.CreateAsync("NOC wall", null, s_admin, Ct);
        await Tokens.RevokeAsync(created.Record.Id, s_admin, Ct);
        Services.GetRequiredService<NavigationManager>().NavigateTo("audit");

        var cut = Render<AuditLog>();

        cut.WaitForAssertion(() => Assert.Equal(
            ["Wall token revoked", "Wall token created"],
            cut.FindAll("[data-audit=table] tbody [data-col=action]").Select(td => td.TextContent.Trim()).ToArray()), s_timeout);
        Assert.Equal("WallToken/NOC wall", cut.Find("[data-audit=table] tbody [data-col=target]").TextContent.Trim());
        Assert.DoesNotContain(created.Token, cut.Markup, StringComparison.Ordinal);
    }
}
