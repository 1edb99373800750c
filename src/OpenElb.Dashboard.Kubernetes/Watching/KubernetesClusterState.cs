using System.Text.Json;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Crds;
using OpenElb.Dashboard.Kubernetes.Mapping;

namespace OpenElb.Dashboard.Kubernetes.Watching;

/// <summary>
/// The live cluster feed: one list+watch loop per <see cref="ResourceKind"/>, decoded into Core's slim records, coalesced
/// into immutable <see cref="ClusterSnapshot"/>s and fanned out to any number of subscribers.
/// </summary>
/// <remarks>
/// A singleton. <see cref="Start"/> starts the watches; <see cref="DisposeAsync"/> stops them. Thread-safe. Snapshots are
/// rebuilt from the slim records at most once per <see cref="ClusterStateOptions.CoalesceWindow"/>: a change after a quiet
/// window at once, the changes within a window after a publish together at its end.
/// </remarks>
public sealed class KubernetesClusterState : IClusterState, IFeedSink, IAsyncDisposable
{
    private const string SpeakerSelector = "app=openelb,component=speaker";
    private const string LegacySelector = "app=openelb-manager";

    private readonly IKubernetes _client;
    private readonly TimeProvider _time;
    private readonly ClusterStateOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Channel<ClusterUpdate>> _subscribers = [];
    private readonly List<ClusterChange> _pending = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly KindWatcher<V1Node, NodeInfo> _nodes;
    private readonly KindWatcher<V1Pod, SpeakerPod> _pods;
    private readonly KindWatcher<V1DaemonSet, SpeakerDaemonSet> _daemonSets;
    private readonly KindWatcher<V1Deployment, SpeakerDaemonSet> _legacy;
    private readonly KindWatcher<V1Pod, SpeakerPod> _legacyPods;
    private readonly KindWatcher<V1Alpha2BgpPeer, BgpPeerInfo> _peers;
    private readonly KindWatcher<V1Alpha2BgpConf, BgpConfInfo> _confs;
    private readonly KindWatcher<V1Alpha2Eip, EipInfo> _eips;
    private readonly KindWatcher[] _watchers;
    private Task[] _tasks = [];
    private ClusterUpdate _current;
    private long _version;
    private bool _dirty;
    private bool _disposed; // guarded by _subscribers

    private string? _lastPublishError;

