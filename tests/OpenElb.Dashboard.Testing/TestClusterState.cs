using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Testing;

/// <summary>
/// A hand-written <see cref="IClusterState"/> for component tests: tests publish snapshots and health, subscribers get
/// them in order. Thread-safe.
/// </summary>
public sealed class TestClusterState : IClusterState
{
    private readonly Lock _gate = new();
    private readonly List<Channel<ClusterUpdate>> _subscribers = [];
    private ClusterUpdate _current;

    public TestClusterState(ClusterSnapshot? initial = null, FeedHealth? health = null) =>
        _current = new ClusterUpdate(initial ?? ClusterSnapshot.Empty, [], health ?? Synced());

    public ClusterSnapshot Current
    {
        get
        {
            lock (_gate)
            {
                return _current.Snapshot;
            }
        }
    }

    public FeedHealth Health
    {
        get
        {
            lock (_gate)
            {
                return _current.Health;
            }
        }
    }

    /// <summary>How many subscriptions are open.</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Every kind synced.</summary>
    public static FeedHealth Synced() =>
        new([.. Enum.GetValues<ResourceKind>().Select(static k => new KindHealth(k, SyncState.Synced, null, null, 0))]);

    /// <summary>Every kind stale since <paramref name="since"/> with <paramref name="error"/>, retried at <paramref name="nextRetryAt"/>.</summary>
    public static FeedHealth Stale(DateTimeOffset since, string error, DateTimeOffset? nextRetryAt = null) =>
        new([.. Enum.GetValues<ResourceKind>().Select(k => new KindHealth(k, SyncState.Stale, since, error, 0, nextRetryAt))]);

    /// <summary>Publishes a new snapshot (and optionally new health) to every subscriber.</summary>
    public void Publish(ClusterSnapshot snapshot, FeedHealth? health = null, params ClusterChange[] changes)
    {
        lock (_gate)
        {
            _current = new ClusterUpdate(snapshot, changes, health ?? _current.Health);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(_current);
            }
        }
    }

    /// <summary>Publishes new health with the same snapshot.</summary>
    public void PublishHealth(FeedHealth health)
    {
        lock (_gate)
        {
            _current = _current with { Health = health, Changes = [] };
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(_current);
            }
        }
    }

    public ClusterSubscription Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ClusterUpdate>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
        ClusterUpdate initial;
        lock (_gate)
        {
            initial = _current;
            _subscribers.Add(channel);
        }
        // Cancelling removes the subscription even when its stream is never read (the reader's finally never runs then).
        cancellationToken.Register(() => Remove(channel));
        return new ClusterSubscription(initial, ReadAsync(channel, cancellationToken));
    }

    private void Remove(Channel<ClusterUpdate> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
    }

    private async IAsyncEnumerable<ClusterUpdate> ReadAsync(Channel<ClusterUpdate> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            Remove(channel);
        }
    }
}
