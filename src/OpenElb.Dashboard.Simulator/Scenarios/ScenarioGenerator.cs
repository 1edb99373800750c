using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Scenarios;

/// <summary>
/// Generates the bulk of a large scenario in code (a header option <c>generate: {nodes: N, routers: R}</c>), since a
/// YAML file with thousands of nodes would be slow to parse and unreadable. Deterministic: the same sizes give the same
/// objects. The shape follows the Testing project's <c>GeneratedCluster</c>: nodes spread evenly over racks (one BgpPeer
/// per rack, selecting it by the rack label), three zones, the first three nodes control-plane tainted, a speaker pod
/// on every node (Running and Ready), and a BgpConf <c>default</c> with one AS per rack. Pure and thread-safe.
/// </summary>
public static class ScenarioGenerator
{
    /// <summary>The upper bound on generated nodes, so that a typo in a header cannot exhaust memory.</summary>
    public const int MaxNodes = 100_000;

    internal const string RackLabel = "openelb.kubesphere.io/rack";
    internal const string ZoneLabel = "topology.kubernetes.io/zone";
    internal const string ControlPlaneTaint = "node-role.kubernetes.io/control-plane";
    private const string SpeakerNamespace = "openelb-system";
    private const string Timestamp = "2025-01-01T00:00:00Z";

    /// <summary>The rack label value of rack <paramref name="index"/>, as <c>GeneratedCluster.RackName</c>.</summary>
    public static string RackName(int index) => $"rack-{index:D3}";

    /// <summary>The name of node <paramref name="index"/>.</summary>
    public static string NodeName(int index) => $"node-{index:D5}";

    /// <summary>The name of the BgpPeer of rack <paramref name="index"/>.</summary>
    public static string PeerName(int index) => $"leaf-{index:D3}";

    /// <summary>
    /// Generates nodes, speaker pods, BgpPeers and the BgpConf. Speaker pods take the labels, placement fields and
    /// containers' name, image and args from the pod template of the speaker DaemonSet in <paramref name="existing"/>
    /// when there is one (with its template generation, so a DaemonSet controller sees them as up to date), else a
    /// minimal speaker spec. Every object carries <paramref name="line"/> (the header's) for error messages.
    /// </summary>
    public static IReadOnlyList<ScenarioObject> Generate(int nodes, int routers, IReadOnlyList<ScenarioObject> existing, int line)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, MaxNodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(routers, 1);
        ArgumentNullException.ThrowIfNull(existing);

