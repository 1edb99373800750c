using System.Net;
using System.Text;
using OpenElb.Dashboard.Api;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary><c>Auth:Mode=Anonymous</c>: everyone reads everything, nobody changes anything.</summary>
public sealed class AnonymousModeTests
{
    [Fact]
    public async Task Everyone_IsAViewer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new WebApp.DashboardFactory(new Dictionary<string, string?> { ["Cluster:Mode"] = "Demo", ["Auth:Mode"] = "Anonymous" });
        await app.WaitForSyncAsync();
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var overview = await client.GetAsync("/", ct);
        using var topology = await client.GetAsync("/api/v1/topology", ct);
        using var export = await client.GetAsync("/audit/export.csv", ct);
        using var wall = await client.GetAsync("/wall", ct);
        using var wizard = await client.GetAsync("/wizards/restrict-speakers", ct);
        using var settings = await client.GetAsync("/settings", ct);
        using var preview = await client.PostAsync(ChangesApi.PreviewPath,
            new StringContent("""{"kind":"restartSpeakers","nodes":["worker-a1"]}""", Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains("anonymous · viewer", WebUtility.HtmlDecode(await overview.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, topology.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(HttpStatusCode.OK, wall.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wizard.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, preview.StatusCode);
    }
}
