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
/// for the host's lifetime; all state is owned by its single loop, so no locking beyond the store's.
/// </summary>
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

    // Pod events come in bursts (a rollout, a scenario load); one pass after a short pause covers the burst.
    private static readonly TimeSpan s_coalesceDelay = TimeSpan.FromMilliseconds(50);

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

    // Per (BgpPeer, node): the session as GoBGP on that node's current speaker sees it. Owned by the loop.
    private readonly Dictionary<(string Peer, string Node), Session> _sessions = [];

    // The BgpPeer names of the previous pass. Owned by the loop.
    private HashSet<string> _livePeers = new(StringComparer.Ordinal);

    // resourceVersions of our own status writes, so their watch events do not wake the loop again.
    private readonly HashSet<long> _ownWrites = [];

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
            var podTask = ForwardAsync(ResourceCatalog.Pods, IsSpeakerEvent, stoppingToken);
            var peerTask = ForwardAsync(ResourceCatalog.BgpPeers, e => !IsOwnWrite(e.ResourceVersion), stoppingToken);
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
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Reconcile();
            }
#pragma warning disable CA1031 // A malformed object written through the API must not stop the host (a BackgroundService's failure does).
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogWarning(e, "BGP status pass failed; retrying at the next one");
            }
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            tick.CancelAfter(_interval);
            try
            {
                await _wake.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                // Real time, not _time: coalescing is about bursts of real events, and a test's fake clock must not stall it.
                await Task.Delay(s_coalesceDelay, ct).ConfigureAwait(false);
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The interval elapsed: the periodic rewrite every speaker does.
            }
        }
    }

    private async Task ForwardAsync(ResourceKind kind, Func<WatchEvent, bool> relevant, CancellationToken ct)
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
                    // The close-all-watches fault ended the previous watch; a pass covers what happened meanwhile.
                    Wake();
                }
                try
                {
                    await foreach (var evt in subscription.Events.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        if (relevant(evt))
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

    private void OnFaultsChanged(object? sender, EventArgs e) => Wake();

    private void Wake() => _wake.Writer.TryWrite(true);

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

    /// <summary>One pass: every live Ready speaker rewrites its key on every BgpPeer it peers with.</summary>
    internal void Reconcile()
    {
        var now = _time.GetUtcNow();
        var nodeLabels = new Dictionary<string, LabelSet?>(StringComparer.Ordinal);
        var speakersByNode = LiveSpeakers(nodeLabels);
        var peerObjects = _store.List(ResourceCatalog.BgpPeers).Items;
        var localAs = LocalAsResolver(_store.Get(ResourceCatalog.BgpConfs, null, "default"));
        lock (_ownWrites)
        {
            _ownWrites.Clear();
        }
        var routersDown = _faults.RoutersDown;
        var livePeers = new HashSet<string>(StringComparer.Ordinal);

        foreach (var peerObject in peerObjects)
        {
            var peer = PeerSpec.From(peerObject);
            livePeers.Add(peer.Name);
            var entries = new List<(string Node, JsonObject Entry)>();
            foreach (var (node, speaker) in speakersByNode)
            {
                if (!speaker.PeersWith(peer, node, this, nodeLabels))
                {
                    continue;
                }
                var state = peer.AdminDown ? "IDLE" : routersDown.Contains(peer.Name) ? "ACTIVE" : "ESTABLISHED";
                var session = SessionFor(peer.Name, node, speaker.Uid, state, now);
                entries.Add((node, Entry(peer, session, localAs(speaker.StartLabels), now)));
            }
            if (entries.Count > 0)
            {
                Write(peer.Name, entries);
            }
        }

        foreach (var key in _sessions.Keys.Where(k => !livePeers.Contains(k.Peer) || !speakersByNode.ContainsKey(k.Node)).ToList())
        {
            _sessions.Remove(key);
        }
        if (!livePeers.SetEquals(_livePeers))
        {
            // Only after a BgpPeer was deleted or created: 5,000 speakers x 125 peers is not worth walking every pass.
            foreach (var speaker in _speakers.Values)
            {
                speaker.Forget(livePeers);
            }
            _livePeers = livePeers;
        }
    }

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

    private Dictionary<string, Speaker> LiveSpeakers(Dictionary<string, LabelSet?> nodeLabels)
    {
        var byNode = new SortedDictionary<string, Speaker>(StringComparer.Ordinal);
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in _store.List(ResourceCatalog.Pods).Items)
        {
            var meta = pod["metadata"] as JsonObject;
            var node = Str(pod["spec"]?["nodeName"]);
            var uid = Str(meta?["uid"]);
            if (string.IsNullOrEmpty(node) || string.IsNullOrEmpty(uid) || meta?["deletionTimestamp"] is not null
                || !IsSpeaker(ToLabelSet(meta?["labels"]) ?? LabelSet.Empty) || !IsRunningAndReady(pod))
            {
                continue;
            }
            live.Add(uid);
            if (!_speakers.TryGetValue(uid, out var speaker))
            {
                speaker = new Speaker(uid, NodeLabels(node, nodeLabels));
                _speakers[uid] = speaker;
            }
            // Two Ready speakers on one node (a legacy Deployment's surge) would write the same key; keep one.
            byNode.TryAdd(node, speaker);
        }
        foreach (var gone in _speakers.Keys.Where(uid => !live.Contains(uid)).ToList())
        {
            // A pod that left forgets its decisions; its keys stay in the BgpPeers' status, stale, as upstream.
            _speakers.Remove(gone);
        }
        return new Dictionary<string, Speaker>(byNode, StringComparer.Ordinal);
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
            var written = _store.Mutate(ResourceCatalog.BgpPeers, null, peerName, obj =>
            {
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
            var rv = long.Parse(Str(written["metadata"]?["resourceVersion"]) ?? "0", CultureInfo.InvariantCulture);
            lock (_ownWrites)
            {
                // A no-op write returns the old version, whose event is long gone: harmless here, cleared next pass.
                _ownWrites.Add(rv);
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

    /// <summary>One speaker pod: its node's labels when it started, and which BgpPeers (by name and spec generation) it decided to peer with.</summary>
    private sealed class Speaker(string uid, LabelSet? startLabels)
    {
        private readonly Dictionary<string, (string Generation, bool Selected)> _decisions = new(StringComparer.Ordinal);

        public string Uid { get; } = uid;

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

        public void Forget(HashSet<string> livePeers)
        {
            foreach (var name in _decisions.Keys.Where(n => !livePeers.Contains(n)).ToList())
            {
                _decisions.Remove(name);
            }
        }
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
