using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Controllers;

/// <summary>
/// Plays the BGP half of OpenELB 0.6's speakers: every live Ready speaker pod writes its own node's key of
/// <c>status.nodesPeerStatus</c> on each BgpPeer it peers with, every <see cref="SimulatorOptions.BgpStatusInterval"/>
/// and promptly when a speaker becomes Ready, in GoBGP's proto3 JSON shape. Faithful to upstream's quirks:
/// <list type="bullet">
/// <item>keys of departed speakers are never removed (stale entries);</item>
/// <item>a speaker decides whether it peers with a BgpPeer when it first sees that peer's spec (at pod start, or when
/// the peer is created or its spec changes), from the node's labels at that moment, and never re-evaluates on a node
/// relabel: sessions follow a relabel only once the node's speaker pod is replaced;</item>
/// <item><c>spec.conf.adminDown</c> gives IDLE with adminState DOWN; a router in <see cref="FaultState.RoutersDown"/>
/// gives ACTIVE.</item>
/// </list>
/// Writes go through the store's status subresource, so API watches see MODIFIED events. Runs as a hosted service
/// for the host's lifetime; all state is owned by its single loop, so no locking beyond the store's and the small
/// record of pending changes the watch forwarders fill.
/// </summary>
/// <remarks>
/// Two kinds of pass. The full pass (<see cref="Reconcile"/>: at start, every interval, after a watch was closed, after
/// the BgpConf changed) is every speaker's periodic rewrite of all its keys. Between them, a change pass
/// (<see cref="ReconcileChanges"/>) recomputes only what the noted changes touch: a router taken down or up recomputes
/// that BgpPeer's keys, a speaker pod event its node's keys, a BgpPeer event that peer's keys; and it writes only the
/// BgpPeers that got entries, so a router fault rewrites one BgpPeer, not 125. A real cluster's speakers each patch only
/// their own key as things happen; a whole-cluster pass per fault was a test-bench cost (about 400 ms at 5,000 nodes)
/// that sat in every end-to-end latency number.
/// </remarks>
internal sealed class BgpStatusSimulator : BackgroundService
{
    // Upstream OpenELB 0.6 speakers (app=openelb,component=speaker) and, for legacy (<= 0.5) installations,
    // openelb-manager pods, which ran the speaker inside the manager and wrote the same status.
    private static readonly (string Key, string Value)[][] s_speakerLabels =
    [
        [("app", "openelb"), ("component", "speaker")],
        [("app", "openelb-manager")],
    ];

    // GoBGP's defaults as the speakers configure them (hold time 90 s, keepalive a third of it).
    private const int HoldTimeSeconds = 90;
    private const int KeepaliveSeconds = 30;

    // Pod events come in bursts (a rollout, a scenario load). A change after a quiet spell is handled at once (a single
    // fault must reach the watches in a few ms); within a burst passes are at least this far apart, each covering
    // everything noted since the previous one, which bounds the passes (and BgpPeer writes) per second.
    private static readonly TimeSpan s_minPassSpacing = TimeSpan.FromMilliseconds(50);

