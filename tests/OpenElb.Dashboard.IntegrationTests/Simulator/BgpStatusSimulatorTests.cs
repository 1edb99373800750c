using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>The speakers' BgpPeer status writer, each test on a fresh simulator (they all mutate it).</summary>
public sealed class BgpStatusSimulatorTests
{
    private const string SeedPeer = "bgppeer-router1";
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_severalPasses = 5 * s_interval;
    private static readonly string[] s_seedNodes = ["node1", "node2", "node3", "node4", "node5", "node6"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SimulatorHost> StartAsync(string scenario) =>
        InProcessHosts.StartSimulatorAsync(new SimulatorOptions
        {
            Scenario = scenario,
            Port = 0,
            BgpStatusInterval = s_interval,
            PodStartDelay = TimeSpan.FromMilliseconds(50),
            PodReadyDelay = TimeSpan.FromMilliseconds(50),
        }, Ct).WaitAsync(TestTimeouts.Default, Ct);

    private static JsonObject? Entry(SimulatorHost host, string peer, string node) =>
        host.Store.GetRequired(ResourceCatalog.BgpPeers, null, peer)["status"]?["nodesPeerStatus"]?[node] as JsonObject;

    private static string? SessionState(SimulatorHost host, string peer, string node) =>
        Entry(host, peer, node)?["peerState"]?["sessionState"]?.GetValue<string>();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TestTimeouts.Default);
        while (!condition())
        {
            try
            {
                await Task.Delay(25, timeout.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting until {what}");
            }
        }
    }

