using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The app boots for real (its Program, its composition) and talks to a simulator over HTTPS.</summary>
public sealed class DemoModeTests
{
    [Fact]
    public async Task Demo_Overview_ShowsTheDemoScenarioFacts()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("Simulated cluster", html, StringComparison.Ordinal);
        Assert.True(app.Cluster.Info.IsSimulated);
        Assert.StartsWith("https://127.0.0.1:", app.Cluster.Info.Server, StringComparison.Ordinal);
        // The demo scenario: leaf-c has a single established session (degraded); leaf-a and leaf-b have two.
        Assert.Matches("data-router=\"leaf-c\"[\\s\\S]*?data-redundancy=\"degraded\"", html);
        Assert.Matches("data-router=\"leaf-a\"[\\s\\S]*?data-redundancy=\"ok\"", html);
        Assert.Contains("worker-a3", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_KubectlLabel_RecordedAsObservedChangeAndShownOnAuditPage()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        var kubeconfig = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(kubeconfig);
        var log = app.Services.GetRequiredService<SqliteAuditLog>();

        // The rack label is what the demo's BgpPeers select on, so moving a node is speaker-relevant.
        (await Kubectl.RunAsync(kubeconfig, "label", "node", "worker-b3", "openelb.kubesphere.io/rack=rack-c", "--overwrite")).EnsureSuccess();

        AuditEntry? entry = null;
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (entry is null)
        {
            var page = await log.QueryAsync(new AuditQuery { TargetName = "worker-b3", Outcome = AuditOutcome.Observed }, timeout.Token);
            entry = page.Items.Count > 0 ? page.Items[0] : null;
            if (entry is null)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
        Assert.Equal("kubectl-label", entry.FieldManager);
        using var client = app.CreateClient();
        var html = await client.GetStringAsync(new Uri("/audit", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("worker-b3", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_Healthz_Healthy()
    {
        await using var app = DashboardFactory.Demo();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Kubeconfig_ExternalSimulator_ConnectsWithoutSimulatedBanner()
    {
        var directory = Path.Combine(Path.GetTempPath(), "openelb-app-kc-" + Guid.NewGuid().ToString("N"));
        await using var simulator = await InProcessHosts.StartSimulatorAsync(new SimulatorOptions { Scenario = "seed", Port = 0 }, TestContext.Current.CancellationToken);
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        simulator.WriteKubeconfig(kubeconfig);
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Kubeconfig",
            ["Cluster:Kubeconfig"] = kubeconfig,
        });
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(ClusterMode.Kubeconfig, app.Cluster.Info.Mode);
        Assert.Equal(simulator.BaseAddress.GetLeftPart(UriPartial.Authority), app.Cluster.Info.Server);
        Assert.DoesNotContain("Simulated cluster", html, StringComparison.Ordinal);
        Assert.Contains("router-card", html, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Kubeconfig_MissingFile_StartsAndExplains()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"), "kubeconfig");
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Kubeconfig",
            ["Cluster:Kubeconfig"] = missing,
        });
        using var client = app.CreateClient();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("No cluster connection", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(missing), html, StringComparison.Ordinal);
        Assert.Contains("does not exist", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPage_NotFoundPage()
    {
        await using var app = DashboardFactory.Demo();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is no page at this address", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
