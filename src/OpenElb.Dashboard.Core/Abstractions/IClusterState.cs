using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Abstractions;

/// <summary>The kinds of cluster objects the dashboard watches, one watch each per process.</summary>
public enum ResourceKind
{
    /// <summary>Nodes.</summary>
    Nodes,

    /// <summary>Speaker pods (<c>app=openelb,component=speaker</c>, any namespace).</summary>
    SpeakerPods,

    /// <summary>The speaker DaemonSet, discovered by label in any namespace.</summary>
    SpeakerDaemonSets,

    /// <summary>The legacy <c>openelb-manager</c> Deployment (OpenELB 0.5 and older).</summary>
    LegacyManagers,

    /// <summary>Pods of the legacy manager Deployment.</summary>
    LegacyManagerPods,

    /// <summary>BgpPeers (v1alpha2).</summary>
    BgpPeers,

    /// <summary>BgpConfs (v1alpha2).</summary>
    BgpConfs,

    /// <summary>Eips (v1alpha2).</summary>
    Eips,
}

/// <summary>How one watched kind is doing.</summary>
public enum SyncState
{
    /// <summary>The initial list is in progress.</summary>
    Syncing,

    /// <summary>Listed and watching: the data is current.</summary>
    Synced,

    /// <summary>The watch failed and is being retried: the data may be out of date since <see cref="KindHealth.StaleSince"/>.</summary>
    Stale,

    /// <summary>The API does not serve this kind (e.g. OpenELB's CRDs are not installed); retried periodically.</summary>
    Unavailable,
}

/// <summary>The health of one watched kind.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="State">Its state.</param>
/// <param name="StaleSince">When it stopped being current, for <see cref="SyncState.Stale"/> and <see cref="SyncState.Unavailable"/>.</param>
/// <param name="LastError">The last error, in one sentence without secrets.</param>
/// <param name="Count">How many objects of the kind are held.</param>
/// <param name="NextRetryAt">When a stale or unavailable kind is tried again, so views can count down; otherwise <c>null</c>.</param>
public sealed record KindHealth(ResourceKind Kind, SyncState State, DateTimeOffset? StaleSince, string? LastError, int Count, DateTimeOffset? NextRetryAt = null);

/// <summary>The health of the whole feed.</summary>
/// <param name="Kinds">Per kind, in <see cref="ResourceKind"/> order.</param>
public sealed record FeedHealth(EquatableArray<KindHealth> Kinds)
{
    /// <summary>Whether every kind has completed its initial list (unavailable kinds count as done).</summary>
    public bool IsSynced => Kinds.All(static k => k.State is SyncState.Synced or SyncState.Unavailable);

    /// <summary>The earliest next retry of a stale kind, or <c>null</c> when none is scheduled.</summary>
    public DateTimeOffset? NextRetryAt => Kinds.Where(static k => k.State == SyncState.Stale).Min(static k => k.NextRetryAt);

    /// <summary>The earliest time a kind went stale, or <c>null</c> when all are current.</summary>
    public DateTimeOffset? StaleSince => Kinds.Where(static k => k.State == SyncState.Stale).Min(static k => k.StaleSince);
}

/// <summary>Whether an object was added or changed, or removed.</summary>
public enum ChangeType
{
    /// <summary>Added or modified.</summary>
    Upsert,

    /// <summary>Deleted.</summary>
    Delete,

    /// <summary>
    /// Many objects of the kind changed at once (an initial list, a re-list, a storm): the key is empty and consumers
    /// compare snapshots instead of reading one change per object.
    /// </summary>
    Resync,
}

/// <summary>One observed change.</summary>
/// <param name="Kind">The object's kind.</param>
/// <param name="Type">Upsert or delete.</param>
/// <param name="Key">The object's name, or <c>namespace/name</c> for namespaced objects.</param>
public sealed record ClusterChange(ResourceKind Kind, ChangeType Type, string Key);

/// <summary>A new snapshot and the changes that led to it since the previous update.</summary>
/// <param name="Snapshot">The complete, consistent snapshot.</param>
/// <param name="Changes">What changed (coalesced: several events for one object appear once, with the last type).</param>
/// <param name="Health">The feed's health at that moment.</param>
public sealed record ClusterUpdate(ClusterSnapshot Snapshot, IReadOnlyList<ClusterChange> Changes, FeedHealth Health);

/// <summary>The state at subscription time and the updates after it, with no update falling between the two.</summary>
/// <param name="Initial">The snapshot and health when the subscription was taken.</param>
/// <param name="Updates">
/// Updates after <paramref name="Initial"/>. The stream does not complete on its own: callers manage its lifetime with the
/// cancellation token they subscribed with, and cancelling removes the subscription. When a subscriber falls far behind,
/// older intermediate updates are dropped; every update carries the whole snapshot, so no state is lost, only the
/// change lists of the dropped updates.
/// </param>
public sealed record ClusterSubscription(ClusterUpdate Initial, IAsyncEnumerable<ClusterUpdate> Updates);

/// <summary>
/// The live cluster: one process-wide source of snapshots shared by every page, wall and API client.
/// Implementations are singletons and thread-safe.
/// </summary>
public interface IClusterState
{
    /// <summary>The latest snapshot (never null; empty before the first sync).</summary>
    ClusterSnapshot Current { get; }

    /// <summary>The latest health.</summary>
    FeedHealth Health { get; }

    /// <summary>Subscribes to updates; see <see cref="ClusterSubscription"/> for the lifetime rules.</summary>
    ClusterSubscription Subscribe(CancellationToken cancellationToken);
}