    /// <summary>Creates the feed over <paramref name="client"/>; nothing runs until <see cref="Start"/>.</summary>
    public KubernetesClusterState(IKubernetes client, TimeProvider time, ClusterStateOptions? options = null)
    {
        _client = client;
        _time = time;
        _options = options ?? new ClusterStateOptions();
        _nodes = Watcher(new KindSource<V1Node, NodeInfo>(
            ResourceKind.Nodes,
            async (cont, limit, ct) => Page(await _client.CoreV1.ListNodeAsync(continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
            (rv, timeout, onError, ct) => _client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            NodeMapping.ToNodeInfo));
        _pods = PodWatcher(ResourceKind.SpeakerPods, SpeakerSelector);
        _legacyPods = PodWatcher(ResourceKind.LegacyManagerPods, LegacySelector);
        _daemonSets = Watcher(new KindSource<V1DaemonSet, SpeakerDaemonSet>(
            ResourceKind.SpeakerDaemonSets,
            async (cont, limit, ct) => Page(await _client.AppsV1.ListDaemonSetForAllNamespacesAsync(continueParameter: cont, labelSelector: SpeakerSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
            (rv, timeout, onError, ct) => _client.AppsV1.WatchListDaemonSetForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: SpeakerSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            static ds => WorkloadMapping.IsSpeakerDaemonSet(ds) ? WorkloadMapping.ToSpeaker(ds) : null));
        _legacy = Watcher(new KindSource<V1Deployment, SpeakerDaemonSet>(
            ResourceKind.LegacyManagers,
            async (cont, limit, ct) => Page(await _client.AppsV1.ListDeploymentForAllNamespacesAsync(continueParameter: cont, labelSelector: LegacySelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
            (rv, timeout, onError, ct) => _client.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: LegacySelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            static d => WorkloadMapping.IsLegacyManager(d) ? WorkloadMapping.ToLegacySpeaker(d) : null));
        _peers = CustomWatcher<V1Alpha2BgpPeer, V1Alpha2BgpPeerList, BgpPeerInfo>(ResourceKind.BgpPeers, V1Alpha2BgpPeer.Plural, OpenElbMapping.ToBgpPeerInfo);
        _confs = CustomWatcher<V1Alpha2BgpConf, V1Alpha2BgpConfList, BgpConfInfo>(ResourceKind.BgpConfs, V1Alpha2BgpConf.Plural, OpenElbMapping.ToBgpConfInfo);
        _eips = CustomWatcher<V1Alpha2Eip, V1Alpha2EipList, EipInfo>(ResourceKind.Eips, V1Alpha2Eip.Plural, OpenElbMapping.ToEipInfo);
        _watchers = [_nodes, _pods, _daemonSets, _legacy, _legacyPods, _peers, _confs, _eips];
        _current = new ClusterUpdate(ClusterSnapshot.Empty, [], CurrentHealth());
    }

    /// <inheritdoc />
    public ClusterSnapshot Current => Volatile.Read(ref _current).Snapshot;

    /// <inheritdoc />
    public FeedHealth Health => Volatile.Read(ref _current).Health;

    /// <summary>How many subscriptions are registered. Internal for tests.</summary>
    internal int SubscriberCount
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>
    /// The client the feed watches with, so that one-off reads (the field-manager lookup) share its connection and
    /// credentials. Internal: KubernetesClient types stay in this project.
    /// </summary>
    internal IKubernetes Client => _client;

    /// <summary>The last error that stopped a snapshot from being published (publishing retries), or <c>null</c>.</summary>
    public string? LastPublishError => Volatile.Read(ref _lastPublishError);

    Lock IFeedSink.Gate => _gate;

    private readonly Lock _gate = new();

    /// <summary>Starts every watch and the publisher. Call once.</summary>
    public void Start()
    {
        var token = _stop.Token;
        _tasks = [.. _watchers.Select(w => Task.Run(() => w.RunAsync(token), token)), Task.Run(() => PublishLoopAsync(token), token)];
    }

    /// <summary>Waits until every kind has completed its initial list (or is unavailable); false on timeout.</summary>
    public async Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Health.IsSynced)
        {
            return true;
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var synced = await ClusterStateExtensions.WaitForSyncAsync(this, timeoutSource.Token).ConfigureAwait(false);
        // The timeout answers false; the caller's own cancellation throws.
        cancellationToken.ThrowIfCancellationRequested();
        return synced;
    }

    /// <inheritdoc />
    public ClusterSubscription Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ClusterUpdate>(new BoundedChannelOptions(_options.SubscriberQueueLength)
        {
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        ClusterUpdate initial;
        // Register and read the current update under one lock, so no update falls between the two.
        lock (_subscribers)
        {
            initial = _current;
            if (_disposed)
            {
                channel.Writer.TryComplete();
                return new ClusterSubscription(initial, ReadAsync(channel, cancellationToken));
            }
            _subscribers.Add(channel);
        }
        // Removed on cancellation even if the caller never reads the stream (an iterator's finally only runs once it
        // has been started).
        cancellationToken.Register(() => Unsubscribe(channel));
        return new ClusterSubscription(initial, ReadAsync(channel, cancellationToken));
    }

    private async IAsyncEnumerable<ClusterUpdate> ReadAsync(Channel<ClusterUpdate> channel, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var update))
                {
                    yield return update;
                }
            }
        }
        finally
        {
            Unsubscribe(channel);
        }
    }

    private void Unsubscribe(Channel<ClusterUpdate> channel)
    {
        lock (_subscribers)
        {
            _subscribers.Remove(channel);
        }
    }

    void IFeedSink.Changed(IReadOnlyList<ClusterChange> changes)
    {
        // Called under _gate by a watcher.
        _pending.AddRange(changes);
        _dirty = true;
        _signal.Release();
    }

    void IFeedSink.ReportHealth(KindWatcher watcher, SyncState state, string error, TimeSpan retryIn)
    {
        lock (_gate)
        {
            if (watcher.State != state || watcher.StaleSince is null)
            {
                watcher.StaleSince ??= _time.GetUtcNow();
            }
            watcher.State = state;
            watcher.LastError = error;
            watcher.NextRetryAt = _time.GetUtcNow() + retryIn;
            _dirty = true;
        }
        _signal.Release();
    }

    private async Task PublishLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            long? lastPublish = null;
            while (true)
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                // Leading edge: a change after a quiet window is published at once (every change used to wait the whole
                // window, 100 ms of every wall's latency). Within the window after a publish, events gather until it
                // ends: one snapshot per window for a burst, however long.
                if (lastPublish is { } last && _options.CoalesceWindow - _time.GetElapsedTime(last) is var rest && rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _time, cancellationToken).ConfigureAwait(false);
                }
                while (_signal.CurrentCount > 0)
                {
                    _signal.Wait(0, CancellationToken.None);
                }
                lastPublish = _time.GetTimestamp();
                try
                {
                    Publish();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Never let one bad snapshot stop publishing for good: keep the changes pending and try again at
                    // the next signal (the error shows in the last update's health via the kinds' own errors).
                    lock (_gate)
                    {
                        _dirty = true;
                    }
                    Volatile.Write(ref _lastPublishError, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Publish()
    {
        ClusterUpdate update;
        lock (_gate)
        {
            if (!_dirty)
            {
                return;
            }
            var snapshot = BuildSnapshot();
            // Cleared only once the snapshot is built: if building throws, the changes stay pending for the retry.
            var changes = Coalesce(_pending);
            _pending.Clear();
            _dirty = false;
            update = new ClusterUpdate(snapshot, changes, CurrentHealth(snapshot.Speaker));
        }
        lock (_subscribers)
        {
            Volatile.Write(ref _current, update);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(update);
            }
        }
    }

    /// <summary>Builds a snapshot from the watchers' records; call under <see cref="_gate"/>.</summary>
    private ClusterSnapshot BuildSnapshot()
    {
        // The speaker DaemonSet wins over a legacy manager; several DaemonSets are unexpected: the first by namespace/name.
        var speaker = _daemonSets.Items.OrderBy(static d => d.Id, StringComparer.Ordinal).FirstOrDefault()
            ?? _legacy.Items.OrderBy(static d => d.Id, StringComparer.Ordinal).FirstOrDefault();
        IEnumerable<SpeakerPod> pods = speaker?.Kind == SpeakerWorkloadKind.LegacyManagerDeployment ? _legacyPods.Items : _pods.Items;
        if (speaker is not null)
        {
            pods = pods.Where(p => string.Equals(p.Namespace, speaker.Namespace, StringComparison.Ordinal));
        }
        var bgpConf = _confs.Items.FirstOrDefault(static c => c.Name == "default");
        return new ClusterSnapshot(++_version, _time.GetUtcNow(), _nodes.Items, pods, speaker, _peers.Items, bgpConf, _eips.Items);
    }

    private FeedHealth CurrentHealth(SpeakerDaemonSet? speaker = null)
    {
        // The speaker workload is found by label in any namespace, its pods are watched only in the configured one: when
        // the two differ every speaker would look missing, so the pods kind says why (its state stays as it is).
        var ns = _options.SpeakerNamespace;
        KindWatcher? pods = speaker?.Kind == SpeakerWorkloadKind.LegacyManagerDeployment ? _legacyPods : _pods;
        string? misplaced = null;
        if (speaker is not null && !string.IsNullOrEmpty(ns) && !string.Equals(speaker.Namespace, ns, StringComparison.Ordinal))
        {
            misplaced = $"The speaker workload {speaker.Id} is in the namespace '{speaker.Namespace}', but speaker pods are watched only in '{ns}': "
                + $"set Cluster:OpenElbNamespace to '{speaker.Namespace}' (and grant the dashboard pods there).";
        }
        return new([.. _watchers.Select(w => misplaced is not null && ReferenceEquals(w, pods) && w.LastError is null ? w.Health with { LastError = misplaced } : w.Health)]);
    }

    /// <summary>Above this many changes in one update, each kind's changes collapse into one Resync entry.</summary>
    internal const int MaxChangesPerUpdate = 1000;

    private static List<ClusterChange> Coalesce(List<ClusterChange> pending)
    {
        if (pending.Count > MaxChangesPerUpdate)
        {
            // An initial sync or a storm: thousands of per-object entries would only be held by the current update
            // (kilobytes per node at 5,000 nodes) and read by nobody; consumers compare snapshots instead.
            return [.. pending.Select(static c => c.Kind).Distinct().Order().Select(static k => new ClusterChange(k, ChangeType.Resync, ""))];
        }
        // Several events for one object collapse to one entry with the last type, in first-seen order.
        var last = new Dictionary<(ResourceKind, string), int>();
        var result = new List<ClusterChange>();
        foreach (var change in pending)
        {
            if (last.TryGetValue((change.Kind, change.Key), out var index))
            {
                result[index] = change;
            }
            else
            {
                last[(change.Kind, change.Key)] = result.Count;
                result.Add(change);
            }
        }
        return result;
    }

    private KindWatcher<TObject, TRecord> Watcher<TObject, TRecord>(KindSource<TObject, TRecord> source)
        where TObject : class, IKubernetesObject<V1ObjectMeta>
        where TRecord : class => new(source, this, _time, _options);

    /// <summary>
    /// Speaker (or legacy manager) pods by label, in <see cref="ClusterStateOptions.SpeakerNamespace"/> only: the
    /// least-privilege RBAC grants pods in OpenELB's namespace, not cluster-wide (a cluster-wide list would be refused).
    /// </summary>
    private KindWatcher<V1Pod, SpeakerPod> PodWatcher(ResourceKind kind, string selector)
    {
        var ns = _options.SpeakerNamespace;
        if (string.IsNullOrEmpty(ns))
        {
            return Watcher(new KindSource<V1Pod, SpeakerPod>(
                kind,
                async (cont, limit, ct) => Page(await _client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: cont, labelSelector: selector, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
                (rv, timeout, onError, ct) => _client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
                PodMapping.ToSpeakerPod));
        }
        return Watcher(new KindSource<V1Pod, SpeakerPod>(
            kind,
            async (cont, limit, ct) => Page(await _client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: cont, labelSelector: selector, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
            (rv, timeout, onError, ct) => _client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            PodMapping.ToSpeakerPod));
    }

    private KindWatcher<TObject, TRecord> CustomWatcher<TObject, TList, TRecord>(ResourceKind kind, string plural, Func<TObject, TRecord> map)
        where TObject : class, IKubernetesObject<V1ObjectMeta>
        where TList : class, IItems<TObject>, IMetadata<V1ListMeta>
        where TRecord : class => Watcher(new KindSource<TObject, TRecord>(
            kind,
            async (cont, limit, ct) =>
            {
                var list = await _client.CustomObjects.ListClusterCustomObjectAsync<TList>(
                    V1Alpha2BgpPeer.Group, V1Alpha2BgpPeer.Version, plural, continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false);
                return new ListPage<TObject>(list.Items ?? [], list.Metadata?.ContinueProperty, list.Metadata?.ResourceVersion);
            },
            (rv, timeout, onError, ct) => WatchCustomAsync<TObject>(plural, rv, timeout, onError, ct),
            map));

    private async IAsyncEnumerable<(WatchEventType, TObject)> WatchCustomAsync<TObject>(
        string plural, string resourceVersion, int timeoutSeconds, Action<Exception> onError,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where TObject : class
    {
        var events = _client.CustomObjects.WatchListClusterCustomObjectAsync(
            V1Alpha2BgpPeer.Group, V1Alpha2BgpPeer.Version, plural,
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, item) in events.ConfigureAwait(false))
        {
            // Custom objects arrive untyped (a JsonElement); decode them with the client's own serializer settings. An
            // object that does not decode is reported and skipped, as the client's typed watches do.
            TObject decoded;
            try
            {
                var json = item is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(item);
                decoded = KubernetesJson.Deserialize<TObject>(json);
            }
            catch (JsonException e)
            {
                onError(e);
                continue;
            }
            yield return (type, decoded);
        }
    }

    private static ListPage<T> Page<T>(IItems<T> list)
        where T : IKubernetesObject<V1ObjectMeta> =>
        new(list.Items ?? [], (list as IMetadata<V1ListMeta>)?.Metadata?.ContinueProperty, (list as IMetadata<V1ListMeta>)?.Metadata?.ResourceVersion);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_subscribers)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled on purpose.
        }
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }
        _stop.Dispose();
        _signal.Dispose();
    }
}
