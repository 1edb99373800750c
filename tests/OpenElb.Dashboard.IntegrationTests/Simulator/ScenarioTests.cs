using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Scenarios;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>The shipped scenarios: each loads, is served, and has the features it exists to show.</summary>
public sealed class ScenarioTests
{
    private const string Rack = "openelb.kubesphere.io/rack";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ObjectStore Load(string scenario)
    {
        var store = new ObjectStore();
        ScenarioLoader.Apply(ScenarioLoader.Load(scenario), store);
        return store;
    }

    private static string? Label(JsonObject obj, string key) => obj["metadata"]?["labels"]?[key]?.GetValue<string>();

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    [Theory]
    [InlineData("seed", 6)]
    [InlineData("demo", 12)]
    [InlineData("legacy", 4)]
    [InlineData("large", 5000)]
    public async Task Start_ShippedScenario_KubectlGetsEveryNode(string scenario, int nodes)
    {
        await using var host = await InProcessHosts.StartSimulatorAsync(new SimulatorOptions { Scenario = scenario, Port = 0 }, Ct)
            .WaitAsync(TestTimeouts.Default, Ct);
        var directory = Directory.CreateTempSubdirectory("openelb-scenario-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            host.WriteKubeconfig(kubeconfig);

            var result = (await Kubectl.RunAsync(kubeconfig, "get", "nodes", "-o", "json").WaitAsync(TestTimeouts.Default, Ct)).EnsureSuccess();

            Assert.Equal(scenario, host.Scenario.Name);
            Assert.Equal(nodes, JsonNode.Parse(result.StdOut)!["items"]!.AsArray().Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_Demo_ThreeRoutersStaleEntrySingleSpeakerRouterTaintAndEips()
    {
        var store = Load("demo");

        var nodes = store.List(ResourceCatalog.Nodes).Items;
        var pods = store.List(ResourceCatalog.Pods, "openelb-system").Items;
        var peers = store.List(ResourceCatalog.BgpPeers).Items;
        var speakerNodes = pods.Select(p => p["spec"]!["nodeName"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(12, nodes.Count);
        Assert.All(nodes, n => Assert.NotNull(Label(n, Rack)));
        Assert.All(nodes, n => Assert.NotNull(Label(n, "topology.kubernetes.io/zone")));
        Assert.Equal(["leaf-a", "leaf-b", "leaf-c"], peers.Select(Name));
        Assert.Equal(3, store.List(ResourceCatalog.CustomResourceDefinitions).Items.Count);

        // Speakers per router: the nodes of its rack that run a speaker.
        int SpeakersUnder(string rack) => nodes.Count(n => Label(n, Rack) == rack && speakerNodes.Contains(Name(n)));
        Assert.Equal(2, SpeakersUnder("rack-a"));
        Assert.Equal(2, SpeakersUnder("rack-b"));
        Assert.Equal(1, SpeakersUnder("rack-c"));
        Assert.All(pods, p => Assert.Equal("Running", p["status"]!["phase"]!.GetValue<string>()));

        var staleKeys = peers.SelectMany(p => (p["status"]?["nodesPeerStatus"] as JsonObject ?? []).Select(e => e.Key)).ToList();
        Assert.Equal("worker-a3", Assert.Single(staleKeys));
        Assert.DoesNotContain("worker-a3", speakerNodes);

        var master = store.GetRequired(ResourceCatalog.Nodes, null, "master-1");
        var taint = Assert.Single(master["spec"]!["taints"]!.AsArray())!;
        Assert.Equal("node-role.kubernetes.io/control-plane", taint["key"]!.GetValue<string>());
        Assert.Equal("NoSchedule", taint["effect"]!.GetValue<string>());

        var daemonSet = store.GetRequired(ResourceCatalog.DaemonSets, "openelb-system", "openelb-speaker");
        Assert.Equal("true", daemonSet["spec"]!["template"]!["spec"]!["nodeSelector"]!["openelb-speaker"]!.GetValue<string>());
        var conf = store.GetRequired(ResourceCatalog.BgpConfs, null, "default");
        Assert.Equal(3, conf["spec"]!["asPerRack"]!.AsObject().Count);
        var protocols = store.List(ResourceCatalog.Eips).Items.Select(e => e["spec"]!["protocol"]!.GetValue<string>()).Order();
        Assert.Equal(["bgp", "layer2"], protocols);
    }

    [Fact]
    public void Load_Legacy_ManagerDeploymentWithPodsAndNoSpeakerDaemonSet()
    {
        var store = Load("legacy");

        var deployment = Assert.Single(store.List(ResourceCatalog.Deployments).Items);
        Assert.Equal("openelb-manager", Name(deployment));
        Assert.Equal("openelb-manager", Label(deployment, "app"));
        Assert.Empty(store.List(ResourceCatalog.DaemonSets).Items);
        var pods = store.List(ResourceCatalog.Pods).Items;
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("openelb-manager", Label(p, "app")));
        Assert.Equal(["node1", "node2"], pods.Select(p => p["spec"]!["nodeName"]!.GetValue<string>()).Order());
    }

    [Fact]
    public void Load_Large_GeneratedClusterShape()
    {
        // How long this takes is measured by the feed-sync benchmark (it prints the simulator's start-up), not here.
        var store = Load("large");

        Assert.Equal(5000, store.List(ResourceCatalog.Nodes).Items.Count);
        var pods = store.List(ResourceCatalog.Pods, "openelb-system").Items;
        Assert.Equal(5000, pods.Count);
        Assert.Equal(5000, pods.Select(p => p["spec"]!["nodeName"]!.GetValue<string>()).Distinct().Count());
        var peers = store.List(ResourceCatalog.BgpPeers).Items;
        Assert.Equal(125, peers.Count);
        Assert.Equal("rack-007", store.GetRequired(ResourceCatalog.BgpPeers, null, "leaf-007")["spec"]!["nodeSelector"]!["matchLabels"]![Rack]!.GetValue<string>());
        Assert.Equal(125, store.GetRequired(ResourceCatalog.BgpConfs, null, "default")["spec"]!["asPerRack"]!.AsObject().Count);
        Assert.Equal(3, store.List(ResourceCatalog.Nodes).Items.Count(n => n["spec"]?["taints"] is not null));
        // Speaker pods copy the DaemonSet's template, so a DaemonSet controller sees them as current.
        var template = store.GetRequired(ResourceCatalog.DaemonSets, "openelb-system", "openelb-speaker")["spec"]!["template"]!["spec"]!;
        Assert.True(JsonNode.DeepEquals(template["tolerations"], pods[0]["spec"]!["tolerations"]));
    }

    [Theory]
    [InlineData("generate: 5", "header 'generate' must be a mapping")]
    [InlineData("generate: {nodes: 0, routers: 2}", "header 'generate.nodes' must be an integer")]
    [InlineData("generate: {nodes: 10}", "header 'generate.routers' must be an integer")]
    public void Parse_BadGenerateOption_HeaderLineAndReason(string option, string reason)
    {
        var yaml = $"# comment\nkind: Scenario\nname: gen\n{option}\n";

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "gen.yaml"));

        Assert.Equal(2, error.Line);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Parse_GenerateOption_AppendsGeneratedObjects()
    {
        var scenario = ScenarioLoader.Parse("kind: Scenario\nname: gen\ngenerate: {nodes: 10, routers: 2}\n", "gen.yaml");

        var kinds = scenario.Objects.GroupBy(o => o.Manifest["kind"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, kinds["Node"]);
        Assert.Equal(10, kinds["Pod"]);
        Assert.Equal(2, kinds["BgpPeer"]);
        Assert.Equal(1, kinds["BgpConf"]);
    }
}
