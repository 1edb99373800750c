using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.UnitTests.Abstractions;

public sealed class ClusterStateExtensionsTests
{
    private static FeedHealth Syncing() =>
        new([.. Enum.GetValues<ResourceKind>().Select(static k => new KindHealth(k, SyncState.Syncing, null, null, 0))]);

    [Fact]
    public async Task WaitForSyncAsync_AlreadySynced_TrueAndUnsubscribed()
    {
        var state = new TestClusterState();

        Assert.True(await state.WaitForSyncAsync(TestContext.Current.CancellationToken));

        Assert.Equal(0, state.SubscriberCount);
    }

    [Fact]
    public async Task WaitForSyncAsync_SyncsLater_True()
    {
        var state = new TestClusterState(health: Syncing());
        var waiting = state.WaitForSyncAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        state.PublishHealth(TestClusterState.Synced());

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal(0, state.SubscriberCount);
    }

    [Fact]
    public async Task WaitForSyncAsync_NeverSyncs_FalseWhenCancelled()
    {
        var state = new TestClusterState(health: Syncing());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.False(await state.WaitForSyncAsync(cancel.Token));
        Assert.Equal(0, state.SubscriberCount);
    }
}
