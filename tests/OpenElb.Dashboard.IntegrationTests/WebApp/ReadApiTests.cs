using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The REST API's contract on the demo scenario, through the real app's HTTP pipeline.</summary>
public sealed class ReadApiTests
{
    [Fact]
    public async Task Topology_Demo_RoutersWithNeighborsStatesAndNodes()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var view = app.Services.GetRequiredService<LiveViewService>().Current;

        using var response = await GetAsync(client, "/api/v1/topology");
        using var json = await ReadJsonAsync(response);
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bgp-peer", root.GetProperty("groupKind").GetString());
        var routers = root.GetProperty("routers").EnumerateArray().ToDictionary(static r => r.GetProperty("name").GetString()!);
        Assert.Equal(["leaf-a", "leaf-b", "leaf-c"], routers.Keys);
        var leafA = routers["leaf-a"];
        Assert.Equal("10.0.1.1", leafA.GetProperty("neighborAddress").GetString());
        Assert.Equal(65001, leafA.GetProperty("peerAs").GetInt64());
        Assert.Equal("ok", leafA.GetProperty("state").GetString());
        Assert.Equal(2, leafA.GetProperty("speakersReady").GetInt32());
        Assert.Equal(2, leafA.GetProperty("sessionsEstablished").GetInt32());
        Assert.Equal(2, leafA.GetProperty("sessionsExpected").GetInt32());
        Assert.Equal(1, leafA.GetProperty("staleEntries").GetInt32());
        var nodes = leafA.GetProperty("nodes").EnumerateArray().ToDictionary(static n => n.GetProperty("name").GetString()!);
        Assert.Equal(["master-1", "worker-a1", "worker-a2", "worker-a3"], nodes.Keys);
        Assert.Equal("ready", nodes["worker-a1"].GetProperty("speaker").GetString());
        Assert.Equal("established", nodes["worker-a1"].GetProperty("session").GetString());
        // worker-a3 runs no speaker, yet leaf-a's status still names it: a stale entry that must not count.
        Assert.Equal("none", nodes["worker-a3"].GetProperty("speaker").GetString());
        Assert.Equal("stale", nodes["worker-a3"].GetProperty("session").GetString());
        Assert.Equal("no-speaker", nodes["master-1"].GetProperty("session").GetString());
        Assert.Equal("10.0.3.1", routers["leaf-c"].GetProperty("neighborAddress").GetString());
        Assert.Equal(65003, routers["leaf-c"].GetProperty("peerAs").GetInt64());
        Assert.Equal("degraded", routers["leaf-c"].GetProperty("state").GetString());
        Assert.Equal(1, routers["leaf-c"].GetProperty("sessionsEstablished").GetInt32());
        Assert.Equal("ok", routers["leaf-b"].GetProperty("state").GetString());

        Assert.Equal(view.Findings.Count, root.GetProperty("findings").GetArrayLength());
        Assert.Contains(root.GetProperty("findings").EnumerateArray(), static f =>
            f.GetProperty("ruleId").GetString() == FindingRules.RouterFewSessions && f.GetProperty("router").GetString() == "leaf-c"
            && f.GetProperty("severity").GetString() == "warning");
        Assert.Equal(view.Summary.RoutersDegraded, root.GetProperty("summary").GetProperty("routersDegraded").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("routersDegraded").GetInt32());

        Assert.Equal("live", root.GetProperty("feed").GetProperty("state").GetString());
        Assert.True(root.GetProperty("feed").GetProperty("synced").GetBoolean());
        Assert.Contains(root.GetProperty("feed").GetProperty("kinds").EnumerateArray(), static k =>
            k.GetProperty("kind").GetString() == "nodes" && k.GetProperty("state").GetString() == "synced" && k.GetProperty("count").GetInt32() == 12);
        Assert.True(root.GetProperty("snapshotVersion").GetInt64() >= view.Snapshot.Version);
        Assert.True(root.GetProperty("dataAgeSeconds").GetDouble() >= 0);
        Assert.True(root.GetProperty("updatedAt").GetDateTimeOffset() >= view.UpdatedAt);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Topology_EveryRouter_MatchesTheLiveView()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var live = app.Services.GetRequiredService<LiveViewService>();

        // The answer comes from the view of its snapshotVersion; compare with that view (retry if the view moved on).
        JsonElement routers = default;
        ClusterTopology? topology = null;
        for (var attempt = 0; attempt < 20 && topology is null; attempt++)
        {
            var before = live.Current;
            using var json = await ReadJsonAsync(await GetAsync(client, "/api/v1/topology"));
            if (json.RootElement.GetProperty("snapshotVersion").GetInt64() == before.Snapshot.Version && ReferenceEquals(before, live.Current))
            {
                routers = json.RootElement.GetProperty("routers").Clone();
                topology = before.Topology;
            }
        }
        Assert.NotNull(topology);

