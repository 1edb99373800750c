using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using OpenElb.Dashboard.IntegrationTests.Audit;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Controllers;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Scenarios;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// The BGP status simulator's change passes, driven by hand on a store without a host (no loop, no timing): a change
/// rewrites only the BgpPeers it touches, and what it writes is what a full pass writes.
/// </summary>
public sealed class BgpStatusIncrementalTests
{
    private const string Namespace = "openelb-system";
    private const int Nodes = 60;
    private const int Routers = 6;
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // The shipped large scenario at a test's size: the same generated shape (a rack label per node, one BgpPeer per
    // rack selecting it, a Running and Ready speaker pod per node, a BgpConf with one AS per rack).
    private static Scenario Generated()
    {
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream("scenarios.large.yaml")!;
        using var reader = new StreamReader(stream);
        var yaml = reader.ReadToEnd()
            .Replace("nodes: 5000", $"nodes: {Nodes}", StringComparison.Ordinal)
            .Replace("routers: 125", $"routers: {Routers}", StringComparison.Ordinal);
        return ScenarioLoader.Parse(yaml, "generated.yaml");
    }

    private static string Node(int i) => ScenarioGenerator.NodeName(i);

    private static string Peer(int rack) => ScenarioGenerator.PeerName(rack);

    private static string Pod(int i) => $"openelb-speaker-{i:x5}";

    /// <summary>A store with the generated scenario, its fault state and a simulator whose passes the test runs.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly WatchSubscription _pods;
        private readonly WatchSubscription _peers;

        public Rig(TestTimeProvider time)
        {
            Store = new ObjectStore(historyCapacity: 100_000, time);
            ScenarioLoader.Apply(Generated(), Store);
            Simulator = new BgpStatusSimulator(Store, Faults, new SimulatorOptions { TimeProvider = time }, NullLogger<BgpStatusSimulator>.Instance);
            _pods = Store.Watch(ResourceCatalog.Pods, Store.ResourceVersion);
            _peers = Store.Watch(ResourceCatalog.BgpPeers, Store.ResourceVersion);
        }

        public ObjectStore Store { get; }

        public FaultState Faults { get; } = new();

        public BgpStatusSimulator Simulator { get; }

        /// <summary>What the simulator's watch forwarders do: every event since the last call goes to its notes.</summary>
        public void Forward()
        {
            while (_pods.Events.TryRead(out var evt))
            {
                Simulator.NotePodEvent(evt);
            }
            while (_peers.Events.TryRead(out var evt))
            {
                Simulator.NotePeerEvent(evt);
            }
        }

        /// <summary>One change pass over what happened since the last pass; its own writes are forwarded (and skipped) after.</summary>
        public void ChangePass()
        {
            Forward();
            Simulator.ReconcileChanges();
            Forward();
        }

        /// <summary>One full pass; the events so far are forwarded first, as the loop would have noted them.</summary>
        public void FullPass()
        {
            Forward();
            Simulator.Reconcile();
            Forward();
        }

