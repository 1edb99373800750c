using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Controls;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Controls;

public sealed class HeaderStatusTests : DashboardTestContext
{
    [Fact]
    public void Synced_LiveWithDataAge()
    {
        Publish(new ClusterSnapshotBuilder().ObservedAt(DateTimeOffset.UtcNow.AddSeconds(-3)).Node("n1").Speaker().Build());

        var cut = Render<HeaderStatus>();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("live", cut.Find(".feed-indicator").GetAttribute("data-feed"));
            Assert.Matches(@"live, changed \d+ s ago", cut.Find(".header-data-age").TextContent);
        });
    }

    [Fact]
    public void Stale_StaleWithStaleAge()
    {
        Publish(new ClusterSnapshotBuilder().Node("n1").Speaker().Build());
        Cluster.PublishHealth(TestClusterState.Stale(DateTimeOffset.UtcNow.AddSeconds(-20), "connection refused"));

        var cut = Render<HeaderStatus>();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("stale", cut.Find(".feed-indicator").GetAttribute("data-feed"));
            Assert.Matches(@"stale for (19|20|21) s", cut.Find(".header-data-age").TextContent);
        });
    }
}
