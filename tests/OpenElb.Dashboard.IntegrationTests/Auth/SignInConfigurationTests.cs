using System.Diagnostics;
using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>Start-up refusals and the OIDC claim mapping.</summary>
public sealed class SignInConfigurationTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://*:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://192.0.2.10:8080")]
    [InlineData("http://localhost:5080;http://dashboard.example.com:80")]
    public void Local_NonLoopbackUrl_IsAProblem(string urls)
    {
        var problem = DashboardAuthExtensions.Problem(new AuthOptions(), Configuration(("urls", urls)));

        Assert.NotNull(problem);
        Assert.Contains("Auth:Mode is Local", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:5080")]
    [InlineData("https://localhost:5443;http://127.0.0.2:5080")]
    public void Local_LoopbackUrl_IsFine(string urls) =>
        Assert.Null(DashboardAuthExtensions.Problem(new AuthOptions(), Configuration(("urls", urls))));

    [Fact]
    public void Local_HttpPorts_BindEverywhere_IsAProblem() =>
        Assert.NotNull(DashboardAuthExtensions.Problem(new AuthOptions(), Configuration(("http_ports", "8080"))));

    [Fact]
    public void Local_KestrelEndpointOnAllInterfaces_IsAProblem() =>
        Assert.NotNull(DashboardAuthExtensions.Problem(new AuthOptions(), Configuration(("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:9000"))));

    [Fact]
    public void Anonymous_AnyAddress_IsFine() =>
        Assert.Null(DashboardAuthExtensions.Problem(new AuthOptions { Mode = AuthMode.Anonymous }, Configuration(("urls", "http://0.0.0.0:8080"))));

    [Fact]
    public void TrustedProxy_WithoutProxies_IsAProblem()
    {
        var options = new AuthOptions { Mode = AuthMode.TrustedProxy };

        Assert.Contains("KnownProxies is empty", DashboardAuthExtensions.Problem(options, Configuration()), StringComparison.Ordinal);
        options.TrustedProxy.KnownProxies.Add("not-an-address");
        Assert.Contains("'not-an-address'", DashboardAuthExtensions.Problem(options, Configuration()), StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_WithoutAuthority_IsAProblem() =>
        Assert.Contains("Auth:Oidc:Authority", DashboardAuthExtensions.Problem(new AuthOptions { Mode = AuthMode.Oidc }, Configuration()), StringComparison.Ordinal);

    [Fact]
    public async Task Local_ProcessAskedToListenOnANonLoopbackAddress_RefusesToStart()
    {
        // The app as a user runs it: its own process, no mode configured. 192.0.2.10 (TEST-NET) is on no interface here,
        // so even a broken guard could not open a port; the refusal must come first and name the fix.
        var app = Path.Combine(AppContext.BaseDirectory, "OpenElb.Dashboard.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[app, "--urls", "http://192.0.2.10:8080", "--Cluster:Mode", "Demo", "--Audit:DatabasePath", Path.Combine(Path.GetTempPath(), $"openelb-{Guid.NewGuid():N}.db")])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Auth:Mode is Local", await stderr + await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_ArrayClaimsInAToken_MapToRoles()
    {
        // A real JWT as a provider sends it: roles and groups as JSON arrays become one claim per element.
        var handler = new JsonWebTokenHandler();
        var jwt = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["preferred_username"] = "carol",
                ["name"] = "Carol C.",
                ["groups"] = new[] { "staff", "ops-admins" },
                ["roles"] = new[] { "Viewer", "something-else" },
            },
        });
        var token = handler.ReadJsonWebToken(jwt);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(token.Claims, "oidc"));
        var settings = new AuthOptions();
        settings.Roles.Admin.Add("ops-admins");

        var mapped = DashboardAuthExtensions.FromOidc(principal, settings, new ChangeAuthorizationOptions());

        Assert.True(principal.FindAll("groups").Count() > 1, "the token should carry one claim per group");
        Assert.Equal("carol", mapped.Identity!.Name);
        Assert.Equal([DashboardRoles.Admin, DashboardRoles.Viewer], DashboardPrincipal.RolesOf(mapped));
        Assert.Equal(["staff", "ops-admins"], mapped.FindAll(DashboardClaims.Group).Select(static c => c.Value));
        Assert.Equal("oidc", mapped.FindFirst(DashboardClaims.AuthMethod)!.Value);
        Assert.Equal("Carol C.", mapped.FindFirst(DashboardClaims.DisplayName)!.Value);
    }

    [Fact]
    public void Oidc_ArrayAsOneJsonValuedClaim_IsSpread()
    {
        // Some providers' userinfo answers end up as one claim whose value is the JSON array.
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "u-1"), new Claim("email", "erin@example.com"), new Claim("roles", """["viewer"]"""), new Claim("groups", """["noc","ops"]""")], "oidc"));
        var settings = new AuthOptions();
        settings.Roles.Admin.Add("ops");

        var mapped = DashboardAuthExtensions.FromOidc(principal, settings, new ChangeAuthorizationOptions());

        Assert.Equal("erin@example.com", mapped.Identity!.Name);
        Assert.Equal([DashboardRoles.Admin, DashboardRoles.Viewer], DashboardPrincipal.RolesOf(mapped));
    }

    [Fact]
    public void Oidc_NoMappedGroupOrRole_NoRole()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("preferred_username", "frank"), new Claim("groups", "interns")], "oidc"));

        var mapped = DashboardAuthExtensions.FromOidc(principal, new AuthOptions(), new ChangeAuthorizationOptions());

        Assert.Empty(DashboardPrincipal.RolesOf(mapped));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(static v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