        public void Dispose()
        {
            _pods.Dispose();
            _peers.Dispose();
        }
    }

    private static Dictionary<string, string> PeerVersions(ObjectStore store) =>
        store.List(ResourceCatalog.BgpPeers).Items.ToDictionary(
            p => p["metadata"]!["name"]!.GetValue<string>(),
            p => p["metadata"]!["resourceVersion"]!.GetValue<string>(),
            StringComparer.Ordinal);

    private static List<string> Drain(WatchSubscription watch)
    {
        var events = new List<string>();
        while (watch.Events.TryRead(out var evt))
        {
            events.Add($"{evt.Type} {evt.Summary.Name}");
        }
        return events;
    }

    private static JsonObject Status(ObjectStore store, string peer) =>
        store.GetRequired(ResourceCatalog.BgpPeers, null, peer)["status"]?["nodesPeerStatus"] as JsonObject ?? [];

    // Every BgpPeer's nodesPeerStatus as "peer node entry-JSON" lines, sorted (key order in the map is write order).
    private static List<string> Flat(ObjectStore store) =>
        [.. store.List(ResourceCatalog.BgpPeers).Items
            .SelectMany(p => (p["status"]?["nodesPeerStatus"] as JsonObject ?? [])
                .Select(e => $"{p["metadata"]!["name"]} {e.Key} {e.Value!.ToJsonString()}"))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string?> States(JsonObject status) =>
        status.Select(e => e.Value?["peerState"]?["sessionState"]?.GetValue<string>());

    private static void SetPodReady(ObjectStore store, int node, bool ready) =>
        store.Mutate(ResourceCatalog.Pods, Namespace, Pod(node), pod =>
        {
            foreach (var condition in pod["status"]!["conditions"]!.AsArray())
            {
                if (condition!["type"]!.GetValue<string>() == "Ready")
                {
                    condition["status"] = ready ? "True" : "False";
                }
            }
            return pod;
        }, WriteTarget.Status);

    // What the DaemonSet controller does after a pod is deleted: a new pod (new name, new uid) on the node, here
    // started Running and Ready at once.
    private static void ReplacePod(ObjectStore store, int node, string newName)
    {
        var pod = store.Delete(ResourceCatalog.Pods, Namespace, Pod(node));
        var meta = pod["metadata"]!.AsObject();
        foreach (var field in new[] { "uid", "resourceVersion", "creationTimestamp", "generation" })
        {
            meta.Remove(field);
        }
        meta["name"] = newName;
        foreach (var condition in pod["status"]!["conditions"]!.AsArray())
        {
            condition!["status"] = "True";
        }
        store.Create(ResourceCatalog.Pods, Namespace, pod);
    }

    [Fact]
    public void RouterDownThenUp_OnePeer_RewritesOnlyThatPeer()
    {
        var time = new TestTimeProvider(s_start);
        using var rig = new Rig(time);
        rig.FullPass();
        var target = Peer(3);
        Assert.Equal(Nodes, Flat(rig.Store).Count);
        using var watch = rig.Store.Watch(ResourceCatalog.BgpPeers, rig.Store.ResourceVersion);

        foreach (var (down, expected) in new[] { (true, "ACTIVE"), (false, "ESTABLISHED") })
        {
            var before = PeerVersions(rig.Store);
            // Past a keepalive interval: a full pass now would rewrite every peer's counters; a change pass must not.
            time.Advance(TimeSpan.FromSeconds(31));
            rig.Faults.RoutersDown = down ? rig.Faults.RoutersDown.Add(target) : rig.Faults.RoutersDown.Remove(target);
            rig.Faults.NotifyChanged();

            rig.ChangePass();

            Assert.Equal([$"MODIFIED {target}"], Drain(watch));
            var after = PeerVersions(rig.Store);
            Assert.All(before.Where(p => p.Key != target), p => Assert.Equal(p.Value, after[p.Key]));
            Assert.NotEqual(before[target], after[target]);
            var status = Status(rig.Store, target);
            Assert.Equal(Nodes / Routers, status.Count);
            Assert.All(States(status), s => Assert.Equal(expected, s));
        }

        // Nothing changed since: a change pass writes nothing.
        rig.ChangePass();
        Assert.Empty(Drain(watch));
    }

    [Fact]
    public void SpeakerPodNotReadyThenReplaced_RewritesOnlyItsNodesPeerAndKeepsTheStaleKey()
    {
        var time = new TestTimeProvider(s_start);
        using var rig = new Rig(time);
        rig.FullPass();
        const int node = 7;
        var peer = Peer(node % Routers);
        var established = Status(rig.Store, peer)[Node(node)]!.ToJsonString();
        using var watch = rig.Store.Watch(ResourceCatalog.BgpPeers, rig.Store.ResourceVersion);

        time.Advance(TimeSpan.FromSeconds(3));
        SetPodReady(rig.Store, node, ready: false);
        rig.ChangePass();

        // A speaker that is not Ready writes nothing: its key stays as it was, and no BgpPeer is rewritten.
        Assert.Empty(Drain(watch));
        Assert.Equal(established, Status(rig.Store, peer)[Node(node)]!.ToJsonString());

        time.Advance(TimeSpan.FromSeconds(3));
        ReplacePod(rig.Store, node, "openelb-speaker-replaced");
        rig.ChangePass();

        Assert.Equal([$"MODIFIED {peer}"], Drain(watch));
        var entry = Status(rig.Store, peer)[Node(node)]!;
        Assert.Equal("ESTABLISHED", entry["peerState"]!["sessionState"]!.GetValue<string>());
        Assert.Equal("2026-01-01T00:00:06Z", entry["timersState"]!["uptime"]!.GetValue<string>());
    }

    [Fact]
    public void ChangePasses_ThroughChurnFaultsAndPeerEdits_WriteWhatFullPassesWrite()
    {
        // Two stores with the same history and clock: one followed by change passes, one by full passes only.
        var time = new TestTimeProvider(s_start);
        using var incremental = new Rig(time);
        using var full = new Rig(time);
        incremental.FullPass();
        full.FullPass();

        var steps = new (string What, Action<ObjectStore, FaultState> Change)[]
        {
            ("router down", (_, f) => f.RoutersDown = f.RoutersDown.Add(Peer(1))),
            ("speaker not ready", (s, _) => SetPodReady(s, 2, ready: false)),
            ("node not ready, its speaker too", (s, _) =>
            {
                s.Mutate(ResourceCatalog.Nodes, null, Node(8), n => NodeReadiness.SetReadyCondition(n, notReady: true, s.Timestamp()), WriteTarget.Status);
                SetPodReady(s, 8, ready: false);
            }),
            ("speaker ready again", (s, _) => SetPodReady(s, 2, ready: true)),
            ("node relabelled into another rack (no effect until the pod is replaced)", (s, _) =>
                s.Mutate(ResourceCatalog.Nodes, null, Node(4), n =>
                {
                    n["metadata"]!["labels"]![ScenarioGenerator.RackLabel] = ScenarioGenerator.RackName(5);
                    return n;
                })),
            ("its pod replaced", (s, _) => ReplacePod(s, 4, "openelb-speaker-new-4")),
            ("pod deleted, none replaces it", (s, _) => s.Delete(ResourceCatalog.Pods, Namespace, Pod(9))),
            ("peer selector changed", (s, _) =>
                s.Mutate(ResourceCatalog.BgpPeers, null, Peer(0), p =>
                {
                    p["spec"]!["nodeSelector"]!["matchLabels"]![ScenarioGenerator.RackLabel] = ScenarioGenerator.RackName(2);
                    return p;
                })),
            ("admin down", (s, _) =>
                s.Mutate(ResourceCatalog.BgpPeers, null, Peer(5), p =>
                {
                    p["spec"]!["conf"]!["adminDown"] = true;
                    return p;
                })),
            ("router up", (_, f) => f.RoutersDown = f.RoutersDown.Remove(Peer(1))),
            ("node ready again", (s, _) =>
            {
                s.Mutate(ResourceCatalog.Nodes, null, Node(8), n => NodeReadiness.SetReadyCondition(n, notReady: false, s.Timestamp()), WriteTarget.Status);
                SetPodReady(s, 8, ready: true);
            }),
            ("peer created", (s, _) =>
            {
                var peer = s.GetRequired(ResourceCatalog.BgpPeers, null, Peer(3));
                var meta = peer["metadata"]!.AsObject();
                foreach (var field in new[] { "uid", "resourceVersion", "creationTimestamp", "generation" })
                {
                    meta.Remove(field);
                }
                meta["name"] = "leaf-extra";
                peer.Remove("status");
                s.Create(ResourceCatalog.BgpPeers, null, peer);
            }),
            ("peer deleted", (s, _) => s.Delete(ResourceCatalog.BgpPeers, null, Peer(4))),
            ("BgpConf AS changed", (s, _) =>
                s.Mutate(ResourceCatalog.BgpConfs, null, "default", c =>
                {
                    c["spec"]!["asPerRack"]![ScenarioGenerator.RackName(3)] = 65100;
                    return c;
                })),
        };

        foreach (var (what, change) in steps)
        {
            // Under a keepalive interval in all, so that the counters of keys no change touches stay the same.
            time.Advance(TimeSpan.FromSeconds(1));
            foreach (var rig in new[] { incremental, full })
            {
                change(rig.Store, rig.Faults);
                rig.Faults.NotifyChanged();
            }
            incremental.ChangePass();
            full.FullPass();

            // The step's name first, so that a difference names the step it appeared after.
            Assert.Equal(Flat(full.Store).Prepend(what), Flat(incremental.Store).Prepend(what));
        }

        // A full pass after the change passes finds nothing to correct.
        using var watch = incremental.Store.Watch(ResourceCatalog.BgpPeers, incremental.Store.ResourceVersion);
        incremental.FullPass();
        Assert.Empty(Drain(watch));
    }
}
