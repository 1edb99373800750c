using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes.Watching;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

/// <summary>
/// The feed's coalescing window on a clock only the test moves: a change after a quiet window is published at once
/// (leading edge; it used to wait the whole window, 100 ms of every wall's latency), the changes made within the window
/// after a publish come together as one update when it ends.
/// </summary>
public sealed class CoalescingTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Patch Label(string value) =>
        new("{\"metadata\":{\"labels\":{\"coalesce-test\":\"" + value + "\"}}}", V1Patch.PatchType.MergePatch);

    private static string? LabelOf(ClusterSnapshot snapshot, string node) => snapshot.FindNode(node)?.Labels.GetValueOrDefault("coalesce-test");

    [Fact]
    public async Task ChangeAfterQuietWindow_PublishedWithoutWaiting_BurstInWindow_OneUpdateAtItsEnd()
    {
        await using var harness = await FeedHarness.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var feed = new KubernetesClusterState(harness.Client, time, new ClusterStateOptions { CoalesceWindow = s_window });
        feed.Start();
        // The initial lists arrive kind by kind: each window's end (moved by hand) publishes what has come in.
        using (var syncTimeout = new CancellationTokenSource(TestTimeouts.Default))
        {
            while (!feed.Health.IsSynced || feed.Current.Nodes.Count == 0)
            {
                time.Advance(s_window);
                await Task.Delay(20, syncTimeout.Token);
            }
        }
        // Quiet: let a publish still waiting for its window run, then a whole window passes after it.
        time.Advance(s_window);
        await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        time.Advance(s_window);
        using var cancel = new CancellationTokenSource(TestTimeouts.Default);
        var subscription = feed.Subscribe(cancel.Token);
        var updates = subscription.Updates.GetAsyncEnumerator(cancel.Token);

        // Leading edge: the clock does not move, yet the change arrives.
        await harness.Client.CoreV1.PatchNodeAsync(Label("first"), "node1", cancellationToken: Ct);
        var first = await NextWhereAsync(updates, s => LabelOf(s, "node1") == "first");
        Assert.Contains(new ClusterChange(ResourceKind.Nodes, ChangeType.Upsert, "node1"), first.Changes);

        // Within the window after that publish: two changes, both in the store, neither published while the window lasts.
        await harness.Client.CoreV1.PatchNodeAsync(Label("second"), "node2", cancellationToken: Ct);
        await harness.Client.CoreV1.PatchNodeAsync(Label("third"), "node3", cancellationToken: Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.Null(LabelOf(feed.Current, "node2"));
        Assert.Null(LabelOf(feed.Current, "node3"));

        // The window ends: one update carries both.
        time.Advance(s_window);
        var burst = await NextWhereAsync(updates, s => LabelOf(s, "node2") is not null || LabelOf(s, "node3") is not null);
        Assert.Equal("second", LabelOf(burst.Snapshot, "node2"));
        Assert.Equal("third", LabelOf(burst.Snapshot, "node3"));
        Assert.Contains(new ClusterChange(ResourceKind.Nodes, ChangeType.Upsert, "node2"), burst.Changes);
        Assert.Contains(new ClusterChange(ResourceKind.Nodes, ChangeType.Upsert, "node3"), burst.Changes);
        await updates.DisposeAsync();
    }

    private static async Task<ClusterUpdate> NextWhereAsync(IAsyncEnumerator<ClusterUpdate> updates, Func<ClusterSnapshot, bool> condition)
    {
        while (await updates.MoveNextAsync())
        {
            if (condition(updates.Current.Snapshot))
            {
                return updates.Current;
            }
        }
        Assert.Fail("the feed's updates ended");
        return null!;
    }
}
