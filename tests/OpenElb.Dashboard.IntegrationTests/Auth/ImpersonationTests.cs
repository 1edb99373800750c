using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>
/// <c>Auth:ImpersonateKubernetesUser</c>: writes go to the API server as the signed-in user (here a proxy user), so
/// the cluster's RBAC decides; the audit records both the dashboard user and the Kubernetes user.
/// </summary>
public sealed class ImpersonationTests : IAsyncLifetime
{
    private static readonly IPAddress s_proxy = IPAddress.Parse("127.0.0.2");
    private readonly WebApp.DashboardFactory _app;
    private readonly Uri _address;

    public ImpersonationTests()
    {
        (_app, _address) = KestrelApp.Start(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "TrustedProxy",
            ["Auth:TrustedProxy:KnownProxies:0"] = "127.0.0.2",
            ["Auth:Roles:Admin:0"] = "ops-admins",
            ["Auth:ImpersonateKubernetesUser"] = "true",
        });
    }

    public async ValueTask InitializeAsync() => await _app.WaitForSyncAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Apply_IsSentAsTheSignedInUser_AndAuditedWithBoth()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = AdminClient.For(_app.Cluster.Simulator!);
        await ImpersonationRequestRecord.ClearAsync(admin);
        using var client = KestrelApp.Client(_address, s_proxy);

        using var apply = await client.SendAsync(Request(ChangesApi.ApplyPath, "bob", "ops-admins", Label("worker-a1")), ct);

        Assert.Equal(HttpStatusCode.OK, apply.StatusCode);
        var writes = await ImpersonationRequestRecord.WritesToAsync(admin, "/api/v1/nodes/worker-a1");
        Assert.NotEmpty(writes);
        Assert.All(writes, static w => Assert.Equal(("bob", "ops-admins"), (w.ImpersonatedUser, string.Join(",", w.ImpersonatedGroups))));
        var page = await _app.Services.GetRequiredService<SqliteAuditLog>().QueryAsync(new AuditQuery { Actor = "bob" }, ct);
        var entry = Assert.Single(page.Items, static e => e.Action == AuditAction.LabelNodes);
        Assert.Equal(("bob", "bob", AuditOutcome.Succeeded), (entry.ActorUserName, entry.ImpersonatedUser, entry.Outcome));
    }

    [Fact]
    public async Task UserDeniedByTheCluster_PreviewShowsItAndApplyIsRefusedByTheApiServer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = AdminClient.For(_app.Cluster.Simulator!);
        using (var deny = await admin.Http.PostAsync("/admin/faults/deny-user/carol/patch:nodes", null, ct))
        {
            Assert.True(deny.IsSuccessStatusCode);
        }
        using var client = KestrelApp.Client(_address, s_proxy);

        using var preview = await client.SendAsync(Request(ChangesApi.PreviewPath, "carol", "ops-admins", Label("worker-b1")), ct);
        using var apply = await client.SendAsync(Request(ChangesApi.ApplyPath, "carol", "ops-admins", Label("worker-b1")), ct);

        // The dashboard lets carol try (she is an admin here); the cluster says no, as carol, and the audit says so.
        var previewText = await preview.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("carol", previewText, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, apply.StatusCode);
        var page = await _app.Services.GetRequiredService<SqliteAuditLog>().QueryAsync(new AuditQuery { Actor = "carol" }, ct);
        var entry = Assert.Single(page.Items, static e => e.Action == AuditAction.LabelNodes);
        Assert.Equal((AuditOutcome.Denied, "carol"), (entry.Outcome, entry.ImpersonatedUser));
        Assert.DoesNotContain("openelb-dashboard-test", _app.Cluster.State.Current.FindNode("worker-b1")!.Labels.Keys);
    }

    private static string Label(string node) =>
        $$"""{"kind":"setNodeLabels","nodes":["{{node}}"],"set":{"openelb-dashboard-test":"impersonated"},"remove":[]}""";

    private static HttpRequestMessage Request(string path, string user, string groups, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-User", user);
        request.Headers.Add("X-Forwarded-Groups", groups);
        return request;
    }
}
