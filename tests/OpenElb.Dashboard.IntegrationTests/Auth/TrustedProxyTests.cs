using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>
/// <c>Auth:Mode=TrustedProxy</c> on real Kestrel: the user and groups headers count only from the known proxy
/// (127.0.0.2 here); from anywhere else they are ignored and the request is anonymous. Groups map to roles.
/// </summary>
public sealed class TrustedProxyTests : IAsyncLifetime
{
    private static readonly IPAddress s_proxy = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress s_stranger = IPAddress.Loopback;
    private readonly WebApp.DashboardFactory _app;
    private readonly Uri _address;

    public TrustedProxyTests()
    {
        (_app, _address) = KestrelApp.Start(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "TrustedProxy",
            ["Auth:TrustedProxy:KnownProxies:0"] = "127.0.0.2/32",
            ["Auth:Roles:Admin:0"] = "ops-admins",
            ["Auth:Roles:Viewer:0"] = "noc",
        });
    }

    public async ValueTask InitializeAsync() => await _app.WaitForSyncAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/topology")]
    [InlineData("/")]
    [InlineData("/audit/export.csv")]
    public async Task Stranger_WithHeadersOfAnAdmin_IsAnonymous(string path)
    {
        using var client = KestrelApp.Client(_address, s_stranger);

        using var response = await client.SendAsync(Request(HttpMethod.Get, path, "mallory", "ops-admins"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Stranger_CannotApplyWithForgedHeaders()
    {
        using var client = KestrelApp.Client(_address, s_stranger);

        using var response = await client.SendAsync(Request(HttpMethod.Post, ChangesApi.ApplyPath, "mallory", "ops-admins", LabelBody), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", (await response.Content.ReadFromJsonAsync<StatusBody>(TestContext.Current.CancellationToken))!.Reason);
    }

    [Fact]
    public async Task Proxy_Viewer_ReadsButMayNotPreview()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = KestrelApp.Client(_address, s_proxy);

        using var topology = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/topology", "alice", "noc, other"), ct);
        using var page = await client.SendAsync(Request(HttpMethod.Get, "/nodes", "alice", "noc"), ct);
        using var wizard = await client.SendAsync(Request(HttpMethod.Get, "/wizards/label-nodes", "alice", "noc"), ct);
        using var preview = await client.SendAsync(Request(HttpMethod.Post, ChangesApi.PreviewPath, "alice", "noc", LabelBody), ct);

        Assert.Equal(HttpStatusCode.OK, topology.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wizard.StatusCode);
        Assert.Contains("alice (role viewer) may not open this", await wizard.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, preview.StatusCode);
    }

    [Fact]
    public async Task Proxy_UserWithoutMappedGroup_IsRefusedEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = KestrelApp.Client(_address, s_proxy);

        using var topology = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/topology", "dave", "interns"), ct);

        Assert.Equal(HttpStatusCode.Forbidden, topology.StatusCode);
        Assert.Contains("no dashboard role", (await topology.Content.ReadFromJsonAsync<StatusBody>(ct))!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_Admin_PreviewsAndTheAuditRecordsTheProxyUser()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = KestrelApp.Client(_address, s_proxy);

        using var preview = await client.SendAsync(Request(HttpMethod.Post, ChangesApi.PreviewPath, "bob", "ops-admins", LabelBody), ct);
        using var apply = await client.SendAsync(Request(HttpMethod.Post, ChangesApi.ApplyPath, "bob", "ops-admins", LabelBody), ct);
        using var audit = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/audit?actor=bob", "bob", "ops-admins"), ct);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(HttpStatusCode.OK, apply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.Contains("\"actor\":\"bob\"", await audit.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        var page = await _app.Services.GetRequiredService<SqliteAuditLog>().QueryAsync(new AuditQuery { Actor = "bob" }, ct);
        var entry = Assert.Single(page.Items, static e => e.Action == AuditAction.LabelNodes);
        Assert.Equal("proxy", entry.ActorAuthMethod);
        Assert.Equal(["ops-admins"], entry.ActorGroups);
    }

    private const string LabelBody = """{"kind":"setNodeLabels","nodes":["worker-a1"],"set":{"openelb-dashboard-test":"proxy"},"remove":[]}""";

    private static HttpRequestMessage Request(HttpMethod method, string path, string user, string groups, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-User", user);
        request.Headers.Add("X-Forwarded-Groups", groups);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return request;
    }

    private sealed record StatusBody(string Message, string Reason, int Code);
}
