using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Hosting;

/// <summary>
/// The feed when no cluster could be configured: an empty snapshot whose every kind is stale with the configuration
/// error, so every page shows the same message instead of a blank screen. Never changes.
/// </summary>
internal sealed class UnavailableClusterState(string error, DateTimeOffset since) : IClusterState
{
    public ClusterSnapshot Current => ClusterSnapshot.Empty;

    public FeedHealth Health { get; } = new([.. Enum.GetValues<ResourceKind>().Select(k => new KindHealth(k, SyncState.Stale, since, error, 0))]);

    public ClusterSubscription Subscribe(CancellationToken cancellationToken) =>
        new(new ClusterUpdate(Current, [], Health), Never(cancellationToken));

    private static async IAsyncEnumerable<ClusterUpdate> Never([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
