using System.Net;
using System.Security.Cryptography;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>
/// <c>Auth:Mode=Oidc</c> end to end against a tiny OpenID Connect provider on 127.0.0.1 (discovery, JWKS, authorize,
/// token with a signed id_token): pages redirect to the provider with the code flow and PKCE, the API answers 401, and a
/// sign-in whose id_token carries roles and groups as arrays gets the roles the mapping gives.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private readonly FakeProvider _provider = new();
    private readonly CapturingLoggerProvider _logs = new();
    private WebApp.DashboardFactory _app = null!;
    private Uri _address = null!;

    public async ValueTask InitializeAsync()
    {
        await _provider.StartAsync();
        _app = new WebApp.DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Auth:Mode"] = "Oidc",
            ["Auth:Oidc:Authority"] = _provider.Issuer,
            ["Auth:Oidc:ClientId"] = "openelb-dashboard",
            ["Auth:Oidc:ClientSecret"] = "s3cret-never-shown",
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["Auth:Roles:Admin:0"] = "ops-admins",
        })
        { LogCapture = _logs };
        _address = _app.StartKestrel();
        await _app.WaitForSyncAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Page_RedirectsToTheProvider_ApiSays401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Client(new CookieContainer());

        using var page = await client.GetAsync("/nodes", ct);
        using var api = await client.GetAsync("/api/v1/topology", ct);

        Assert.Equal(HttpStatusCode.Found, page.StatusCode);
        var location = page.Headers.Location!;
        Assert.StartsWith(_provider.Issuer + "/authorize", location.ToString(), StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(("openelb-dashboard", "code", "S256"), (query["client_id"], query["response_type"], query["code_challenge_method"]));
        Assert.DoesNotContain("s3cret", location.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData(new[] { "staff", "ops-admins" }, new string[0], "carol · admin", HttpStatusCode.OK)]
    [InlineData(new[] { "staff" }, new[] { "viewer", "other" }, "carol · viewer", HttpStatusCode.Forbidden)]
    public async Task SignIn_ArrayClaims_MapToRoles(string[] groups, string[] roles, string shown, HttpStatusCode wizard)
    {
        var ct = TestContext.Current.CancellationToken;
        _provider.Claims = new Dictionary<string, object> { ["preferred_username"] = "carol", ["groups"] = groups, ["roles"] = roles };
        var cookies = new CookieContainer();
        using var client = Client(cookies);

        // Browser steps by hand: the page sends us to the provider, the provider straight back with a code.
        using var challenge = await client.GetAsync("/nodes", ct);
        using var authorize = await client.GetAsync(challenge.Headers.Location, ct);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        using var callback = await client.GetAsync(authorize.Headers.Location, ct);
        Assert.True(callback.StatusCode == HttpStatusCode.Found, $"callback: {(int)callback.StatusCode} {string.Join("\n", _logs.Lines.Where(static l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal)))}");
        Assert.Equal("/nodes", callback.Headers.Location!.OriginalString);

        using var nodes = await client.GetAsync("/nodes", ct);
        var html = await nodes.Content.ReadAsStringAsync(ct);
        using var labelWizard = await client.GetAsync("/wizards/label-nodes", ct);

        Assert.Equal(HttpStatusCode.OK, nodes.StatusCode);
        Assert.Contains(shown, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", html, StringComparison.Ordinal);
        Assert.Equal(wizard, labelWizard.StatusCode);
    }

    private HttpClient Client(CookieContainer cookies) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies }) { BaseAddress = _address };

    /// <summary>Discovery, JWKS, an authorize endpoint that approves at once, and a token endpoint.</summary>
    private sealed class FakeProvider : IAsyncDisposable
    {
        private readonly RSA _key = RSA.Create(2048);
        private readonly Dictionary<string, string> _nonces = new(StringComparer.Ordinal);
        private WebApplication? _app;

        public string Issuer { get; private set; } = "";

        public Dictionary<string, object> Claims { get; set; } = [];

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            // Built through the gate: a host built at the moment a WebApplicationFactory resolves its own is taken for it.
            _app = InProcessHosts.Build(builder.Build);
            var signing = new RsaSecurityKey(_key) { KeyId = "k1" };
            _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["authorization_endpoint"] = Issuer + "/authorize",
                ["token_endpoint"] = Issuer + "/token",
                ["jwks_uri"] = Issuer + "/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
            }));
            _app.MapGet("/jwks", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = "k1" });
                return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = "k1", alg = "RS256", n = jwk.N, e = jwk.E } } });
            });
            _app.MapGet("/authorize", (HttpRequest request) =>
            {
                var code = Guid.NewGuid().ToString("N");
                lock (_nonces)
                {
                    _nonces[code] = request.Query["nonce"].ToString();
                }
                return Results.Redirect($"{request.Query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(request.Query["state"].ToString())}");
            });
            _app.MapPost("/token", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                string nonce;
                lock (_nonces)
                {
                    nonce = _nonces[form["code"].ToString()];
                }
                var claims = new Dictionary<string, object>(Claims) { ["sub"] = "u-1", ["nonce"] = nonce };
                var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = Issuer,
                    Audience = form["client_id"].ToString() is { Length: > 0 } id ? id : "openelb-dashboard",
                    Claims = claims,
                    IssuedAt = DateTime.UtcNow,
                    Expires = DateTime.UtcNow.AddMinutes(5),
                    SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
                });
                return Results.Json(new { access_token = "opaque", token_type = "Bearer", expires_in = 300, id_token = idToken });
            });
            _app.MapGet("/userinfo", () => Results.Json(new { sub = "u-1" }));
            await _app.StartAsync();
            Issuer = _app.Urls.Single().TrimEnd('/');
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
            _key.Dispose();
        }
    }
}
