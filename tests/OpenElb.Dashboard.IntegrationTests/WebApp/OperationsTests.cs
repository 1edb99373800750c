using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;
using static OpenElb.Dashboard.IntegrationTests.WebApp.ReadApiTests;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The OpenAPI document, the probes and the Prometheus scrape of the real app on the demo scenario.</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task OpenApi_Document_ListsTheApiPathsOnly()
    {
        await using var app = DashboardFactory.Demo();
        using var client = app.CreateClient();

        using var response = await GetAsync(client, "/openapi/v1.json");
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["/api/v1/audit", "/api/v1/changes/apply", "/api/v1/changes/preview", "/api/v1/findings", "/api/v1/nodes", "/api/v1/routers/{name}", "/api/v1/topology", "/readyz"], paths);
        // Reads are GET; only the Changes API posts.
        var operations = json.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(static p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name)))
            .ToList();
        Assert.All(operations, static o => Assert.Equal(o.Path.StartsWith("/api/v1/changes/", StringComparison.Ordinal) ? "post" : "get", o.Method));
        Assert.Equal("OpenELB Dashboard API", json.RootElement.GetProperty("info").GetProperty("title").GetString());
        // The document describes the answers (schemas generated from the contracts), not only the paths.
        Assert.True(json.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty("TopologyAnswer", out _));
    }

    [Fact]
    public async Task Readyz_SyncedAndAuditWritable_Ready()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var response = await GetAsync(client, "/readyz");
        using var json = await ReadJsonAsync(response);
        using var health = await GetAsync(client, "/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(json.RootElement.GetProperty("ready").GetBoolean());
        Assert.All(json.RootElement.GetProperty("checks").EnumerateArray(), static c => Assert.True(c.GetProperty("ready").GetBoolean()));
        Assert.Equal(["feed", "audit"], json.RootElement.GetProperty("checks").EnumerateArray().Select(static c => c.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Readyz_AuditStoreUnavailable_ServiceUnavailableNamingTheAuditLog()
    {
        await using var app = DashboardFactory.DemoWithAuditUnavailable();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var response = await GetAsync(client, "/readyz");
        using var json = await ReadJsonAsync(response);
        using var health = await GetAsync(client, "/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(json.RootElement.GetProperty("ready").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(static c => c.GetProperty("name").GetString()!);
        Assert.True(checks["feed"].GetProperty("ready").GetBoolean());
        Assert.False(checks["audit"].GetProperty("ready").GetBoolean());
        Assert.Contains("audit log is unavailable", checks["audit"].GetProperty("reason").GetString(), StringComparison.Ordinal);
        // Liveness stays up: restarting the process would not fix the store.
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Readyz_ClusterUnreachable_ServiceUnavailableNamingTheFeed()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"), "kubeconfig");
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Kubeconfig",
            ["Cluster:Kubeconfig"] = missing,
        });
        using var client = app.CreateClient();
        // The audit store opens in the background of start-up.
        await app.WaitForAuditAsync();

        using var response = await GetAsync(client, "/readyz");
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(static c => c.GetProperty("name").GetString()!);
        Assert.False(checks["feed"].GetProperty("ready").GetBoolean());
        Assert.False(string.IsNullOrEmpty(checks["feed"].GetProperty("reason").GetString()));
        Assert.True(checks["audit"].GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Metrics_Scrape_PerRouterValuesMatchTheLiveView()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var live = app.Services.GetRequiredService<LiveViewService>();

        // The gauges follow the view asynchronously: wait for a scrape that matches the view it was taken against.
        Dictionary<string, double> metrics = [];
        DashboardView view = live.Current;
        await WaitUntilAsync(async () =>
        {
            view = live.Current;
            metrics = await ScrapeAsync(client);
            return view.Topology.Groups.All(g => metrics.GetValueOrDefault(Series(DashboardMetrics.Names.SessionsEstablished, "router", g.Name)) == g.Established);
        });

        Assert.Equal(3, view.Topology.Groups.Count);
        foreach (var group in view.Topology.Groups)
        {
            Assert.Equal(group.Established, metrics[Series(DashboardMetrics.Names.SessionsEstablished, "router", group.Name)]);
            Assert.Equal(group.Expected, metrics[Series(DashboardMetrics.Names.SessionsExpected, "router", group.Name)]);
            Assert.Equal(group.SpeakerNodes.Count, metrics[Series(DashboardMetrics.Names.SpeakersReady, "router", group.Name)]);
            Assert.Equal((int)group.Redundancy, metrics[Series(DashboardMetrics.Names.RedundancyState, "router", group.Name)]);
        }
        // The demo's facts: leaf-c is degraded (state 1) with one session, leaf-a OK (state 0) with two.
        Assert.Equal(1, metrics[Series(DashboardMetrics.Names.RedundancyState, "router", "leaf-c")]);
        Assert.Equal(1, metrics[Series(DashboardMetrics.Names.SessionsEstablished, "router", "leaf-c")]);
        Assert.Equal(0, metrics[Series(DashboardMetrics.Names.RedundancyState, "router", "leaf-a")]);
        Assert.Equal(2, metrics[Series(DashboardMetrics.Names.SessionsEstablished, "router", "leaf-a")]);
        foreach (var severity in Enum.GetValues<Core.Findings.FindingSeverity>())
        {
            Assert.Equal(view.Summary.FindingsOf(severity), metrics[Series(DashboardMetrics.Names.Findings, "severity", severity.ToString().ToLowerInvariant())]);
        }
        Assert.Equal(1, metrics[DashboardMetrics.Names.FeedSynced]);
        Assert.Equal(0, metrics[DashboardMetrics.Names.FeedStale]);
        Assert.Equal(0, metrics[DashboardMetrics.Names.FeedStaleSeconds]);
        Assert.True(metrics.ContainsKey(DashboardMetrics.Names.DataAgeSeconds));
        Assert.Equal(0, metrics[Series(DashboardMetrics.Names.WatchFailures, "kind", "nodes")]);
        // A private registry: none of prometheus-net's default process metrics leak in.
        Assert.DoesNotContain(metrics.Keys, static k => k.StartsWith("process_", StringComparison.Ordinal) || k.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_SpeakerLabelledWithKubectl_LeafCGaugesRecover()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var kubeconfig = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(kubeconfig);
        var speakers = Series(DashboardMetrics.Names.SpeakersReady, "router", "leaf-c");
        var state = Series(DashboardMetrics.Names.RedundancyState, "router", "leaf-c");
        await WaitUntilAsync(async () => (await ScrapeAsync(client)).GetValueOrDefault(speakers, -1) == 1);

        // worker-c2 gains a speaker; the DaemonSet controller starts it and the BGP simulator establishes its session.
        (await Kubectl.RunAsync(kubeconfig, "label", "node", "worker-c2", "openelb-speaker=true")).EnsureSuccess();

        Dictionary<string, double> metrics = [];
        await WaitUntilAsync(async () =>
        {
            metrics = await ScrapeAsync(client);
            return metrics.GetValueOrDefault(speakers) == 2 && metrics.GetValueOrDefault(state, -1) == 0;
        });
        Assert.Equal(2, metrics[Series(DashboardMetrics.Names.SessionsEstablished, "router", "leaf-c")]);
        var group = app.Services.GetRequiredService<LiveViewService>().Current.Topology.FindGroup("leaf-c")!;
        Assert.Equal(RedundancyState.Ok, group.Redundancy);
    }

    [Fact]
    public async Task Metrics_RouterDeleted_ItsSeriesDisappear()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var kubeconfig = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(kubeconfig);
        await WaitUntilAsync(async () => (await ScrapeAsync(client)).ContainsKey(Series(DashboardMetrics.Names.SessionsEstablished, "router", "leaf-b")));

        (await Kubectl.RunAsync(kubeconfig, "delete", "bgppeers.network.kubesphere.io", "leaf-b")).EnsureSuccess();

        Dictionary<string, double> metrics = [];
        await WaitUntilAsync(async () =>
        {
            metrics = await ScrapeAsync(client);
            return !metrics.Keys.Any(static k => k.Contains("router=\"leaf-b\"", StringComparison.Ordinal));
        });
        Assert.True(metrics.ContainsKey(Series(DashboardMetrics.Names.SessionsEstablished, "router", "leaf-a")));
        Assert.True(metrics.ContainsKey(Series(DashboardMetrics.Names.RedundancyState, "router", "leaf-c")));
    }

    [Fact]
    public async Task Metrics_Post_NotAllowed()
    {
        await using var app = DashboardFactory.Demo();
        using var client = app.CreateClient();

        using var content = new StringContent("");
        using var post = await client.PostAsync(new Uri("/metrics", UriKind.Relative), content, TestContext.Current.CancellationToken);
        using var get = await GetAsync(client, "/metrics");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.StartsWith("text/plain", get.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    private static string Series(string name, string label, string value) => $"{name}{{{label}=\"{value}\"}}";

    // The text exposition format, line by line: "# HELP/TYPE" comments skipped, each sample as "name{labels}" -> value.
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient client)
    {
        using var response = await GetAsync(client, "/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            Assert.True(space > 0, $"not a sample line: {line}");
            samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
