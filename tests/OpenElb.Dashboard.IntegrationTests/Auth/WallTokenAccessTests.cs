using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>
/// Wall tokens on real Kestrel, from a client nobody else would let in (TrustedProxy mode, a stranger's address): the
/// link signs in with the wall cookie and strips the token; the wall role reaches the wall and its hub only; a
/// revocation closes the hub connection within seconds and ends the cookie; attempts are rate-limited; the token is
/// in no log even at Trace.
/// </summary>
public sealed class WallTokenAccessTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly WebApp.DashboardFactory _app;
    private readonly Uri _address;

    public WallTokenAccessTests()
    {
        _app = new WebApp.DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Auth:Mode"] = "TrustedProxy",
            ["Auth:TrustedProxy:KnownProxies:0"] = "127.0.0.2",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
        })
        { LogCapture = _logs };
        _address = _app.StartKestrel();
    }

    public async ValueTask InitializeAsync() => await _app.WaitForSyncAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task WallLink_SignsInTheWallOnly_AndRevocationEndsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await CreateTokenAsync("lobby");
        var cookies = new CookieContainer();
        using var client = Client(cookies);

        using var signIn = await client.GetAsync($"/wall?token={created.Token}", ct);

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/wall", signIn.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains(DashboardAuthExtensions.WallCookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(created.Token, setCookie, StringComparison.Ordinal);

        // The wall and nothing else.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/wall"));
        foreach (var path in (string[])["/", "/nodes", "/audit", "/settings", "/api/v1/topology", "/audit/export.csv", "/openapi/v1.json", "/wizards/label-nodes"])
        {
            Assert.True(await StatusAsync(client, HttpMethod.Get, path) == HttpStatusCode.Forbidden, $"the wall role reached {path}");
        }
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Post, ChangesApi.PreviewPath));

        // The hub: the wall gets the summary; revocation closes the connection within seconds.
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = new ConcurrentQueue<TopologyMessage>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_address, TopologyHub.Path), options =>
            {
                options.Cookies = cookies;
                options.HttpMessageHandlerFactory = _ => Handler(cookies);
            })
            .Build();
        hub.On<TopologyMessage>(TopologyHub.Method, messages.Enqueue);
        hub.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await hub.StartAsync(ct);
        await WaitUntilAsync(() => !messages.IsEmpty, "the wall's hub connection got no topology");

        var admin = Admin();
        Assert.True(await _app.Services.GetRequiredService<WallTokenService>().RevokeAsync(created.Record.Id, admin, ct));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/wall"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, $"/wall?token={created.Token}"));
        Assert.Equal(0, _app.Services.GetRequiredService<WallConnections>().Count);
    }

    [Fact]
    public async Task WallLink_UnknownToken_IsRefused_AndAttemptsAreRateLimited()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Client(new CookieContainer());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < WallSignIn.AttemptsPerMinute + 2; i++)
        {
            statuses.Add(await StatusAsync(client, HttpMethod.Get, "/wall?token=owt_" + new string('A', 43)));
        }

        Assert.All(statuses.Take(WallSignIn.AttemptsPerMinute), static s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(WallSignIn.AttemptsPerMinute), static s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    [Fact]
    public async Task Token_IsInNoLog_EvenAtTrace()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await CreateTokenAsync("reception");
        using var client = Client(new CookieContainer());

        Assert.Equal(HttpStatusCode.SeeOther, await StatusAsync(client, HttpMethod.Get, $"/wall?token={created.Token}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/wall"));

        Assert.True(_logs.Lines.Count > 10, "the capture should have seen the app's logs");
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(created.Token, StringComparison.Ordinal) || line.Contains(created.Token[4..20], StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, static line => line.Contains("token=", StringComparison.Ordinal));
    }

    private async Task<CreatedWallToken> CreateTokenAsync(string name) =>
        await _app.Services.GetRequiredService<WallTokenService>().CreateAsync(name, null, Admin(), TestContext.Current.CancellationToken);

    private static System.Security.Claims.ClaimsPrincipal Admin() =>
        DashboardPrincipal.Create("ada", null, "proxy", [], [DashboardRoles.Admin], new RoleMappingOptions(), new ChangeAuthorizationOptions());

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("""{"kind":"restartSpeakers","nodes":["worker-a1"]}""", System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private HttpClient Client(CookieContainer cookies) => new(Handler(cookies)) { BaseAddress = _address };

    private static SocketsHttpHandler Handler(CookieContainer cookies) => new() { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies };

    private static async Task WaitUntilAsync(Func<bool> condition, string message)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, message);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>A wall stays signed in across a restart: the cookie keys live next to the audit log.</summary>
public sealed class WallRestartTests
{
    [Fact]
    public async Task WallCookie_StillWorks_AfterTheDashboardRestarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(Path.GetTempPath(), "openelb-restart-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "TrustedProxy",
            ["Auth:TrustedProxy:KnownProxies:0"] = "127.0.0.2",
            ["Audit:DatabasePath"] = Path.Combine(directory, "audit.db"),
        };
        var cookies = new CookieContainer();
        try
        {
            var (first, firstAddress) = KestrelApp.Start(settings);
            await using (first)
            {
                await first.WaitForSyncAsync();
                var admin = DashboardPrincipal.Create("ada", null, "proxy", [], [DashboardRoles.Admin], new RoleMappingOptions(), new ChangeAuthorizationOptions());
                var token = await first.Services.GetRequiredService<WallTokenService>().CreateAsync("lobby", null, admin, ct);
                using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = firstAddress };
                using var signIn = await client.GetAsync($"/wall?token={token.Token}", ct);
                Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
            }

            var (second, secondAddress) = KestrelApp.Start(settings);
            await using (second)
            {
                await second.WaitForSyncAsync();
                // The cookie was issued for the first address; present it to the second (another port, same host).
                var cookie = cookies.GetAllCookies().Single(static c => c.Name == DashboardAuthExtensions.WallCookieName);
                using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = secondAddress };
                using var request = new HttpRequestMessage(HttpMethod.Get, "/wall");
                request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
                using var wall = await client.SendAsync(request, ct);

                Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
                Assert.NotEmpty(Directory.GetFiles(Path.Combine(directory, "keys"), "key-*.xml"));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
