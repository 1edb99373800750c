using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OpenElb.Dashboard.Core.Abstractions;

namespace OpenElb.Dashboard.Kubernetes.Watching;

/// <summary>An object's identity: namespace (null for cluster-scoped objects) and name, compared ordinally.</summary>
internal readonly record struct ObjectKey(string? Namespace, string Name)
{
    /// <summary><c>name</c>, or <c>namespace/name</c>: the key change lists carry.</summary>
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : $"{Namespace}/{Name}";
}

/// <summary>One page of a list call: the items, the continue token, and the list's resourceVersion.</summary>
internal readonly record struct ListPage<T>(IList<T> Items, string? Continue, string? ResourceVersion);

/// <summary>How to list, watch and map one kind; the feed supplies one per <see cref="ResourceKind"/>.</summary>
internal sealed record KindSource<TObject, TRecord>(
    ResourceKind Kind,
    Func<string? /* continue */, int /* limit */, CancellationToken, Task<ListPage<TObject>>> List,
    Func<string /* resourceVersion */, int /* timeoutSeconds */, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, TObject)>> Watch,
    Func<TObject, TRecord?> Map)
    where TObject : class, IKubernetesObject<V1ObjectMeta>
    where TRecord : class;

/// <summary>The part of a watcher the feed sees: health and the kind.</summary>
internal abstract class KindWatcher(ResourceKind kind)
{
    public ResourceKind Kind { get; } = kind;

    // Guarded by the feed's lock.
    public SyncState State { get; set; } = SyncState.Syncing;

