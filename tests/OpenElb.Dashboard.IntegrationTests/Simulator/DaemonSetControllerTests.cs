using System.Collections.Immutable;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// The simulator's DaemonSet controller against the seed scenario, driven by the seed guide's commands through the
/// real kubectl. Every test mutates the cluster, so each starts its own simulator.
/// </summary>
public sealed class DaemonSetControllerTests
{
    private const string Ns = "openelb-system";
    private const string Ds = "openelb-speaker";
    private static readonly string[] s_allNodes = ["node1", "node2", "node3", "node4", "node5", "node6"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_SeedScenario_AdoptsTheSixPodsAndReportsSixOfSix()
    {
        await using var sim = await Sim.StartAsync();
        var seedPods = sim.SpeakerPods().Select(Versioned).Order().ToList();

        // The first pass runs as the host starts; a second comes with the pods' lifecycle steps or the tick.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);

        // Adopted as they are: no duplicate, not even a rewrite (the same names at the same resourceVersions).
        var pods = sim.SpeakerPods();
        Assert.Equal(seedPods, pods.Select(Versioned).Order().ToList());
        Assert.Equal(s_allNodes, pods.Select(NodeName).Order().ToArray());
        var status = sim.DaemonSet()["status"]!;
        Assert.Equal(6, Int(status["desiredNumberScheduled"]));
        Assert.Equal(6, Int(status["currentNumberScheduled"]));
        Assert.Equal(6, Int(status["numberReady"]));
        Assert.Equal(6, Int(status["numberAvailable"]));
        Assert.Equal(6, Int(status["updatedNumberScheduled"]));
        Assert.Equal(0, Int(status["numberMisscheduled"]));
        Assert.Equal(Int(sim.DaemonSet()["metadata"]!["generation"]), Int(status["observedGeneration"]));
    }

    [Fact]
    public async Task NodeSelectorRecipe_KubectlRolloutStatus_OnlyLabelledNodesRunSpeakers()
    {
        await using var sim = await Sim.StartAsync();
        await sim.KubectlAsync("label", "nodes", "node1", "openelb-speaker=true");
        await sim.KubectlAsync("label", "nodes", "node2", "openelb-speaker=true");
        var fragment = await sim.WriteFileAsync(SeedGuide.NodeSelectorFragment);

        await sim.KubectlAsync("patch", "ds", Ds, "-n", Ns, "--patch-file", fragment);
        var rollout = await sim.KubectlAsync("rollout", "status", $"ds/{Ds}", "-n", Ns, "--timeout=60s");

        Assert.Contains("successfully rolled out", rollout.StdOut);
        Assert.Equal(["node1", "node2"], sim.SpeakerPods().Select(NodeName).Order().ToArray());
        Assert.All(sim.SpeakerPods(), p => Assert.Equal("2", p["metadata"]!["labels"]!["pod-template-generation"]!.GetValue<string>()));
        Assert.All(sim.SpeakerPods(), p => Assert.Equal("true", p["spec"]!["nodeSelector"]!["openelb-speaker"]!.GetValue<string>()));
        var status = sim.DaemonSet()["status"]!;
        Assert.Equal(2, Int(status["desiredNumberScheduled"]));
        Assert.Equal(2, Int(status["numberReady"]));
        Assert.Equal(2, Int(status["updatedNumberScheduled"]));
    }

    [Fact]
    public async Task AffinityRecipe_KubectlRolloutStatus_OnlyLabelledNodesRunSpeakers()
    {
        await using var sim = await Sim.StartAsync();
        await sim.KubectlAsync("label", "nodes", "node1", "openelb-speaker=true");
        await sim.KubectlAsync("label", "nodes", "node2", "openelb-speaker=true");
        var fragment = await sim.WriteFileAsync(SeedGuide.AffinityFragment);

        await sim.KubectlAsync("patch", "ds", Ds, "-n", Ns, "--patch-file", fragment);
        var rollout = await sim.KubectlAsync("rollout", "status", $"ds/{Ds}", "-n", Ns, "--timeout=60s");

        Assert.Contains("successfully rolled out", rollout.StdOut);
        Assert.Equal(["node1", "node2"], sim.SpeakerPods().Select(NodeName).Order().ToArray());
        Assert.All(sim.SpeakerPods(), p => Assert.True(PodReady(p)));
    }

    [Fact]
    public async Task TaintRecipe_KubectlRolloutStatus_AllSixStillRunAndTolerationsReplacedWhole()
    {
        await using var sim = await Sim.StartAsync();
        await sim.KubectlAsync("taint", "nodes", "node1", "openelb-speaker=true:NoSchedule");
        var fragment = await sim.WriteFileAsync(SeedGuide.TolerationsFragment);

        await sim.KubectlAsync("patch", "ds", Ds, "-n", Ns, "--patch-file", fragment);
        var rollout = await sim.KubectlAsync("rollout", "status", $"ds/{Ds}", "-n", Ns, "--timeout=60s");

        // The seed guide's caveat: a taint admits speakers on the tainted node, it does not keep them off the others.
        Assert.Contains("successfully rolled out", rollout.StdOut);
        Assert.Equal(s_allNodes, sim.SpeakerPods().Select(NodeName).Order().ToArray());
        var templateTolerations = sim.DaemonSet()["spec"]!["template"]!["spec"]!["tolerations"]!.AsArray();
        Assert.Equal("openelb-speaker", Assert.Single(templateTolerations)!["key"]!.GetValue<string>());
        foreach (var pod in sim.SpeakerPods())
        {
            var keys = pod["spec"]!["tolerations"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()).ToList();
            Assert.Contains("openelb-speaker", keys);
            Assert.Contains("node.kubernetes.io/not-ready", keys);
            Assert.Contains("node.kubernetes.io/network-unavailable", keys);
            Assert.DoesNotContain("node-role.kubernetes.io/control-plane", keys);
        }
    }

    [Fact]
    public async Task TemplateChange_RollingUpdate_NeverMoreThanOneNodeWithoutAReadySpeaker()
    {
        await using var sim = await Sim.StartAsync(TimeSpan.FromMilliseconds(200));
        var oldNames = sim.SpeakerPods().Select(Name).ToHashSet();

        sim.Host.Store.Mutate(ResourceCatalog.DaemonSets, Ns, Ds, ds =>
        {
            ds["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Add("--log-level=debug");
            return ds;
        });
        var worst = 0;
        await sim.WaitUntilAsync(() =>
        {
            var pods = sim.SpeakerPods();
            var withReadySpeaker = pods.Where(PodReady).Select(NodeName).Distinct().Count();
            worst = Math.Max(worst, s_allNodes.Length - withReadySpeaker);
            return pods.Count == 6 && pods.All(p => !oldNames.Contains(Name(p)) && PodReady(p));
        }, "all six replaced and ready", pollEvery: TimeSpan.FromMilliseconds(10));

        Assert.Equal(1, worst);
        await sim.WaitUntilAsync(() => Int(sim.DaemonSet()["status"]!["updatedNumberScheduled"]) == 6, "status updated");
        Assert.Equal(Int(sim.DaemonSet()["metadata"]!["generation"]), Int(sim.DaemonSet()["status"]!["observedGeneration"]));
    }

    [Fact]
    public async Task Taints_NoExecuteEvictsNoScheduleDoesNot_RemovingTaintBringsSpeakerBack()
    {
        await using var sim = await Sim.StartAsync();
        var onNode4 = Name(sim.SpeakerPods().Single(p => NodeName(p) == "node4"));

        await sim.KubectlAsync("taint", "nodes", "node3", "maintenance=true:NoExecute");
        await sim.KubectlAsync("taint", "nodes", "node4", "maintenance=true:NoSchedule");

        await sim.WaitUntilAsync(() => sim.SpeakerPods().All(p => NodeName(p) != "node3"), "speaker evicted from node3");
        await sim.WaitUntilAsync(() => Int(sim.DaemonSet()["status"]!["numberMisscheduled"]) == 1, "node4 counted misscheduled");
        Assert.Equal(onNode4, Name(sim.SpeakerPods().Single(p => NodeName(p) == "node4")));
        Assert.Equal(4, Int(sim.DaemonSet()["status"]!["desiredNumberScheduled"]));

        await sim.KubectlAsync("taint", "nodes", "node3", "maintenance=true:NoExecute-");

        await sim.WaitUntilAsync(() => sim.SpeakerPods().Any(p => NodeName(p) == "node3" && PodReady(p)), "speaker back and ready on node3");
        Assert.Single(sim.SpeakerPods(), p => NodeName(p) == "node3");
        Assert.Equal(onNode4, Name(sim.SpeakerPods().Single(p => NodeName(p) == "node4")));
    }

    [Fact]
    public async Task NewPod_Lifecycle_GoesPendingThenRunningThenReady()
    {
        await using var sim = await Sim.StartAsync(TimeSpan.FromMilliseconds(500));
        var victim = sim.SpeakerPods().Single(p => NodeName(p) == "node2");

        await sim.KubectlAsync("delete", "pod", Name(victim), "-n", Ns);

        await sim.WaitUntilAsync(() => sim.SpeakerPods().Any(p => NodeName(p) == "node2" && Phase(p) == "Pending"), "replacement Pending");
        await sim.WaitUntilAsync(() => sim.SpeakerPods().Any(p => NodeName(p) == "node2" && Phase(p) == "Running" && !PodReady(p)), "replacement Running, not Ready");
        await sim.WaitUntilAsync(() => sim.SpeakerPods().Any(p => NodeName(p) == "node2" && PodReady(p)), "replacement Ready");
        var pod = sim.SpeakerPods().Single(p => NodeName(p) == "node2");
        Assert.NotEqual(Name(victim), Name(pod));
        Assert.NotNull(pod["status"]!["startTime"]);
        Assert.Equal(0, Int(pod["status"]!["containerStatuses"]![0]!["restartCount"]));
        Assert.Equal(sim.DaemonSet()["metadata"]!["uid"]!.GetValue<string>(), pod["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        Assert.NotNull(pod["metadata"]!["labels"]!["controller-revision-hash"]);
        Assert.True(pod["spec"]!["hostNetwork"]!.GetValue<bool>());
    }

    [Fact]
    public async Task OrphanSpeakerPod_SecondOnANode_AdoptedAndSurplusDeleted()
    {
        await using var sim = await Sim.StartAsync();
        var original = sim.SpeakerPods().Single(p => NodeName(p) == "node1");
        var extra = original.DeepClone().AsObject();
        extra["metadata"] = new JsonObject { ["name"] = "openelb-speaker-extra", ["labels"] = original["metadata"]!["labels"]!.DeepClone() };

        sim.Host.Store.Create(ResourceCatalog.Pods, Ns, extra);

        // As upstream: the selector claims the orphan, and a node keeps one daemon pod (the older one).
        await sim.WaitUntilAsync(() => sim.SpeakerPods().All(p => Name(p) != "openelb-speaker-extra"), "surplus pod deleted");
        Assert.Equal(Name(original), Name(sim.SpeakerPods().Single(p => NodeName(p) == "node1")));
    }

    [Fact]
    public async Task CloseAllWatchesFault_ControllerResubscribes_StillEvicts()
    {
        // No periodic pass during the test: only a watch event can trigger the eviction, so seeing it proves the
        // controller re-established its watches (no timing involved).
        await using var sim = await Sim.StartAsync(resync: TimeSpan.FromHours(1));

        sim.Host.Store.CloseAllWatches();
        await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        await sim.KubectlAsync("taint", "nodes", "node2", "maintenance=true:NoExecute");

        await sim.WaitUntilAsync(() => sim.SpeakerPods().All(p => NodeName(p) != "node2"), "speaker evicted from node2");
    }

    [Fact]
    public async Task NotReadyFault_NodeReadyFalseWithTaint_SpeakerStaysAndFaultClears()
    {
        await using var sim = await Sim.StartAsync();
        var speaker = Name(sim.SpeakerPods().Single(p => NodeName(p) == "node5"));

        sim.Host.Faults.NotReadyNodes = ImmutableHashSet.Create("node5");
        sim.Host.Faults.NotifyChanged();

        await sim.WaitUntilAsync(() => NodeReady(sim.Node("node5")) == "False" && HasNotReadyTaint(sim.Node("node5")), "node5 NotReady and tainted");
        await sim.WaitUntilAsync(() => Int(sim.DaemonSet()["status"]!["numberReady"]) == 5, "speaker on node5 not ready");
        Assert.Equal(speaker, Name(sim.SpeakerPods().Single(p => NodeName(p) == "node5")));
        Assert.Equal(6, Int(sim.DaemonSet()["status"]!["currentNumberScheduled"]));

        sim.Host.Faults.NotReadyNodes = [];
        sim.Host.Faults.NotifyChanged();

        await sim.WaitUntilAsync(() => NodeReady(sim.Node("node5")) == "True" && !HasNotReadyTaint(sim.Node("node5")), "node5 Ready again");
        await sim.WaitUntilAsync(() => Int(sim.DaemonSet()["status"]!["numberReady"]) == 6, "all ready");
        Assert.Equal(speaker, Name(sim.SpeakerPods().Single(p => NodeName(p) == "node5")));
    }

    [Fact]
    public async Task CrashLoopFault_RestartCountGrowsAndNotReady_RecoversWhenCleared()
    {
        await using var sim = await Sim.StartAsync();

        sim.Host.Faults.CrashLoopNodes = ImmutableHashSet.Create("node6");
        sim.Host.Faults.NotifyChanged();

        await sim.WaitUntilAsync(() => RestartCount(sim.SpeakerPods().Single(p => NodeName(p) == "node6")) >= 3, "three restarts");
        var pod = sim.SpeakerPods().Single(p => NodeName(p) == "node6");
        Assert.False(PodReady(pod));
        Assert.Equal("Running", Phase(pod));
        Assert.Equal("CrashLoopBackOff", pod["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!.GetValue<string>());
        await sim.WaitUntilAsync(() => Int(sim.DaemonSet()["status"]!["numberReady"]) == 5, "five ready");

        sim.Host.Faults.CrashLoopNodes = [];
        sim.Host.Faults.NotifyChanged();

        await sim.WaitUntilAsync(() => PodReady(sim.SpeakerPods().Single(p => NodeName(p) == "node6")), "node6 speaker ready again");
        Assert.True(RestartCount(sim.SpeakerPods().Single(p => NodeName(p) == "node6")) >= 3);
    }

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    private static string Versioned(JsonObject obj) => $"{Name(obj)}@{obj["metadata"]!["resourceVersion"]!.GetValue<string>()}";

    private static string NodeName(JsonObject pod) => pod["spec"]!["nodeName"]!.GetValue<string>();

    private static string? Phase(JsonObject pod) => pod["status"]?["phase"]?.GetValue<string>();

    private static int Int(JsonNode? node) => int.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static int RestartCount(JsonObject pod) => Int(pod["status"]?["containerStatuses"]?[0]?["restartCount"] ?? 0);

    private static bool PodReady(JsonObject pod) => Condition(pod, "Ready") == "True";

    private static string? NodeReady(JsonObject node) => Condition(node, "Ready");

    private static string? Condition(JsonObject obj, string type) =>
        obj["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.GetValue<string>() == type)?["status"]?.GetValue<string>();

    private static bool HasNotReadyTaint(JsonObject node) =>
        node["spec"]?["taints"]?.AsArray().Any(t => t!["key"]!.GetValue<string>() == "node.kubernetes.io/not-ready" && t["effect"]!.GetValue<string>() == "NoExecute") == true;

    /// <summary>A fresh seed simulator with short kubelet delays, its kubeconfig in a temp directory.</summary>
    private sealed class Sim : IAsyncDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "openelb-dsc-" + Guid.NewGuid().ToString("N"));

        private Sim(SimulatorHost host)
        {
            Host = host;
            Directory.CreateDirectory(_directory);
            host.WriteKubeconfig(Kubeconfig);
        }

        public SimulatorHost Host { get; }

        private string Kubeconfig => Path.Combine(_directory, "kubeconfig");

        public static async Task<Sim> StartAsync(TimeSpan? delay = null, TimeSpan? resync = null)
        {
            var step = delay ?? TimeSpan.FromMilliseconds(100);
            var options = new SimulatorOptions
            {
                Scenario = "seed",
                Port = 0,
                PodStartDelay = step,
                PodReadyDelay = step,
                CrashLoopRestartInterval = TimeSpan.FromMilliseconds(150),
                ControllerResyncInterval = resync ?? TimeSpan.FromSeconds(5),
            };
            return new Sim(await InProcessHosts.StartSimulatorAsync(options, Ct).WaitAsync(TestTimeouts.Default, Ct));
        }

        public async Task<Kubectl.Result> KubectlAsync(params string[] args) =>
            (await Kubectl.RunAsync(Kubeconfig, args)).EnsureSuccess();

        public async Task<string> WriteFileAsync(string yaml)
        {
            var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".yaml");
            await File.WriteAllTextAsync(path, yaml, Ct);
            return path;
        }

        public JsonObject DaemonSet() => Host.Store.GetRequired(ResourceCatalog.DaemonSets, Ns, Ds);

        public JsonObject Node(string name) => Host.Store.GetRequired(ResourceCatalog.Nodes, null, name);

        public List<JsonObject> SpeakerPods() =>
            Host.Store.List(ResourceCatalog.Pods, Ns).Items
                .Where(p => p["metadata"]?["labels"]?["component"]?.GetValue<string>() == "speaker")
                .ToList();

        public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? pollEvery = null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TestTimeouts.Default);
            while (!condition())
            {
                try
                {
                    await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(50), timeout.Token);
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                    Assert.Fail($"timed out waiting for: {what}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