    private static List<JsonObject> PodsOn(SimulatorHost host, string node) =>
        host.Store.List(ResourceCatalog.Pods, "openelb-system").Items
            .Where(p => p["spec"]!["nodeName"]!.GetValue<string>() == node)
            .ToList();

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    [Fact]
    public async Task Start_SeedScenario_EveryReadySpeakerWritesItsKeyEstablishedInProto3Form()
    {
        await using var host = await StartAsync("seed");

        await WaitUntilAsync(() => s_seedNodes.All(n => SessionState(host, SeedPeer, n) == "ESTABLISHED"), "all six keys are ESTABLISHED");

        var entry = Entry(host, SeedPeer, "node3")!;
        var peerState = entry["peerState"]!.AsObject();
        Assert.Equal("192.168.0.2", peerState["neighborAddress"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Number, peerState["peerAs"]!.GetValueKind());
        Assert.Equal(50001, peerState["peerAs"]!.GetValue<long>());
        Assert.False(peerState.ContainsKey("adminState"), "adminState UP is proto3's default and omitted");
        foreach (var direction in new[] { "received", "sent" })
        {
            var total = peerState["messages"]![direction]!["total"]!;
            Assert.Equal(JsonValueKind.String, total.GetValueKind());
            Assert.True(long.Parse(total.GetValue<string>(), CultureInfo.InvariantCulture) > 0);
            Assert.False(peerState["messages"]![direction]!.AsObject().ContainsKey("notification"), "zero counters are omitted");
        }
        var timers = entry["timersState"]!.AsObject();
        Assert.Equal("90", timers["negotiatedHoldTime"]!.GetValue<string>());
        Assert.Equal("30", timers["keepaliveInterval"]!.GetValue<string>());
        var uptime = DateTimeOffset.Parse(timers["uptime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.InRange(uptime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(timers.ContainsKey("downtime"), "never down: proto3 omits the zero timestamp");
    }

    [Fact]
    public async Task Start_SeedScenario_StatusWritesReachApiWatchesAsModified()
    {
        await using var host = await StartAsync("seed");
        var directory = Directory.CreateTempSubdirectory("openelb-bgp-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            host.WriteKubeconfig(kubeconfig);
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(TestTimeouts.Default);

            string? seen = null;
            await foreach (var (type, item) in client.CustomObjects.WatchListClusterCustomObjectAsync(
                "network.kubesphere.io", "v1alpha2", "bgppeers", resourceVersion: "1", cancellationToken: cts.Token))
            {
                var json = JsonNode.Parse(((JsonElement)item).GetRawText())!;
                if (type == WatchEventType.Modified && json["status"]?["nodesPeerStatus"]?["node1"]?["peerState"]?["sessionState"]?.GetValue<string>() == "ESTABLISHED")
                {
                    seen = json["metadata"]!["name"]!.GetValue<string>();
                    break;
                }
            }

            Assert.Equal(SeedPeer, seen);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AdminDown_PeerSpec_IdleWithAdminStateDown()
    {
        await using var host = await StartAsync("seed");
        await WaitUntilAsync(() => SessionState(host, SeedPeer, "node1") == "ESTABLISHED", "node1 is ESTABLISHED");

        host.Store.Mutate(ResourceCatalog.BgpPeers, null, SeedPeer, peer =>
        {
            peer["spec"]!["conf"]!["adminDown"] = true;
            return peer;
        });

        await WaitUntilAsync(() => s_seedNodes.All(n => SessionState(host, SeedPeer, n) == "IDLE"), "all keys are IDLE");
        var peerState = Entry(host, SeedPeer, "node1")!["peerState"]!.AsObject();
        Assert.Equal("DOWN", peerState["adminState"]!.GetValue<string>());
        Assert.False(peerState.ContainsKey("messages"));
        Assert.NotNull(Entry(host, SeedPeer, "node1")!["timersState"]!["downtime"]);
    }

    [Fact]
    public async Task RoutersDownFault_ThenCleared_ActiveThenEstablishedAgain()
    {
        await using var host = await StartAsync("seed");
        await WaitUntilAsync(() => SessionState(host, SeedPeer, "node2") == "ESTABLISHED", "node2 is ESTABLISHED");

        host.Faults.RoutersDown = host.Faults.RoutersDown.Add(SeedPeer);
        host.Faults.NotifyChanged();
        await WaitUntilAsync(() => s_seedNodes.All(n => SessionState(host, SeedPeer, n) == "ACTIVE"), "all keys are ACTIVE");
        var down = Entry(host, SeedPeer, "node2")!;
        Assert.False(down["peerState"]!.AsObject().ContainsKey("adminState"));
        Assert.NotNull(down["timersState"]!["downtime"]);

        host.Faults.RoutersDown = host.Faults.RoutersDown.Remove(SeedPeer);
        host.Faults.NotifyChanged();
        await WaitUntilAsync(() => s_seedNodes.All(n => SessionState(host, SeedPeer, n) == "ESTABLISHED"), "all keys are ESTABLISHED again");
    }

    [Fact]
    public async Task SpeakerPodDeleted_NodeNoLongerEligible_KeyStaysAsStaleEntry()
    {
        await using var host = await StartAsync("seed");
        await WaitUntilAsync(() => SessionState(host, SeedPeer, "node4") == "ESTABLISHED", "node4 is ESTABLISHED");

        // Without the kubernetes.io/os label the DaemonSet no longer admits node4: the controller deletes its pod (the
        // test must not race it with a delete of its own) and does not recreate it.
        host.Store.Mutate(ResourceCatalog.Nodes, null, "node4", node =>
        {
            node["metadata"]!["labels"]!.AsObject().Remove("kubernetes.io/os");
            return node;
        });
        await WaitUntilAsync(() => PodsOn(host, "node4").Count == 0, "the DaemonSet controller removes node4's speaker");
        var stale = Entry(host, SeedPeer, "node4");
        await Task.Delay(s_severalPasses, Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Empty(PodsOn(host, "node4"));
        Assert.NotNull(stale);
        Assert.Equal("ESTABLISHED", stale["peerState"]!["sessionState"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(stale, Entry(host, SeedPeer, "node4")), "nobody rewrites a departed speaker's key");
    }

    [Fact]
    public async Task RelabelNodeIntoOtherRack_SessionMovesOnlyAfterPodReplaced()
    {
        await using var host = await StartAsync("demo");
        await WaitUntilAsync(() => SessionState(host, "leaf-b", "worker-b1") == "ESTABLISHED", "worker-b1 peers with leaf-b");
        Assert.Null(Entry(host, "leaf-c", "worker-b1"));

        host.Store.Mutate(ResourceCatalog.Nodes, null, "worker-b1", node =>
        {
            node["metadata"]!["labels"]!["openelb.kubesphere.io/rack"] = "rack-c";
            return node;
        });
        // Enough periodic passes to have moved the session, had the speaker re-evaluated the selectors.
        await Task.Delay(s_severalPasses, Ct).WaitAsync(TestTimeouts.Default, Ct);
        Assert.Null(Entry(host, "leaf-c", "worker-b1"));
        Assert.Equal("ESTABLISHED", SessionState(host, "leaf-b", "worker-b1"));

        // The restart step the dashboard's wizard offers: delete the pod; the DaemonSet controller starts a new one.
        var old = Assert.Single(PodsOn(host, "worker-b1"));
        host.Store.Delete(ResourceCatalog.Pods, "openelb-system", Name(old));

        await WaitUntilAsync(() => SessionState(host, "leaf-c", "worker-b1") == "ESTABLISHED", "the new speaker peers with leaf-c");
        Assert.NotEqual(Name(old), Name(Assert.Single(PodsOn(host, "worker-b1"))));
        var leftBehind = Entry(host, "leaf-b", "worker-b1")!;
        await Task.Delay(s_severalPasses, Ct).WaitAsync(TestTimeouts.Default, Ct);
        Assert.True(JsonNode.DeepEquals(leftBehind, Entry(host, "leaf-b", "worker-b1")), "leaf-b's old key is stale: kept, never rewritten");
    }

    [Fact]
    public async Task Start_DemoScenario_SpeakersWriteOnlyTheirRoutersAndStaleEntryStays()
    {
        await using var host = await StartAsync("demo");

        await WaitUntilAsync(() => SessionState(host, "leaf-c", "worker-c1") == "ESTABLISHED"
            && SessionState(host, "leaf-a", "worker-a2") == "ESTABLISHED", "demo speakers are ESTABLISHED");

        var leafC = host.Store.GetRequired(ResourceCatalog.BgpPeers, null, "leaf-c")["status"]!["nodesPeerStatus"]!.AsObject();
        Assert.Equal(["worker-c1"], leafC.Select(e => e.Key));
        var leafA = host.Store.GetRequired(ResourceCatalog.BgpPeers, null, "leaf-a")["status"]!["nodesPeerStatus"]!.AsObject();
        Assert.Equal(["worker-a1", "worker-a2", "worker-a3"], leafA.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("2024-12-30T00:00:00Z", leafA["worker-a3"]!["timersState"]!["uptime"]!.GetValue<string>());
        Assert.Equal(64603, leafC["worker-c1"]!["peerState"]!["localAs"]!.GetValue<long>());
    }
}