        var daemonSet = existing
            .Select(o => o.Manifest)
            .FirstOrDefault(m => m["kind"]?.ToString() == "DaemonSet"
                && m["spec"]?["template"]?["metadata"]?["labels"]?["component"]?.ToString() == "speaker");
        var result = new List<ScenarioObject>(2 * nodes + routers + 1);
        for (var i = 0; i < nodes; i++)
        {
            result.Add(new ScenarioObject(Node(i, routers), line));
        }
        for (var i = 0; i < nodes; i++)
        {
            result.Add(new ScenarioObject(SpeakerPod(i, daemonSet), line));
        }
        for (var r = 0; r < routers; r++)
        {
            result.Add(new ScenarioObject(Peer(r), line));
        }
        var asPerRack = new JsonObject();
        for (var r = 0; r < routers; r++)
        {
            asPerRack[RackName(r)] = 64512 + r;
        }
        result.Add(new ScenarioObject(new JsonObject
        {
            ["apiVersion"] = "network.kubesphere.io/v1alpha2",
            ["kind"] = "BgpConf",
            ["metadata"] = new JsonObject { ["name"] = "default" },
            ["spec"] = new JsonObject { ["as"] = 64500, ["listenPort"] = 17900, ["asPerRack"] = asPerRack },
        }, line));
        return result;
    }

    private static JsonObject Node(int i, int routers)
    {
        var name = NodeName(i);
        var labels = new JsonObject
        {
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["node.kubernetes.io/instance-type"] = i % 7 == 0 ? "metal-large" : "metal-medium",
            [RackLabel] = RackName(i % routers),
            [ZoneLabel] = $"zone-{(char)('a' + (i / routers % 3))}",
            ["topology.kubernetes.io/region"] = "region-1",
            ["example.com/pool"] = i % 2 == 0 ? "general" : "storage",
        };
        var spec = new JsonObject();
        if (i < 3)
        {
            labels[ControlPlaneTaint] = "";
            spec["taints"] = new JsonArray(new JsonObject { ["key"] = ControlPlaneTaint, ["effect"] = "NoSchedule" });
        }
        var address = Address(i);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = address },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = "True",
                    ["reason"] = "KubeletReady",
                    ["lastTransitionTime"] = Timestamp,
                }),
                ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.32.0", ["operatingSystem"] = "linux", ["architecture"] = "amd64" },
            },
        };
    }

    private static JsonObject SpeakerPod(int i, JsonObject? daemonSet)
    {
        var template = daemonSet?["spec"]?["template"];
        var labels = template?["metadata"]?["labels"]?.DeepClone() as JsonObject
            ?? new JsonObject { ["app"] = "openelb", ["component"] = "speaker" };
        // The same revision labels as the seed's pods of the same (kubectl manifest) template.
        labels["controller-revision-hash"] = "5d8f7c9b6d";
        labels["pod-template-generation"] = "1";
        var spec = LeanSpec(template?["spec"] as JsonObject);
        spec["nodeName"] = NodeName(i);
        var metadata = new JsonObject
        {
            ["name"] = $"openelb-speaker-{i:x5}",
            ["namespace"] = daemonSet?["metadata"]?["namespace"]?.ToString() ?? SpeakerNamespace,
            ["labels"] = labels,
        };
        if (daemonSet is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "DaemonSet",
                ["name"] = daemonSet["metadata"]?["name"]?.ToString(),
                ["uid"] = "00000000-0000-0000-0000-000000000000",
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            });
        }
        var address = Address(i);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["hostIP"] = address,
                ["podIP"] = address,
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "Ready", ["status"] = "True" },
                    new JsonObject { ["type"] = "ContainersReady", ["status"] = "True" },
                    new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = "openelb-speaker",
                    ["ready"] = true,
                    ["started"] = true,
                    ["restartCount"] = 0,
                    ["image"] = "kubesphere/openelb-speaker:v0.6.0",
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Timestamp } },
                }),
            },
        };
    }

    // The template's placement fields and each container's name, image and args: what the dashboard and the
    // DaemonSet controller read. The rest (env, ports, probes, resources) would triple every pod's size, and with it the
    // cost of loading, listing and watching 5,000 of them, for nothing any reader looks at.
    private static JsonObject LeanSpec(JsonObject? template)
    {
        if (template is null)
        {
            return new JsonObject
            {
                ["hostNetwork"] = true,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "openelb-speaker",
                    ["image"] = "kubesphere/openelb-speaker:v0.6.0",
                    ["args"] = new JsonArray("--api-hosts=:50051", "--enable-layer2=false"),
                }),
            };
        }
        var spec = new JsonObject();
        foreach (var field in new[] { "hostNetwork", "serviceAccountName", "nodeSelector", "affinity", "tolerations" })
        {
            if (template[field] is { } value)
            {
                spec[field] = value.DeepClone();
            }
        }
        var containers = new JsonArray();
        foreach (var container in template["containers"] as JsonArray ?? [])
        {
            var lean = new JsonObject();
            foreach (var field in new[] { "name", "image", "args" })
            {
                if (container?[field] is { } value)
                {
                    lean[field] = value.DeepClone();
                }
            }
            containers.Add(lean);
        }
        spec["containers"] = containers;
        return spec;
    }

    private static JsonObject Peer(int r) => new()
    {
        ["apiVersion"] = "network.kubesphere.io/v1alpha2",
        ["kind"] = "BgpPeer",
        ["metadata"] = new JsonObject { ["name"] = PeerName(r) },
        ["spec"] = new JsonObject
        {
            ["conf"] = new JsonObject
            {
                ["neighborAddress"] = $"172.16.{r / 256}.{r % 256}",
                ["peerAs"] = 64512 + r,
                ["description"] = $"leaf switch of {RackName(r)}",
            },
            ["nodeSelector"] = new JsonObject
            {
                ["matchLabels"] = new JsonObject { [RackLabel] = RackName(r) },
            },
        },
    };

    private static string Address(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"10.{i / 65536}.{i / 256 % 256}.{i % 256}");
}