        Assert.Equal(topology.Groups.Count, routers.GetArrayLength());
        foreach (var router in routers.EnumerateArray())
        {
            var group = topology.FindGroup(router.GetProperty("name").GetString()!)!;
            Assert.Equal(group.Established, router.GetProperty("sessionsEstablished").GetInt32());
            Assert.Equal(group.Expected, router.GetProperty("sessionsExpected").GetInt32());
            Assert.Equal(group.SpeakerNodes.Count, router.GetProperty("speakersReady").GetInt32());
            Assert.Equal(group.Redundancy.ToString().ToLowerInvariant(), router.GetProperty("state").GetString());
            Assert.Equal(group.SelectedNodes, router.GetProperty("nodes").EnumerateArray().Select(static n => n.GetProperty("name").GetString()!));
        }
    }

    [Fact]
    public async Task Router_Known_DetailWithSessionsAndFindings()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var response = await GetAsync(client, "/api/v1/routers/leaf-c");
        using var json = await ReadJsonAsync(response);
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("leaf-c", root.GetProperty("router").GetProperty("name").GetString());
        Assert.Equal("degraded", root.GetProperty("router").GetProperty("state").GetString());
        Assert.Contains("rack-c", root.GetProperty("selector").GetString(), StringComparison.Ordinal);
        var established = root.GetProperty("sessions").EnumerateArray().Where(static s => s.GetProperty("health").GetString() == "established").ToList();
        var session = Assert.Single(established);
        Assert.Equal("established", session.GetProperty("reportedState").GetString());
        Assert.All(root.GetProperty("findings").EnumerateArray(), static f => Assert.Equal("leaf-c", f.GetProperty("router").GetString()));
        Assert.Contains(root.GetProperty("findings").EnumerateArray(), static f => f.GetProperty("ruleId").GetString() == FindingRules.RouterFewSessions);
        Assert.Equal("live", root.GetProperty("feed").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Router_Unknown_NotFoundProblemNamingKnownRouters()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var response = await GetAsync(client, "/api/v1/routers/leaf-z");
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, json.RootElement.GetProperty("status").GetInt32());
        var detail = json.RootElement.GetProperty("detail").GetString();
        Assert.Contains("leaf-z", detail, StringComparison.Ordinal);
        Assert.Contains("leaf-a, leaf-b, leaf-c", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findings_SeverityFilter_OnlyThoseSeveritiesAndBadValueRefused()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var view = app.Services.GetRequiredService<LiveViewService>().Current;

        using var all = await ReadJsonAsync(await GetAsync(client, "/api/v1/findings"));
        using var some = await ReadJsonAsync(await GetAsync(client, "/api/v1/findings?severity=Warning,info"));
        using var badResponse = await GetAsync(client, "/api/v1/findings?severity=warning,loud");
        using var bad = await ReadJsonAsync(badResponse);

        Assert.Equal(view.Findings.Count, all.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(view.Findings.Count, all.RootElement.GetProperty("findings").GetArrayLength());
        var filtered = some.RootElement.GetProperty("findings").EnumerateArray().Select(static f => f.GetProperty("severity").GetString()).ToList();
        Assert.Equal(view.Summary.FindingsOf(FindingSeverity.Warning) + view.Summary.FindingsOf(FindingSeverity.Info), filtered.Count);
        Assert.NotEmpty(filtered);
        Assert.All(filtered, static s => Assert.Contains(s, new[] { "warning", "info" }));
        // Most severe first.
        Assert.Equal(filtered.OrderBy(static s => s == "warning" ? 0 : 1), filtered);
        Assert.Equal(view.Findings.Count, some.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
        Assert.Contains("loud", bad.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_PagedByName_CoversEveryNodeOnceAndFilters()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var view = app.Services.GetRequiredService<LiveViewService>().Current;

        var names = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            using var page = await ReadJsonAsync(await GetAsync(client, "/api/v1/nodes?limit=5" + (after is null ? "" : "&after=" + after)));
            Assert.Equal(12, page.RootElement.GetProperty("total").GetInt32());
            var nodes = page.RootElement.GetProperty("nodes").EnumerateArray().ToList();
            Assert.InRange(nodes.Count, 1, 5);
            names.AddRange(nodes.Select(static n => n.GetProperty("name").GetString()!));
            after = page.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(view.Snapshot.Nodes.Select(static n => n.Name), names);

        using var rackA = await ReadJsonAsync(await GetAsync(client, "/api/v1/nodes?router=leaf-a"));
        Assert.Equal(["master-1", "worker-a1", "worker-a2", "worker-a3"],
            rackA.RootElement.GetProperty("nodes").EnumerateArray().Select(static n => n.GetProperty("name").GetString()!));
        using var stale = await ReadJsonAsync(await GetAsync(client, "/api/v1/nodes?state=stale"));
        var staleNode = Assert.Single(stale.RootElement.GetProperty("nodes").EnumerateArray());
        Assert.Equal("worker-a3", staleNode.GetProperty("name").GetString());
        Assert.Equal(1, staleNode.GetProperty("staleEntries").GetInt32());
        Assert.Equal("none", staleNode.GetProperty("speaker").GetString());
        Assert.Equal(["leaf-a"], staleNode.GetProperty("routers").EnumerateArray().Select(static r => r.GetString()!));

        using var zeroLimit = await GetAsync(client, "/api/v1/nodes?limit=0");
        using var badState = await GetAsync(client, "/api/v1/nodes?state=sleepy");
        Assert.Equal(HttpStatusCode.BadRequest, zeroLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
    }

    [Fact]
    public async Task Audit_KeysetPagesAndFilters_EveryEntryOnceNewestFirst()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var ct = TestContext.Current.CancellationToken;
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await log.RecordObservedAsync(new AuditEntry
            {
                CorrelationId = Guid.NewGuid(),
                Step = 1,
                ActorUserName = "api-test",
                Action = AuditAction.ObservedChange,
                TargetKind = "Node",
                TargetName = i % 2 == 0 ? "worker-even" : "worker-odd",
                FieldManager = "kubectl-label",
                Message = "entry " + i,
            }, ct).WaitAsync(TestTimeouts.Default, ct));
        }

        var seen = new List<long>();
        string? link = "/api/v1/audit?actor=api-test&limit=2";
        var pages = 0;
        while (link is not null && pages < 10)
        {
            using var response = await GetAsync(client, link);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var page = await ReadJsonAsync(response);
            var entries = page.RootElement.GetProperty("entries").EnumerateArray().ToList();
            Assert.All(entries, static e => Assert.Equal("api-test", e.GetProperty("actor").GetString()));
            seen.AddRange(entries.Select(static e => e.GetProperty("id").GetInt64()));
            var next = page.RootElement.GetProperty("next");
            link = next.ValueKind == JsonValueKind.Number ? page.RootElement.GetProperty("nextLink").GetString() : null;
            if (link is not null)
            {
                Assert.Contains("before=" + next.GetInt64(), link, StringComparison.Ordinal);
            }
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderDescending(), seen);

        using var odd = await ReadJsonAsync(await GetAsync(client, "/api/v1/audit?actor=api-test&target=Node/worker-odd&outcome=observed"));
        var oddEntries = odd.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([ids[3], ids[1]], oddEntries.Select(static e => e.GetProperty("id").GetInt64()));
        Assert.All(oddEntries, static e =>
        {
            Assert.Equal("Node/worker-odd", e.GetProperty("target").GetString());
            Assert.Equal("Observed", e.GetProperty("outcome").GetString());
            Assert.Equal("kubectl-label", e.GetProperty("fieldManager").GetString());
        });
        Assert.Equal(JsonValueKind.Null, odd.RootElement.GetProperty("next").ValueKind);

        using var badFilter = await GetAsync(client, "/api/v1/audit?action=Explode");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Equal("application/problem+json", badFilter.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Audit_StoreUnavailable_ServiceUnavailableProblem()
    {
        await using var app = DashboardFactory.DemoWithAuditUnavailable();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var response = await GetAsync(client, "/api/v1/audit");
        using var json = await ReadJsonAsync(response);
        using var topology = await GetAsync(client, "/api/v1/topology");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("audit log is unavailable", json.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        // The live views do not depend on the audit store.
        Assert.Equal(HttpStatusCode.OK, topology.StatusCode);
    }

    [Fact]
    public async Task Api_NonGetMethods_NotAllowed()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var content = new StringContent("{}");
        using var post = await client.PostAsync(new Uri("/api/v1/topology", UriKind.Relative), content, TestContext.Current.CancellationToken);
        using var delete = await client.DeleteAsync(new Uri("/api/v1/routers/leaf-a", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(["GET"], post.Content.Headers.Allow);
    }

    internal static Task<HttpResponseMessage> GetAsync(HttpClient client, string path) =>
        client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

    internal static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text);
    }
}
