using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The real composition root loads the wall tokens once the audit store is migrated (in the background of start-up).</summary>
public sealed class WallTokenHostingTests
{
    private static readonly ClaimsPrincipal s_admin = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.Role, "admin")], "test"));

    [Fact]
    public async Task Start_LoadsTokens_AndARestartedAppStillValidatesThem()
    {
        var ct = TestContext.Current.CancellationToken;
        string token;
        await using var first = DashboardFactory.Demo();
        _ = first.Server;
        var tokens = first.Services.GetRequiredService<WallTokenService>();
        // The load runs once the audit store has opened, in the background of start-up (after the feed's first sync).
        await tokens.WhenLoadedAsync(ct).AsTask().WaitAsync(TestTimeouts.Default, ct);
        Assert.Null(tokens.Unavailable);
        token = (await tokens.CreateAsync("NOC wall", null, s_admin, ct)).Token;
        var databasePath = Path.Combine(first.Directory, "audit.db");

        // A second app on the same file (as after a restart) admits the token without anyone creating it there.
        await using var second = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Audit:DatabasePath"] = databasePath,
        });
        _ = second.Server;
        var reloaded = second.Services.GetRequiredService<WallTokenService>();
        await reloaded.WhenLoadedAsync(ct).AsTask().WaitAsync(TestTimeouts.Default, ct);

        Assert.Null(reloaded.Unavailable);
        Assert.Equal("NOC wall", reloaded.Validate(token)?.Name);
    }

    [Fact]
    public async Task Start_AuditStoreUnavailable_TokensSayWhyAndTheAppRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = DashboardFactory.DemoWithAuditUnavailable();
        _ = app.Server;

        var tokens = app.Services.GetRequiredService<WallTokenService>();
        await tokens.WhenLoadedAsync(ct).AsTask().WaitAsync(TestTimeouts.Default, ct);

        Assert.StartsWith("Wall tokens are unavailable because the audit store cannot be read:", tokens.Unavailable, StringComparison.Ordinal);
        Assert.Null(tokens.Validate(WallTokenService.NewToken()));
    }
}
