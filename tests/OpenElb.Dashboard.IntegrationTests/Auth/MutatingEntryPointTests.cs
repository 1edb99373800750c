using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>
/// Every mutating endpoint, hub method and service entry point, found from the app's own metadata (so a new one cannot
/// be forgotten), refuses viewers and walls on the server.
/// </summary>
public sealed class MutatingEntryPointTests : IAsyncLifetime
{
    private static readonly IPAddress s_proxy = IPAddress.Parse("127.0.0.2");
    private static readonly string[] s_writes = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];
    private readonly WebApp.DashboardFactory _app;
    private readonly Uri _address;

    public MutatingEntryPointTests()
    {
        (_app, _address) = KestrelApp.Start(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "TrustedProxy",
            ["Auth:TrustedProxy:KnownProxies:0"] = "127.0.0.2",
            ["Auth:Roles:Admin:0"] = "ops-admins",
            ["Auth:Roles:Viewer:0"] = "noc",
        });
    }

    public async ValueTask InitializeAsync() => await _app.WaitForSyncAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// Who must be refused: a viewer (by group), a user with no role at all, and a wall (signed in with a wall token;
    /// user "wall" here means: no proxy headers, the wall cookie only).
    /// </summary>
    public static TheoryData<string, string> Refused => new() { { "vera", "noc" }, { "nora", "interns" }, { "wall", "" } };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task EveryMutatingEndpoint_RefusesNonAdmins(string user, string groups)
    {
        var ct = TestContext.Current.CancellationToken;
        var endpoints = MutatingEndpoints();
        Assert.True(endpoints.Count >= 3, "the Changes API's endpoints should be among them: " + string.Join(", ", endpoints.Select(static e => e.Pattern)));
        using var client = await ClientAsync(user);
        var answers = new List<string>();
        foreach (var (pattern, methods, _) in endpoints)
        {
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), Sample(pattern))
                {
                    Content = new StringContent("""{"kind":"setNodeLabels","nodes":["worker-a1"],"set":{"x":"y"},"remove":[]}""", Encoding.UTF8, "application/json"),
                };
                AddIdentity(request, user, groups);
                using var response = await client.SendAsync(request, ct);
                answers.Add($"{method} {pattern} → {(int)response.StatusCode}");
            }
        }

        // 403: refused by policy. 405: a read-only path refusing every write. Never a 2xx, and never a 400 (that would mean
        // the body was read, i.e. the request got past authorization).
        Assert.All(answers, static a => Assert.Matches(@"→ (403|405)$", a));
    }

    // A wall: a client from a stranger's address (no proxy headers count) holding the wall cookie of a fresh token.
    private async Task<HttpClient> ClientAsync(string user)
    {
        if (user != "wall")
        {
            return KestrelApp.Client(_address, s_proxy);
        }
        var admin = DashboardPrincipal.Create("ada", null, "proxy", [], [DashboardRoles.Admin], new RoleMappingOptions(), new ChangeAuthorizationOptions());
        var token = await _app.Services.GetRequiredService<WallTokenService>().CreateAsync("wall-" + Guid.NewGuid().ToString("N")[..8], null, admin, TestContext.Current.CancellationToken);
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = _address };
        using var signIn = await client.GetAsync($"/wall?token={token.Token}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        using var wall = await client.GetAsync("/wall", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
        return client;
    }

    private static void AddIdentity(HttpRequestMessage request, string user, string groups)
    {
        if (user != "wall")
        {
            request.Headers.Add("X-Forwarded-User", user);
            request.Headers.Add("X-Forwarded-Groups", groups);
        }
    }

    [Fact]
    public void EveryMutatingEndpoint_NamesTheAdminPolicy_OrRefusesAllWrites()
    {
        foreach (var (pattern, _, endpoint) in MutatingEndpoints())
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(static a => a.Policy).ToList();
            Assert.True(policies.Contains(DashboardPolicies.Admin) || endpoint.Metadata.GetMetadata<WritesRefusedMetadata>() is not null,
                $"{pattern} accepts writes without the admin policy (policies: {string.Join(", ", policies)})");
        }
    }

    [Fact]
    public void EveryPage_NamesAPolicy_AndEveryWizardNeedsAdmin()
    {
        var pages = PageEndpoints();
        Assert.True(pages.Count >= 15, $"expected every page, found {pages.Count}");
        foreach (var (route, type) in pages)
        {
            var authorize = type.GetCustomAttributes<AuthorizeAttribute>().ToList();
            var anonymous = type.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
            Assert.True(authorize.Count == 1 || anonymous, $"{route} ({type.Name}) names no policy");
            if (anonymous)
            {
                Assert.Contains(type.Name, (string[])["NotFound", "Error"]);
            }
            if (type.Namespace!.EndsWith(".Wizards", StringComparison.Ordinal))
            {
                Assert.Equal(DashboardPolicies.Admin, authorize.Single().Policy);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task EveryWizardPage_RefusesNonAdminsOnTheServer(string user, string groups)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await ClientAsync(user);
        var wizards = PageEndpoints().Where(static p => p.Type.Namespace!.EndsWith(".Wizards", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(wizards);
        foreach (var (route, _) in wizards)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, route);
            AddIdentity(request, user, groups);
            using var response = await client.SendAsync(request, ct);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET {route} as {user}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Hubs_OfferNoMethodsToCall()
    {
        var hubs = typeof(TopologyHub).Assembly.GetTypes().Where(static t => t.IsSubclassOf(typeof(Microsoft.AspNetCore.SignalR.Hub))).ToList();
        Assert.NotEmpty(hubs);
        foreach (var hub in hubs)
        {
            var callable = hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(static m => m.Name is not (nameof(TopologyHub.OnConnectedAsync) or nameof(TopologyHub.OnDisconnectedAsync)) && !m.IsSpecialName)
                .Select(static m => m.Name)
                .ToList();
            Assert.True(callable.Count == 0, $"{hub.Name} offers {string.Join(", ", callable)}: give each the admin policy and a refusal test");
        }
    }

    /// <summary>
    /// The app's service entry points that change something: public methods of its types whose names say they change
    /// something. Each must be in <see cref="s_serviceRefusals"/>, which calls it as a viewer and checks the refusal.
    /// </summary>
    [Fact]
    public async Task EveryMutatingServiceMethod_RefusesViewerAndWall()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] verbs = ["Apply", "Create", "Revoke", "Delete", "Write", "Restart", "Revert", "Undo", "Remove", "Patch"];
        var found = typeof(ChangeExecutor).Assembly.GetTypes()
            .Where(static t => t.IsClass && t.IsPublic && !t.IsAbstract && t.Namespace is { } ns && (ns.EndsWith(".Model", StringComparison.Ordinal) || ns.EndsWith(".Auth", StringComparison.Ordinal)))
            .SelectMany(static t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => (Type: t, Method: m)))
            .Where(m => typeof(Task).IsAssignableFrom(m.Method.ReturnType) && verbs.Any(v => m.Method.Name.StartsWith(v, StringComparison.Ordinal)))
            .Select(static m => $"{m.Type.Name}.{m.Method.Name}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Contains("ChangeExecutor.ApplyAsync", found);
        var missing = found.Where(static f => !s_serviceRefusals.ContainsKey(f)).ToList();
        Assert.True(missing.Count == 0, "mutating entry points without a refusal check: " + string.Join(", ", missing));
        var mapping = new RoleMappingOptions();
        mapping.Viewer.Add("noc");
        var viewer = DashboardPrincipal.Create("vera", null, "proxy", ["noc"], [], mapping, new ChangeAuthorizationOptions());
        foreach (var user in (System.Security.Claims.ClaimsPrincipal[])[viewer, DashboardPrincipal.Wall(Guid.NewGuid(), "lobby")])
        {
            foreach (var name in found)
            {
                using var scope = _app.CreateUserScope(user);
                Assert.True(await s_serviceRefusals[name](scope.ServiceProvider, ct), $"{name} did not refuse {user.Identity!.Name}");
            }
        }
    }

    // Each returns whether the call was refused (and nothing changed).
    private static readonly Dictionary<string, Func<IServiceProvider, CancellationToken, Task<bool>>> s_serviceRefusals = new(StringComparer.Ordinal)
    {
        ["ChangeExecutor.ApplyAsync"] = static async (services, ct) =>
        {
            var executor = services.GetRequiredService<ChangeExecutor>();
            var preview = await executor.PreviewAsync(SetNodeLabels.Add("openelb-dashboard-test", "viewer", "worker-a1"), ct);
            Assert.True(preview.Plan.IsValid);
            var result = await executor.ApplyAsync(preview, "degrade", ct);
            return result.Status == ApplyStatus.Refused && result.Message.Contains("is not an admin", StringComparison.Ordinal);
        },
        ["WallTokenService.CreateAsync"] = static async (services, ct) =>
        {
            var tokens = services.GetRequiredService<WallTokenService>();
            var before = (await tokens.ListAsync(ct)).Count;
            var user = services.GetRequiredService<CurrentUser>().Principal;
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => tokens.CreateAsync("viewer-made", null, user, ct));
            return (await tokens.ListAsync(ct)).Count == before;
        },
        ["WallTokenService.RevokeAsync"] = static async (services, ct) =>
        {
            var tokens = services.GetRequiredService<WallTokenService>();
            var admin = DashboardPrincipal.Create("ada", null, "proxy", [], [DashboardRoles.Admin], new RoleMappingOptions(), new ChangeAuthorizationOptions());
            var created = await tokens.CreateAsync("lobby-" + Guid.NewGuid().ToString("N")[..8], null, admin, ct);
            var user = services.GetRequiredService<CurrentUser>().Principal;
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => tokens.RevokeAsync(created.Record.Id, user, ct));
            return tokens.IsActive(created.Record.Id);
        },
    };

    private List<(string Pattern, IReadOnlyList<string> Methods, RouteEndpoint Endpoint)> MutatingEndpoints()
    {
        var source = _app.Services.GetRequiredService<EndpointDataSource>();
        var result = new List<(string, IReadOnlyList<string>, RouteEndpoint)>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            // The transports: Blazor's circuits (whose wizard actions go through the executor, checked below) and the
            // hub (whose methods are checked below). Pages: checked by their policies below.
            if (pattern.StartsWith("/_blazor", StringComparison.Ordinal) || pattern.StartsWith(TopologyHub.Path, StringComparison.Ordinal)
                || endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? s_writes;
            var writes = methods.Where(static m => s_writes.Contains(m)).ToList();
            if (writes.Count > 0)
            {
                result.Add((pattern, writes, endpoint));
            }
        }
        return result;
    }

    private List<(string Route, Type Type)> PageEndpoints() =>
        [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(static e => (Route: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'), Type: e.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type))
            .Where(static e => e.Type is not null)
            .Select(static e => (Sample(e.Route), e.Type!))
            .DistinctBy(static e => e.Item1)];

    private static string Sample(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\}", static m =>
        m.Groups[2].Value switch
        {
            ":guid" => Guid.NewGuid().ToString(),
            ":long" => "1",
            _ => "x",
        });
}