    private readonly ObjectStore _store;
    private readonly FaultState _faults;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
        SingleWriter = false,
    });

    // Per live speaker pod (by uid): its node and its peering decisions. Owned by the loop.
    private readonly Dictionary<string, Speaker> _speakers = new(StringComparer.Ordinal);

    // Per node: the speaker that writes its key (one per node, the first live one in store order). Owned by the loop.
    private readonly SortedDictionary<string, Speaker> _speakerByNode = new(StringComparer.Ordinal);

    // The BgpPeers as of the last pass that read them, by name. Owned by the loop.
    private SortedDictionary<string, PeerSpec> _peers = new(StringComparer.Ordinal);

    // Per (BgpPeer, node): the session as GoBGP on that node's current speaker sees it. Owned by the loop.
    private readonly Dictionary<(string Peer, string Node), Session> _sessions = [];

    // The routers down as of the last pass, so that a change pass recomputes only the peers whose router changed.
    private ImmutableHashSet<string> _routersDown = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    // The BgpConf's spec as of the last full pass (its JSON text), and the local AS it gives. Owned by the loop.
    private string? _confText;
    private Func<LabelSet?, long?> _localAs = _ => null;

    // resourceVersions of our own status writes, so their watch events do not wake the loop again.
    private readonly HashSet<long> _ownWrites = [];

    // What the watch forwarders noted since the loop last took it: BgpPeers and nodes to recompute, or everything.
    private readonly Lock _pendingLock = new();
    private HashSet<string> _pendingPeers = new(StringComparer.Ordinal);
    private HashSet<string> _pendingNodes = new(StringComparer.Ordinal);
    private bool _pendingAll = true;

    private readonly ILogger<BgpStatusSimulator> _logger;

    public BgpStatusSimulator(ObjectStore store, FaultState faults, SimulatorOptions options, ILogger<BgpStatusSimulator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _store = store;
        _faults = faults;
        _time = options.TimeProvider;
        _interval = options.BgpStatusInterval;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // ForwardAsync registers its watch before its first await, so before the first pass: no change falls between.
        _faults.Changed += OnFaultsChanged;
        try
        {
            var podTask = ForwardAsync(ResourceCatalog.Pods, NotePodEvent, stoppingToken);
            var peerTask = ForwardAsync(ResourceCatalog.BgpPeers, NotePeerEvent, stoppingToken);
            await RunLoopAsync(stoppingToken).ConfigureAwait(false);
            await Task.WhenAll(podTask, peerTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        finally
        {
            _faults.Changed -= OnFaultsChanged;
        }
    }

    private async Task RunLoopAsync(CancellationToken ct)
    {
        // Real time, not _time, for the interval and the spacing: they are about real events, and a test's fake clock
        // must not stall the loop.
        var lastFull = long.MinValue;
        var lastPass = long.MinValue;
        while (!ct.IsCancellationRequested)
        {
            var sinceFull = lastFull == long.MinValue ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(lastFull);
            var full = sinceFull >= _interval;
            try
            {
                if (full)
                {
                    lastFull = Stopwatch.GetTimestamp();
                    Reconcile();
                }
                else
                {
                    ReconcileChanges();
                }
            }
#pragma warning disable CA1031 // A malformed object written through the API must not stop the host (a BackgroundService's failure does).
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogWarning(e, "BGP status pass failed; retrying at the next one");
                MarkAll();
            }
            lastPass = Stopwatch.GetTimestamp();
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // Change passes do not postpone the periodic rewrite: it comes an interval after the last full pass.
            var untilFull = _interval - Stopwatch.GetElapsedTime(lastFull);
            tick.CancelAfter(untilFull > TimeSpan.Zero ? untilFull : TimeSpan.Zero);
            try
            {
                await _wake.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                var quiet = Stopwatch.GetElapsedTime(lastPass);
                if (quiet < s_minPassSpacing)
                {
                    await Task.Delay(s_minPassSpacing - quiet, ct).ConfigureAwait(false);
                }
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The interval elapsed: the periodic rewrite every speaker does (the loop's next pass is full).
            }
        }
    }

    private async Task ForwardAsync(ResourceKind kind, Func<WatchEvent, bool> note, CancellationToken ct)
    {
        for (var first = true; !ct.IsCancellationRequested; first = false)
        {
            WatchSubscription subscription;
            try
            {
                subscription = _store.Watch(kind, _store.ResourceVersion);
            }
            catch (ApiException)
            {
                // History compacted between reading the version and registering: read it again.
                continue;
            }
            using (subscription)
            {
                if (!first)
                {
                    // The close-all-watches fault ended the previous watch; a full pass covers what happened meanwhile.
                    MarkAll();
                    Wake();
                }
                try
                {
                    await foreach (var evt in subscription.Events.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        if (note(evt))
                        {
                            Wake();
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    // Every fault change wakes the loop; a change pass compares RoutersDown with the last pass's and recomputes only
    // the peers whose router changed (the other faults reach this class as pod events).
    private void OnFaultsChanged(object? sender, EventArgs e) => Wake();

    private void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Notes a pod watch event for the next change pass: a speaker pod's event marks its node. Returns whether it
    /// concerns a speaker (the loop must wake). Called by the pod watch forwarder; tests call it directly.
    /// </summary>
    internal bool NotePodEvent(WatchEvent evt)
    {
        if (!IsSpeakerEvent(evt))
        {
            return false;
        }
        var nodes = new[] { evt.Summary, evt.Previous }
            .Select(s => s is not null && s.Fields.TryGetValue("spec.nodeName", out var n) && n.Length > 0 ? n : null)
            .OfType<string>()
            .ToList();
        lock (_pendingLock)
        {
            // A speaker pod not yet bound to a node writes nothing and has no key to recompute.
            _pendingNodes.UnionWith(nodes);
        }
        return nodes.Count > 0;
    }

    /// <summary>
    /// Notes a BgpPeer watch event for the next change pass: another writer's change (spec, creation, deletion, someone
    /// else's status edit) marks that peer; our own status writes are skipped. Returns whether the loop must wake.
    /// Called by the BgpPeer watch forwarder; tests call it directly.
    /// </summary>
    internal bool NotePeerEvent(WatchEvent evt)
    {
        if (IsOwnWrite(evt.ResourceVersion))
        {
            return false;
        }
        lock (_pendingLock)
        {
            _pendingPeers.Add(evt.Summary.Name);
        }
        return true;
    }

    // After a watch gap or a failed pass the noted changes may be incomplete: the next pass is a full one.
    private void MarkAll()
    {
        lock (_pendingLock)
        {
            _pendingAll = true;
        }
    }

    private (HashSet<string> Peers, HashSet<string> Nodes, bool All) TakePending()
    {
        lock (_pendingLock)
        {
            var taken = (_pendingPeers, _pendingNodes, _pendingAll);
            _pendingPeers = new(StringComparer.Ordinal);
            _pendingNodes = new(StringComparer.Ordinal);
            _pendingAll = false;
            return taken;
        }
    }

    private static bool IsSpeakerEvent(WatchEvent evt) => IsSpeaker(evt.Summary.Labels) || (evt.Previous is { } p && IsSpeaker(p.Labels));

    private bool IsOwnWrite(long resourceVersion)
    {
        lock (_ownWrites)
        {
            return _ownWrites.Remove(resourceVersion);
        }
    }

    private static bool IsSpeaker(IReadOnlyDictionary<string, string> labels) =>
        s_speakerLabels.Any(set => set.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>
    /// A full pass: every live Ready speaker rewrites its key on every BgpPeer it peers with (the periodic rewrite).
    /// Covers every change noted before it, so it clears them.
    /// </summary>
    internal void Reconcile()
    {
        // Taken before reading the store: a change noted from here on is covered by the next pass.
        TakePending();
        lock (_ownWrites)
        {
            _ownWrites.Clear();
        }
        var now = _time.GetUtcNow();
        var nodeLabels = new Dictionary<string, LabelSet?>(StringComparer.Ordinal);
        RefreshSpeakers(nodes: null, nodeLabels);
        var conf = _store.Get(ResourceCatalog.BgpConfs, null, "default");
        _confText = ConfText(conf);
        _localAs = LocalAsResolver(conf);
        _routersDown = _faults.RoutersDown;

        var peers = new SortedDictionary<string, PeerSpec>(StringComparer.Ordinal);
        foreach (var peerObject in _store.List(ResourceCatalog.BgpPeers).Items)
        {
            var peer = Refresh(PeerSpec.From(peerObject));
            peers[peer.Name] = peer;
            if (EntriesForAllNodes(peer, now, nodeLabels) is { Count: > 0 } entries)
            {
                Write(peer.Name, entries);
            }
        }

        var peersChanged = !peers.Keys.ToHashSet(StringComparer.Ordinal).SetEquals(_peers.Keys);
        _peers = peers;
        foreach (var key in _sessions.Keys.Where(k => !_peers.ContainsKey(k.Peer) || !_speakerByNode.ContainsKey(k.Node)).ToList())
        {
            _sessions.Remove(key);
        }
        if (peersChanged)
        {
            // Only after a BgpPeer was deleted or created: 5,000 speakers x 125 peers is not worth walking every pass.
            foreach (var speaker in _speakers.Values)
            {
                speaker.Forget(name => _peers.ContainsKey(name));
            }
        }
    }

    /// <summary>
    /// A change pass: recomputes only what the changes noted since the last pass touch (a router whose fault changed or
    /// a BgpPeer that changed: all its keys; a node whose speaker pod changed: that node's key on every peer) and writes
    /// only the BgpPeers that got entries; a write that changes nothing produces no event. The result is what a full
    /// pass at the same moment would write for those keys. Falls back to a full pass when everything was marked (a
    /// watch gap) or the BgpConf changed (every key's local AS).
    /// </summary>
    internal void ReconcileChanges()
    {
        var (dirtyPeers, dirtyNodes, all) = TakePending();
        var conf = _store.Get(ResourceCatalog.BgpConfs, null, "default");
        if (all || ConfText(conf) != _confText)
        {
            Reconcile();
            return;
        }
        var routersDown = _faults.RoutersDown;
        dirtyPeers.UnionWith(routersDown.SymmetricExcept(_routersDown));
        _routersDown = routersDown;
        if (dirtyPeers.Count == 0 && dirtyNodes.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var nodeLabels = new Dictionary<string, LabelSet?>(StringComparer.Ordinal);
        if (dirtyNodes.Count > 0)
        {
            RefreshSpeakers(dirtyNodes, nodeLabels);
        }
        var writes = new SortedDictionary<string, List<(string Node, JsonObject Entry)>>(StringComparer.Ordinal);
        foreach (var name in dirtyPeers.Order(StringComparer.Ordinal))
        {
            if (_store.Get(ResourceCatalog.BgpPeers, null, name) is not { } peerObject)
            {
                if (_peers.Remove(name))
                {
                    Forget(name);
                }
                continue;
            }
            var peer = Refresh(PeerSpec.From(peerObject));
            _peers[name] = peer;
            writes[name] = EntriesForAllNodes(peer, now, nodeLabels);
        }
        foreach (var node in dirtyNodes.Order(StringComparer.Ordinal))
        {
            if (!_speakerByNode.TryGetValue(node, out var speaker))
            {
                // The node's speaker left: its sessions end (its keys stay, stale).
                foreach (var peerName in _peers.Keys)
                {
                    _sessions.Remove((peerName, node));
                }
                continue;
            }
            foreach (var peer in _peers.Values)
            {
                if (dirtyPeers.Contains(peer.Name) || EntryFor(peer, node, speaker, now, nodeLabels) is not { } entry)
                {
                    // A recomputed peer already has every node's entry.
                    continue;
                }
                if (!writes.TryGetValue(peer.Name, out var entries))
                {
                    entries = [];
                    writes[peer.Name] = entries;
                }
                entries.Add((node, entry));
            }
        }
        foreach (var (peerName, entries) in writes)
        {
            if (entries.Count > 0)
            {
                Write(peerName, entries);
            }
        }
    }

    // The peer as last seen when its spec is unchanged (keeping its memo of selector verdicts), else the new one. The
    // generation (with the uid) changes with every spec change, and nothing else of the object goes into a PeerSpec.
    private PeerSpec Refresh(PeerSpec peer) =>
        _peers.TryGetValue(peer.Name, out var previous) && previous.Generation == peer.Generation ? previous : peer;

    // A deleted BgpPeer: every speaker forgets its decision and its sessions end.
    private void Forget(string peerName)
    {
        foreach (var speaker in _speakers.Values)
        {
            speaker.Forget(peerName);
        }
        foreach (var key in _sessions.Keys.Where(k => k.Peer == peerName).ToList())
        {
            _sessions.Remove(key);
        }
    }

    private List<(string Node, JsonObject Entry)> EntriesForAllNodes(PeerSpec peer, DateTimeOffset now, Dictionary<string, LabelSet?> nodeLabels)
    {
        var entries = new List<(string Node, JsonObject Entry)>();
        foreach (var (node, speaker) in _speakerByNode)
        {
            if (EntryFor(peer, node, speaker, now, nodeLabels) is { } entry)
            {
                entries.Add((node, entry));
            }
        }
        return entries;
    }

    // The node's key on the peer as its speaker writes it now, or null when the speaker does not peer with it.
    private JsonObject? EntryFor(PeerSpec peer, string node, Speaker speaker, DateTimeOffset now, Dictionary<string, LabelSet?> nodeLabels)
    {
        if (!speaker.PeersWith(peer, node, this, nodeLabels))
        {
            return null;
        }
        var state = peer.AdminDown ? "IDLE" : _routersDown.Contains(peer.Name) ? "ACTIVE" : "ESTABLISHED";
        var session = SessionFor(peer.Name, node, speaker.Uid, state, now);
        return Entry(peer, session, _localAs(speaker.StartLabels), now);
    }

    private static string? ConfText(JsonObject? conf) => conf?["spec"]?.ToJsonString();

    // The node's current labels, read at most once per pass and only when a speaker has a decision to make.
    private LabelSet? NodeLabels(string node, Dictionary<string, LabelSet?> cache)
    {
        if (!cache.TryGetValue(node, out var labels))
        {
            labels = _store.Get(ResourceCatalog.Nodes, null, node) is { } obj ? ToLabelSet(obj["metadata"]?["labels"]) : null;
            cache[node] = labels;
        }
        return labels;
    }

    // Rereads the speaker pods on the given nodes (every node when null): new live speakers are added, departed ones
    // dropped (their keys stay in the BgpPeers' status, stale, as upstream), and each node's writing speaker is set.
    private void RefreshSpeakers(HashSet<string>? nodes, Dictionary<string, LabelSet?> nodeLabels)
    {
        // The few fields a speaker needs, read in place: copying 5,000 whole pods made every 30 s rewrite a CPU burst.
        var pods = _store.Select(ResourceCatalog.Pods, pod => IsSpeakerPodOn(pod, nodes) ? SpeakerPod.From(pod) : null);
        var byNode = new Dictionary<string, Speaker>(StringComparer.Ordinal);
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, uid) in pods)
        {
            live.Add(uid);
            if (!_speakers.TryGetValue(uid, out var speaker))
            {
                speaker = new Speaker(uid, node, NodeLabels(node, nodeLabels));
                _speakers[uid] = speaker;
            }
            // Two Ready speakers on one node (a legacy Deployment's surge) would write the same key; keep one, the
            // first in store order, as a full pass does.
            byNode.TryAdd(node, speaker);
        }
        foreach (var gone in _speakers.Values.Where(s => (nodes is null || nodes.Contains(s.Node)) && !live.Contains(s.Uid)).ToList())
        {
            // A pod that left forgets its decisions; its keys stay in the BgpPeers' status, stale, as upstream.
            _speakers.Remove(gone.Uid);
        }
        if (nodes is null)
        {
            _speakerByNode.Clear();
        }
        else
        {
            foreach (var node in nodes)
            {
                _speakerByNode.Remove(node);
            }
        }
        foreach (var (node, speaker) in byNode)
        {
            _speakerByNode[node] = speaker;
        }
    }

    /// <summary>A speaker pod (its labels checked by <see cref="IsSpeakerPodOn"/>) that writes status: bound, not
    /// terminating, Running and Ready.</summary>
    private sealed record SpeakerPod(string Node, string Uid)
    {
        // Under the store lock, on the stored object: reads only, keeps only strings; null for a pod that writes nothing.
        public static SpeakerPod? From(JsonObject pod)
        {
            var meta = pod["metadata"] as JsonObject;
            var node = Str(pod["spec"]?["nodeName"]);
            var uid = Str(meta?["uid"]);
            if (string.IsNullOrEmpty(node) || string.IsNullOrEmpty(uid) || meta?["deletionTimestamp"] is not null || !IsRunningAndReady(pod))
            {
                return null;
            }
            return new SpeakerPod(node, uid);
        }
    }

    // Under the store lock, on the stored object: cheap checks only (labels, node).
    private static bool IsSpeakerPodOn(JsonObject pod, HashSet<string>? nodes)
    {
        if (nodes is not null && (Str(pod["spec"]?["nodeName"]) is not { } node || !nodes.Contains(node)))
        {
            return false;
        }
        return pod["metadata"]?["labels"] is JsonObject labels
            && s_speakerLabels.Any(set => set.All(l => Str(labels[l.Key]) == l.Value));
    }

    private static bool IsRunningAndReady(JsonObject pod)
    {
        if (pod["status"]?["phase"]?.ToString() != "Running" || pod["status"]?["conditions"] is not JsonArray conditions)
        {
            return false;
        }
        return conditions.Any(c => c?["type"]?.ToString() == "Ready" && c["status"]?.ToString() == "True");
    }

    private Session SessionFor(string peer, string node, string podUid, string state, DateTimeOffset now)
    {
        if (!_sessions.TryGetValue((peer, node), out var session) || session.PodUid != podUid)
        {
            // A new speaker process starts a new GoBGP: no history for this neighbor.
            session = new Session(podUid);
            _sessions[(peer, node)] = session;
        }
        if (session.State != state)
        {
            if (state == "ESTABLISHED")
            {
                session.Uptime = now;
            }
            else if (session.State == "ESTABLISHED")
            {
                session.Downtime = now;
            }
            session.State = state;
        }
        return session;
    }

    private void Write(string peerName, List<(string Node, JsonObject Entry)> entries)
    {
        try
        {
            // Held across the write: the peer forwarder must not look the event's version up before it is recorded.
            lock (_ownWrites)
            {
                string? before = null;
                var written = _store.Mutate(ResourceCatalog.BgpPeers, null, peerName, obj =>
                {
                    before = Str(obj["metadata"]?["resourceVersion"]);
                    var status = obj["status"] as JsonObject ?? [];
                    var map = status["nodesPeerStatus"] as JsonObject ?? [];
                    foreach (var (node, entry) in entries)
                    {
                        map[node] = entry.DeepClone();
                    }
                    status["nodesPeerStatus"] = map;
                    obj["status"] = status;
                    return obj;
                }, WriteTarget.Status);
                var after = Str(written["metadata"]?["resourceVersion"]);
                if (after != before)
                {
                    // Only a write that changed something has an event to skip (a no-op keeps the old version).
                    _ownWrites.Add(long.Parse(after ?? "0", CultureInfo.InvariantCulture));
                }
            }
        }
        catch (ApiException)
        {
            // The BgpPeer was deleted during the pass, or is unwritable: as upstream, try again next time.
        }
    }

    /// <summary>A nodesPeerStatus entry in GoBGP's proto3 JSON: defaults omitted, uint64 values as strings.</summary>
    internal static JsonObject Entry(PeerSpec peer, Session session, long? localAs, DateTimeOffset now)
    {
        var peerState = new JsonObject { ["neighborAddress"] = peer.NeighborAddress };
        if (peer.PeerAs != 0)
        {
            peerState["peerAs"] = peer.PeerAs;
        }
        if (localAs is > 0)
        {
            peerState["localAs"] = localAs.Value;
        }
        var timers = new JsonObject
        {
            ["holdTime"] = Text(HoldTimeSeconds),
            ["keepaliveInterval"] = Text(KeepaliveSeconds),
        };
        if (session.State == "ESTABLISHED")
        {
            peerState["routerId"] = peer.NeighborAddress;
            peerState["sessionState"] = session.State;
            var keepalives = 1 + (long)((now - session.Uptime!.Value).TotalSeconds / KeepaliveSeconds);
            peerState["messages"] = new JsonObject
            {
                ["received"] = Counters(open: 1, update: 3, keepalive: keepalives),
                ["sent"] = Counters(open: 1, update: 2, keepalive: keepalives),
            };
            timers["negotiatedHoldTime"] = Text(HoldTimeSeconds);
        }
        else
        {
            peerState["sessionState"] = session.State;
        }
        if (peer.AdminDown)
        {
            peerState["adminState"] = "DOWN";
        }
        if (session.Uptime is { } up)
        {
            timers["uptime"] = Rfc3339(up);
        }
        if (session.Downtime is { } down)
        {
            timers["downtime"] = Rfc3339(down);
        }
        return new JsonObject { ["peerState"] = peerState, ["timersState"] = timers };
    }

    private static JsonObject Counters(long open, long update, long keepalive) => new()
    {
        ["open"] = Text(open),
        ["update"] = Text(update),
        ["keepalive"] = Text(keepalive),
        ["total"] = Text(open + update + keepalive),
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Rfc3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // The AS a speaker uses: BgpConf asPerRack for its node's rack (read when the speaker started), else spec.as;
    // null without a BgpConf.
    private static Func<LabelSet?, long?> LocalAsResolver(JsonObject? conf)
    {
        var defaultAs = Number(conf?["spec"]?["as"]);
        var perRack = conf?["spec"]?["asPerRack"] as JsonObject;
        if (perRack is null || perRack.Count == 0)
        {
            return _ => defaultAs;
        }
        return labels => labels is not null
            && labels.TryGetValue("openelb.kubesphere.io/rack", out var rack)
            && Number(perRack[rack]) is { } rackAs ? rackAs : defaultAs;
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static long? Number(JsonNode? node) =>
        node is JsonValue v && long.TryParse(v.ToJsonString().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static LabelSet? ToLabelSet(JsonNode? labels)
    {
        if (labels is not JsonObject obj)
        {
            return labels is null ? LabelSet.Empty : null;
        }
        var pairs = new List<KeyValuePair<string, string>>(obj.Count);
        foreach (var (key, value) in obj)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
            {
                return null;
            }
            pairs.Add(KeyValuePair.Create(key, text));
        }
        return LabelSet.From(pairs);
    }

    /// <summary>
    /// Converts a BgpPeer's <c>spec.nodeSelector</c> (a <c>metav1.LabelSelector</c>) to Core's record: absent stays
    /// null (every speaker); a malformed selector becomes one Core rejects as invalid (no speaker), as upstream's
    /// <c>LabelSelectorAsSelector</c> would fail.
    /// </summary>
    internal static LabelSelector? ToSelector(JsonNode? selector)
    {
        if (selector is null)
        {
            return null;
        }
        var invalid = new LabelSelector(LabelSet.Empty, new([new LabelSelectorRequirement("", "Invalid", EquatableArray<string>.Empty)]));
        if (selector is not JsonObject obj)
        {
            return invalid;
        }
        var matchLabels = ToLabelSet(obj["matchLabels"]);
        if (matchLabels is null)
        {
            return invalid;
        }
        var expressions = new List<LabelSelectorRequirement>();
        if (obj["matchExpressions"] is JsonArray array)
        {
            foreach (var item in array)
            {
                var values = item?["values"] is JsonArray v
                    ? v.Select(x => x is JsonValue s && s.TryGetValue<string>(out var text) ? text : null).ToList()
                    : [];
                if (item is not JsonObject || values.Any(x => x is null))
                {
                    return invalid;
                }
                expressions.Add(new LabelSelectorRequirement(
                    item["key"]?.ToString() ?? "", item["operator"]?.ToString() ?? "", new([.. values.Select(x => x!)])));
            }
        }
        else if (obj["matchExpressions"] is not null)
        {
            return invalid;
        }
        return new LabelSelector(matchLabels, new([.. expressions]));
    }

    /// <summary>What a speaker reads from a BgpPeer, and a memo of its selector's verdicts.</summary>
    internal sealed record PeerSpec(string Name, string Generation, string NeighborAddress, long PeerAs, bool AdminDown, LabelSelector? Selector)
    {
        private readonly Dictionary<string, bool> _verdicts = new(StringComparer.Ordinal);
        private readonly string[] _keys = Selector is null
            ? []
            : [.. Selector.MatchLabels.Keys.Concat(Selector.MatchExpressions.Select(r => r.Key)).Distinct(StringComparer.Ordinal)];

        /// <summary>
        /// <see cref="SelectorMatching.Matches"/>, memoised on the node's values of the selector's keys: the verdict depends
        /// on nothing else, and at 5,000 speakers x 125 routers re-validating the selector per node dominated a pass.
        /// </summary>
        public bool Selects(LabelSet labels)
        {
            if (Selector is null)
            {
                return true;
            }
            var projection = _keys.Length == 1 ? Value(labels, _keys[0]) : string.Join('\u0000', _keys.Select(k => Value(labels, k)));
            if (!_verdicts.TryGetValue(projection, out var verdict))
            {
                verdict = SelectorMatching.Matches(Selector, labels);
                _verdicts[projection] = verdict;
            }
            return verdict;
        }

        // A label value never contains a control character, so "\u0001" stands for an absent key unambiguously.
        private static string Value(LabelSet labels, string key) => labels.TryGetValue(key, out var v) ? v : "\u0001";

        public static PeerSpec From(JsonObject peer)
        {
            var conf = peer["spec"]?["conf"];
            return new PeerSpec(
                peer["metadata"]?["name"]?.ToString() ?? "",
                // The uid too: a deleted and recreated peer is a new peer for the speaker.
                $"{peer["metadata"]?["uid"]}/{peer["metadata"]?["generation"]?.ToJsonString()}",
                conf?["neighborAddress"]?.ToString() ?? "",
                Number(conf?["peerAs"]) ?? 0,
                conf?["adminDown"] is JsonValue a && a.TryGetValue<bool>(out var down) && down,
                ToSelector(peer["spec"]?["nodeSelector"]));
        }
    }

    /// <summary>One speaker pod: its node, the node's labels when it started, and which BgpPeers (by name and spec generation) it decided to peer with.</summary>
    private sealed class Speaker(string uid, string node, LabelSet? startLabels)
    {
        private readonly Dictionary<string, (string Generation, bool Selected)> _decisions = new(StringComparer.Ordinal);

        public string Uid { get; } = uid;

        public string Node { get; } = node;

        public LabelSet? StartLabels { get; } = startLabels;

        // Upstream's reconciler runs on BgpPeer events only, reading the node's labels then; a node event never
        // triggers it. So a decision stands until the peer's spec changes or the pod is replaced (the relabel bug).
        public bool PeersWith(PeerSpec peer, string node, BgpStatusSimulator owner, Dictionary<string, LabelSet?> nodeLabels)
        {
            if (_decisions.TryGetValue(peer.Name, out var decision) && decision.Generation == peer.Generation)
            {
                return decision.Selected;
            }
            var labels = owner.NodeLabels(node, nodeLabels);
            var selected = labels is not null && peer.Selects(labels);
            _decisions[peer.Name] = (peer.Generation, selected);
            return selected;
        }

        public void Forget(Func<string, bool> live)
        {
            foreach (var name in _decisions.Keys.Where(n => !live(n)).ToList())
            {
                _decisions.Remove(name);
            }
        }

        public void Forget(string peerName) => _decisions.Remove(peerName);
    }

    /// <summary>The session of one speaker process with one router, as its GoBGP tracks it.</summary>
    internal sealed class Session(string podUid)
    {
        public string PodUid { get; } = podUid;

        /// <summary>GoBGP's session state name; null before the first pass.</summary>
        public string? State { get; set; }

        public DateTimeOffset? Uptime { get; set; }

        public DateTimeOffset? Downtime { get; set; }
    }
}
