using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Controllers;

/// <summary>
/// The simulator's DaemonSet controller, with the parts of the kubelet and node lifecycle controller it needs.
/// One background loop owns every decision, so passes never interleave; it runs a full pass whenever the store reports
/// a change to nodes, pods or DaemonSets, whenever a fault changes, when a pod's next lifecycle step is due, and every
/// <see cref="ResyncInterval"/> otherwise. A pass, in a deterministic order (nodes by name, DaemonSets by namespace and name):
/// <list type="number">
/// <item>Node readiness: nodes in <see cref="FaultState.NotReadyNodes"/> get Ready False and the
/// <c>node.kubernetes.io/not-ready:NoExecute</c> taint; both are undone when the fault clears.</item>
/// <item>Per DaemonSet: claim its pods (adopting a scenario's hand-written pods), then per node with Core's
/// <see cref="SpeakerScheduling"/>: delete pods where the speaker should not continue running (NoExecute eviction,
/// selector or affinity mismatch), create one where it should run and none exists, and leave a pod under an
/// untolerated NoSchedule taint alone.</item>
/// <item>Rolling update (maxUnavailable from the DaemonSet, default 1): pods of an older template are deleted one at a
/// time, the next only once the replacement is Ready; a node the new template no longer admits just loses its pod.</item>
/// <item>Pod lifecycle (<see cref="PodLifecycle"/>), then the DaemonSet's status through the status subresource.</item>
/// </list>
/// All writes go through the <see cref="ObjectStore"/>, so API watches see them. Deletion is immediate: the simulator
/// has no graceful termination (pods never carry a deletionTimestamp).
/// </summary>
internal sealed partial class DaemonSetController(
    ObjectStore store,
    FaultState faults,
    SimulatorOptions options,
    TimeProvider time,
    ILogger<DaemonSetController> logger) : BackgroundService
{
    /// <summary>The periodic full pass, a safety net behind the watch-driven ones (<see cref="SimulatorOptions.ControllerResyncInterval"/>).</summary>
    private TimeSpan ResyncInterval => options.ControllerResyncInterval;

    private static readonly ResourceKind[] s_watchedKinds = [ResourceCatalog.Nodes, ResourceCatalog.Pods, ResourceCatalog.DaemonSets];

    // Capacity 1 with DropWrite: any number of changes during a pass collapse into one more pass.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
        SingleWriter = false,
    });
    private readonly PodTiming _timing = new(options.PodStartDelay, options.PodReadyDelay, options.CrashLoopRestartInterval);
    private readonly Dictionary<string, PodClock> _clocks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _markedNotReady = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        faults.Changed += OnFaultsChanged;
        var pumps = s_watchedKinds.Select(kind => PumpAsync(kind, stoppingToken)).ToArray();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                DateTimeOffset? due = null;
                try
                {
                    due = ReconcileAll();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug in one pass must not stop the API server (BackgroundService would stop the host); retry at the next tick.
                    LogPassFailed(e);
                }
                var wait = due is { } d && d - time.GetUtcNow() is var left && left < ResyncInterval ? left : ResyncInterval;
                await WaitForSignalAsync(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        finally
        {
            faults.Changed -= OnFaultsChanged;
            await Task.WhenAll(pumps);
        }
    }

    private void Signal() => _signal.Writer.TryWrite(true);

    // The faults this controller acts on, as of the last signal they caused (the sets are immutable and swapped whole).
    private readonly Lock _faultsSeenLock = new();
    private (object NotReady, object CrashLoop)? _faultsSeen;

    // Only the NotReady and crash-loop faults concern this controller. A router fault, for one, must not start a pass:
    // at 5,000 nodes a pass copies every node and pod under the store lock, and it used to run at the very moment the
    // BGP status simulator was writing that router's BgpPeer, adding 100-400 ms to the fault's latency on a watch.
    private void OnFaultsChanged(object? sender, EventArgs e)
    {
        var seen = ((object)faults.NotReadyNodes, (object)faults.CrashLoopNodes);
        lock (_faultsSeenLock)
        {
            if (_faultsSeen is { } previous && ReferenceEquals(previous.NotReady, seen.Item1) && ReferenceEquals(previous.CrashLoop, seen.Item2))
            {
                return;
            }
            _faultsSeen = seen;
        }
        Signal();
    }

    private async Task WaitForSignalAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            _signal.Reader.TryRead(out _);
            return;
        }
        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            await _signal.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The tick (or a lifecycle step) is due.
        }
    }

    /// <summary>Turns the store's changes of one kind into pass signals, re-subscribing when a fault closes the watch.</summary>
    private async Task PumpAsync(ResourceKind kind, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            WatchSubscription subscription;
            try
            {
                subscription = store.Watch(kind, store.ResourceVersion);
            }
            catch (ApiException)
            {
                // History compacted between the two calls (fault injection): start from the full state instead.
                subscription = store.Watch(kind, null);
            }
            using (subscription)
            {
                try
                {
                    await foreach (var _ in subscription.Events.ReadAllAsync(stoppingToken))
                    {
                        Signal();
                    }
                    // Closed by the close-all-watches fault; changes may have been missed, so pass once more.
                    Signal();
                    await Task.Delay(TimeSpan.FromMilliseconds(50), time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One full pass. Returns when a pod's next lifecycle step is due, or null.</summary>
    internal DateTimeOffset? ReconcileAll()
    {
        var now = time.GetUtcNow();
        ReconcileNodeReadiness(now);
        var nodes = store.List(ResourceCatalog.Nodes).Items.Select(SchedulingJson.Node).ToList();
        var pods = store.List(ResourceCatalog.Pods).Items;
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? next = null;
        foreach (var daemonSet in store.List(ResourceCatalog.DaemonSets).Items)
        {
            next = Earliest(next, ReconcileDaemonSet(daemonSet, nodes, pods, claimed, now));
        }
        foreach (var uid in _clocks.Keys.Where(uid => !claimed.Contains(uid)).ToList())
        {
            _clocks.Remove(uid);
        }
        return next;
    }

    private void ReconcileNodeReadiness(DateTimeOffset now)
    {
        var notReady = faults.NotReadyNodes;
        var timestamp = PodLifecycle.Timestamp(now);
        // Only nodes this controller marked are restored: a scenario may ship nodes that are NotReady on purpose.
        foreach (var name in notReady.Union(_markedNotReady).Order(StringComparer.Ordinal).ToList())
        {
            var mark = notReady.Contains(name);
            try
            {
                // Recorded as the real node lifecycle controller's process records it, so drift shows a named manager.
                store.Mutate(ResourceCatalog.Nodes, null, name, n => NodeReadiness.SetTaint(n, mark, timestamp), manager: NodeReadiness.Manager);
                store.Mutate(ResourceCatalog.Nodes, null, name, n => NodeReadiness.SetReadyCondition(n, mark, timestamp), WriteTarget.Status);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // The node is gone; nothing to mark or restore.
            }
            if (mark)
            {
                _markedNotReady.Add(name);
            }
            else
            {
                _markedNotReady.Remove(name);
            }
        }
    }

    private DateTimeOffset? ReconcileDaemonSet(JsonObject daemonSet, List<NodeInfo> nodes, IReadOnlyList<JsonObject> pods, HashSet<string> claimed, DateTimeOffset now)
    {
        var spec = daemonSet["spec"];
        if (spec?["template"] is not JsonObject template)
        {
            return null;
        }
        var ns = SchedulingJson.Namespace(daemonSet);
        var generation = SchedulingJson.Long(daemonSet["metadata"]?["generation"]);
        var placement = SchedulingJson.Placement(template["spec"]);
        var hostNetwork = SchedulingJson.Bool(template["spec"]?["hostNetwork"]);
        var hash = DaemonPods.TemplateHash(template);
        var timestamp = PodLifecycle.Timestamp(now);

        var byNode = ClaimPods(daemonSet, pods, claimed);
        foreach (var (nodeName, orphans) in byNode)
        {
            if (!nodes.Any(n => n.Name == nodeName))
            {
                // Bound to a node that does not exist (any more): nothing would ever run it.
                orphans.ForEach(DeletePod);
            }
        }

        var current = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        var decisions = new Dictionary<string, PlacementDecision>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = node.Name;
            var decision = SpeakerScheduling.Evaluate(node, placement, isDaemonSet: true, hostNetwork);
            decisions[name] = decision;
            var onNode = byNode.GetValueOrDefault(name) ?? [];
            if (!decision.ShouldContinueRunning)
            {
                onNode.ForEach(DeletePod);
                current[name] = null;
            }
            else if (onNode.Count == 0)
            {
                current[name] = decision.ShouldRun ? CreatePod(daemonSet, name, hash, generation, timestamp) : null;
            }
            else
            {
                // Several pods on one node (say, one created by hand): keep the updated, ready, oldest one.
                var keep = onNode
                    .OrderByDescending(p => DaemonPods.IsUpdated(p, hash, generation))
                    .ThenByDescending(PodLifecycle.IsReady)
                    .ThenBy(p => SchedulingJson.Text(p["metadata"]?["creationTimestamp"]), StringComparer.Ordinal)
                    .ThenBy(SchedulingJson.Name, StringComparer.Ordinal)
                    .First();
                onNode.Where(p => !ReferenceEquals(p, keep)).ToList().ForEach(DeletePod);
                current[name] = keep;
            }
        }

        if (SchedulingJson.Text(spec["updateStrategy"]?["type"]) != "OnDelete")
        {
            RollingUpdate(spec, nodes, decisions, current, hash, generation);
        }

        DateTimeOffset? next = null;
        foreach (var node in nodes)
        {
            if (current[node.Name] is { } pod)
            {
                var (advanced, due) = AdvancePod(pod, node, now);
                current[node.Name] = advanced;
                next = Earliest(next, due);
            }
        }

        WriteStatus(daemonSet, decisions, current, hash, generation);
        return next;
    }

    /// <summary>
    /// The pods this DaemonSet controls, by node: those whose controller reference names it, and orphans its selector
    /// matches (adopted with a write). The reference's uid is not compared: scenarios write their pods before the store
    /// gives the DaemonSet a uid, and rewriting thousands of them at start (the large scenario) would flood every watch.
    /// </summary>
    private SortedDictionary<string, List<JsonObject>> ClaimPods(JsonObject daemonSet, IReadOnlyList<JsonObject> pods, HashSet<string> claimed)
    {
        var ns = SchedulingJson.Namespace(daemonSet);
        var name = SchedulingJson.Name(daemonSet);
        var uid = SchedulingJson.Uid(daemonSet);
        var byNode = new SortedDictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (SchedulingJson.Namespace(pod) != ns || claimed.Contains(SchedulingJson.Uid(pod)))
            {
                continue;
            }
            var owner = DaemonPods.ControllerRef(pod);
            if (owner is not null && (SchedulingJson.Text(owner["kind"]) != "DaemonSet" || SchedulingJson.Text(owner["name"]) != name))
            {
                continue;
            }
            if (owner is null && !DaemonPods.SelectorMatches(daemonSet["spec"]?["selector"], pod["metadata"]?["labels"]))
            {
                continue;
            }
            var owned = pod;
            if (owner is null)
            {
                try
                {
                    owned = store.Mutate(ResourceCatalog.Pods, ns, SchedulingJson.Name(pod), p => Adopt(p, name, uid));
                }
                catch (ApiException)
                {
                    // Deleted meanwhile; the next pass sees the truth.
                    continue;
                }
            }
            claimed.Add(SchedulingJson.Uid(owned));
            var nodeName = SchedulingJson.Text(owned["spec"]?["nodeName"]) ?? "";
            if (!byNode.TryGetValue(nodeName, out var list))
            {
                byNode[nodeName] = list = [];
            }
            list.Add(owned);
        }
        return byNode;
    }

    private static JsonObject Adopt(JsonObject pod, string name, string uid)
    {
        var meta = (JsonObject)pod["metadata"]!;
        var references = new JsonArray();
        foreach (var reference in (meta["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!SchedulingJson.Bool(reference["controller"]))
            {
                references.Add(reference.DeepClone());
            }
        }
        references.Add(DaemonPods.OwnerReference(name, uid));
        meta["ownerReferences"] = references;
        return pod;
    }

    private void RollingUpdate(JsonNode spec, List<NodeInfo> nodes, Dictionary<string, PlacementDecision> decisions, Dictionary<string, JsonObject?> current, string hash, long generation)
    {
        var desired = decisions.Values.Count(d => d.ShouldRun);
        var maxUnavailable = MaxUnavailable(spec["updateStrategy"]?["rollingUpdate"]?["maxUnavailable"], desired);
        var unavailable = nodes.Count(n => decisions[n.Name].ShouldRun && !(current[n.Name] is { } p && PodLifecycle.IsReady(p)));
        foreach (var node in nodes)
        {
            var name = node.Name;
            if (current[name] is not { } pod || DaemonPods.IsUpdated(pod, hash, generation))
            {
                continue;
            }
            if (PodLifecycle.IsReady(pod))
            {
                if (unavailable >= maxUnavailable)
                {
                    continue;
                }
                if (decisions[name].ShouldRun)
                {
                    unavailable++;
                }
            }
            // An old pod that is not available anyway goes at once, without using the budget (as upstream).
            DeletePod(pod);
            current[name] = null;
        }
    }

    private static int MaxUnavailable(JsonNode? value, int desired)
    {
        var text = SchedulingJson.Text(value);
        int result;
        if (text is null)
        {
            result = 1;
        }
        else if (text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            result = (int)Math.Ceiling(desired * percent / 100.0);
        }
        else
        {
            result = (int)SchedulingJson.Long(value);
        }
        // maxUnavailable 0 is only valid with a surge, which the simulator does not do; never stall a rollout on it.
        return Math.Max(result, 1);
    }

    private (JsonObject Pod, DateTimeOffset? Due) AdvancePod(JsonObject pod, NodeInfo node, DateTimeOffset now)
    {
        var uid = SchedulingJson.Uid(pod);
        if (!_clocks.TryGetValue(uid, out var clock))
        {
            _clocks[uid] = clock = new PodClock(now);
        }
        var crashLoop = faults.CrashLoopNodes.Contains(node.Name);
        // The pod is this pass's own copy: advance it, and write only when something changed (most passes, on most pods,
        // change nothing). Its resourceVersion makes the write conditional on nobody having written the pod since.
        var (due, changed) = PodLifecycle.Advance(pod, clock, now, _timing, crashLoop, node.Ready, node.InternalIp);
        if (!changed)
        {
            return (pod, due);
        }
        try
        {
            return (store.Update(ResourceCatalog.Pods, SchedulingJson.Namespace(pod), SchedulingJson.Name(pod), pod, WriteTarget.Status), due);
        }
        catch (ApiException)
        {
            // Deleted or written through the API meanwhile (404 or 409): count it as advanced for this pass's status, and
            // pass again soon from the stored state.
            return (pod, ResyncSoon(now));
        }
    }

    private void WriteStatus(JsonObject daemonSet, Dictionary<string, PlacementDecision> decisions, Dictionary<string, JsonObject?> current, string hash, long generation)
    {
        int desired = 0, scheduled = 0, misscheduled = 0, ready = 0, updated = 0;
        foreach (var (node, decision) in decisions)
        {
            var pod = current.GetValueOrDefault(node);
            if (!decision.ShouldRun)
            {
                misscheduled += pod is null ? 0 : 1;
                continue;
            }
            desired++;
            if (pod is null)
            {
                continue;
            }
            scheduled++;
            ready += PodLifecycle.IsReady(pod) ? 1 : 0;
            updated += DaemonPods.IsUpdated(pod, hash, generation) ? 1 : 0;
        }
        // Keys in the API server's order; minReadySeconds is not simulated, so available equals ready.
        var status = new JsonObject
        {
            ["currentNumberScheduled"] = scheduled,
            ["desiredNumberScheduled"] = desired,
            ["numberAvailable"] = ready,
            ["numberMisscheduled"] = misscheduled,
            ["numberReady"] = ready,
        };
        if (desired > ready)
        {
            status["numberUnavailable"] = desired - ready;
        }
        status["observedGeneration"] = generation;
        status["updatedNumberScheduled"] = updated;
        try
        {
            store.Mutate(ResourceCatalog.DaemonSets, SchedulingJson.Namespace(daemonSet), SchedulingJson.Name(daemonSet), d =>
            {
                d["status"] = status;
                return d;
            }, WriteTarget.Status);
        }
        catch (ApiException)
        {
            // Deleted meanwhile.
        }
    }

    private JsonObject? CreatePod(JsonObject daemonSet, string nodeName, string hash, long generation, string timestamp)
    {
        try
        {
            return store.Create(ResourceCatalog.Pods, SchedulingJson.Namespace(daemonSet), DaemonPods.NewPod(daemonSet, nodeName, hash, generation, timestamp));
        }
        catch (ApiException e)
        {
            // A generated-name collision, or the namespace is gone: the next pass tries again.
            LogCreateFailed(nodeName, e.Message);
            return null;
        }
    }

    private void DeletePod(JsonObject pod)
    {
        try
        {
            store.Delete(ResourceCatalog.Pods, SchedulingJson.Namespace(pod), SchedulingJson.Name(pod));
        }
        catch (ApiException)
        {
            // Already gone.
        }
    }

    private static DateTimeOffset ResyncSoon(DateTimeOffset now) => now + TimeSpan.FromMilliseconds(50);

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Error, Message = "DaemonSet controller pass failed")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create a daemon pod on {NodeName}: {Reason}")]
    private partial void LogCreateFailed(string nodeName, string reason);

}