    public DateTimeOffset? StaleSince { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? NextRetryAt { get; set; }

    public abstract int Count { get; }

    public KindHealth Health => new(Kind, State, StaleSince, LastError, Count, NextRetryAt);

    /// <summary>Runs list + watch until cancelled; never throws except on cancellation.</summary>
    public abstract Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// List-then-watch loop for one kind: a paged initial list decoded into slim records (the full objects are dropped at
/// once), then a watch from the list's resourceVersion with bookmarks; on 410 Gone a re-list that reports only the
/// differences; on other errors exponential backoff with jitter, resuming the watch from the last resourceVersion seen.
/// </summary>
internal sealed class KindWatcher<TObject, TRecord> : KindWatcher
    where TObject : class, IKubernetesObject<V1ObjectMeta>
    where TRecord : class
{
    private const int PageSize = 500;
    private readonly KindSource<TObject, TRecord> _source;
    private readonly IFeedSink _sink;
    private readonly TimeProvider _time;
    private readonly ClusterStateOptions _options;

    // Guarded by the feed's lock (IFeedSink.Gate).
    // Keyed by (namespace, name) as the object's own strings: a composed "namespace/name" key would cost a string per pod.
    private readonly Dictionary<ObjectKey, TRecord> _items = [];

    public KindWatcher(KindSource<TObject, TRecord> source, IFeedSink sink, TimeProvider time, ClusterStateOptions options)
        : base(source.Kind)
    {
        _source = source;
        _sink = sink;
        _time = time;
        _options = options;
    }

    public override int Count => _items.Count;

    /// <summary>The current records; call under the feed's lock.</summary>
    public Dictionary<ObjectKey, TRecord>.ValueCollection Items => _items.Values;

    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                Exception? watchError = null;
                // Restart the watch before typical server-side timeouts; the jitter keeps kinds from restarting together.
                var timeout = Random.Shared.Next(_options.WatchTimeoutSeconds * 4 / 5, _options.WatchTimeoutSeconds + 1);
                // A Status error (410, 500, …) ends the watch and is rethrown below; an event that cannot be decoded is
                // skipped and shown in health, or re-watching from the same version would replay it forever.
                Action<Exception> onError = e =>
                {
                    if (e is System.Text.Json.JsonException)
                    {
                        RecordMapError($"{Kind}: a watch event could not be read: {e.Message}");
                    }
                    else
                    {
                        watchError = e;
                    }
                };
                await foreach (var (type, item) in _source.Watch(resourceVersion ?? "", timeout, onError, cancellationToken).ConfigureAwait(false))
                {
                    resourceVersion = Apply(type, item) ?? resourceVersion;
                    // Only a watch that delivers something proves the server is back; a watch that connects and fails
                    // at once must keep growing the backoff, or an outage would be polled at the initial rate.
                    failures = 0;
                }
                if (watchError is not null)
                {
                    throw watchError;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                // The server no longer has our resourceVersion: re-list and report only what differs.
                resourceVersion = null;
            }
            catch (Exception e)
            {
                failures++;
                var unavailable = resourceVersion is null && IsNotFound(e);
                var delay = unavailable ? _options.UnavailableRetry : Backoff(failures);
                _sink.ReportHealth(this, unavailable ? SyncState.Unavailable : SyncState.Stale, Describe(e, unavailable), delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string?> ListAsync(CancellationToken cancellationToken)
    {
        var fresh = new Dictionary<ObjectKey, TRecord>();
        string? continueToken = null;
        string? resourceVersion = null;
        do
        {
            var page = await _source.List(continueToken, PageSize, cancellationToken).ConfigureAwait(false);
            resourceVersion ??= page.ResourceVersion;
            foreach (var item in page.Items)
            {
                if (MapSafely(item) is { } record)
                {
                    fresh[KeyOf(item)] = record;
                }
            }
            continueToken = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (continueToken is not null);

        lock (_sink.Gate)
        {
            var changes = new List<ClusterChange>();
            foreach (var (key, record) in fresh)
            {
                if (!_items.TryGetValue(key, out var old) || !old.Equals(record))
                {
                    changes.Add(new ClusterChange(Kind, ChangeType.Upsert, key.ToString()));
                }
            }
            foreach (var key in _items.Keys)
            {
                if (!fresh.ContainsKey(key))
                {
                    changes.Add(new ClusterChange(Kind, ChangeType.Delete, key.ToString()));
                }
            }
            _items.Clear();
            foreach (var (key, record) in fresh)
            {
                _items[key] = record;
            }
            State = SyncState.Synced;
            StaleSince = null;
            NextRetryAt = null;
            LastError = TakeMapError();
            // Report even when nothing changed: the first list completes the kind's sync.
            _sink.Changed(changes);
        }
        return resourceVersion;
    }

    /// <summary>Applies one watch event; returns the resourceVersion it carries.</summary>
    private string? Apply(WatchEventType type, TObject item)
    {
        var resourceVersion = item.Metadata?.ResourceVersion;
        if (type is not (WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted))
        {
            // A bookmark carries only a resourceVersion, but it proves the watch is alive: a kind that went stale after
            // a broken connection is current again. (Error events arrive through onError, not here.)
            lock (_sink.Gate)
            {
                if (State != SyncState.Synced)
                {
                    State = SyncState.Synced;
                    StaleSince = null;
                    NextRetryAt = null;
                    LastError = null;
                    _sink.Changed([]);
                }
            }
            return resourceVersion;
        }
        var key = KeyOf(item);
        var record = type == WatchEventType.Deleted ? null : MapSafely(item);
        lock (_sink.Gate)
        {
            var wasStale = State != SyncState.Synced;
            State = SyncState.Synced;
            StaleSince = null;
            NextRetryAt = null;
            // A mapping error stays visible until the next list; recovering from a broken connection clears the
            // connection error.
            if (TakeMapError() is { } mapError)
            {
                LastError = mapError;
            }
            else if (wasStale)
            {
                LastError = null;
            }
            if (record is null && type != WatchEventType.Deleted)
            {
                // An add or update that could not be read: keep what we had (never turn it into a delete) and show why.
                _sink.Changed([]);
            }
            else if (record is null)
            {
                if (_items.Remove(key))
                {
                    _sink.Changed([new ClusterChange(Kind, ChangeType.Delete, key.ToString())]);
                }
                else if (wasStale)
                {
                    _sink.Changed([]);
                }
            }
            else if (!_items.TryGetValue(key, out var old) || !old.Equals(record))
            {
                _items[key] = record;
                _sink.Changed([new ClusterChange(Kind, ChangeType.Upsert, key.ToString())]);
            }
            else if (wasStale)
            {
                _sink.Changed([]);
            }
        }
        return resourceVersion;
    }

    private TRecord? MapSafely(TObject item)
    {
        try
        {
            return _source.Map(item);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One malformed object must not stop the feed (a throw here would replay the same event or list forever);
            // it is left out and the error shown in the kind's health.
            RecordMapError($"{Kind} {KeyOf(item)} could not be read: {e.Message}");
            return null;
        }
    }

    // The last mapping or decoding error of the current list or event, taken into LastError when the state is updated.
    private string? _mapError;

    private void RecordMapError(string message) => Volatile.Write(ref _mapError, message);

    private string? TakeMapError() => Interlocked.Exchange(ref _mapError, null);

    private static ObjectKey KeyOf(TObject item) => new(item.Metadata?.NamespaceProperty, item.Metadata?.Name ?? "");

    private TimeSpan Backoff(int failures)
    {
        // Exponential from the initial delay, capped, with ±20 % jitter so watchers do not retry in lock-step.
        var seconds = Math.Min(_options.MaxBackoff.TotalSeconds, _options.InitialBackoff.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 16)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    internal static bool IsGone(Exception e) => StatusCode(e) == HttpStatusCode.Gone;

    private static bool IsNotFound(Exception e) => StatusCode(e) == HttpStatusCode.NotFound;

    private static HttpStatusCode? StatusCode(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } => response.StatusCode,
        KubernetesException { Status.Code: { } code } => (HttpStatusCode)code,
        _ => null,
    };

    private string Describe(Exception e, bool unavailable)
    {
        if (unavailable)
        {
            return $"The API server does not serve {Kind} (is OpenELB installed?); retrying every {_options.UnavailableRetry.TotalSeconds:0} s.";
        }
        return e switch
        {
            HttpOperationException { Response: { } response } => $"{Kind}: the API server answered {(int)response.StatusCode} {response.ReasonPhrase}.",
            KubernetesException k => $"{Kind}: {k.Status?.Message ?? k.Message}",
            HttpRequestException h => $"{Kind}: the API server is unreachable ({h.Message}).",
            _ => $"{Kind}: {e.Message}",
        };
    }
}
