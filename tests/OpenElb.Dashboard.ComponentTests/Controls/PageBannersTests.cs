using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Controls;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Controls;

public sealed class PageBannersTests : DashboardTestContext
{
    private static ClusterSnapshot Installed() => new ClusterSnapshotBuilder().Node("n1").Speaker().Pod("n1").Build();

    [Fact]
    public void Stale_ShowsErrorAndRetryCountdown()
    {
        Publish(Installed());
        var now = DateTimeOffset.UtcNow;
        Cluster.PublishHealth(TestClusterState.Stale(now.AddSeconds(-5), "connection refused (127.0.0.1:6443)", now.AddSeconds(20)));

        var cut = Render<PageBanners>();

        cut.WaitForAssertion(() =>
        {
            var banner = cut.Find("[data-banner=stale]");
            Assert.Contains("cannot be reached", banner.TextContent, StringComparison.Ordinal);
            Assert.Contains("connection refused (127.0.0.1:6443)", banner.TextContent, StringComparison.Ordinal);
            Assert.Matches(@"Next attempt in (19|20) s\.", banner.TextContent);
        });
    }

    [Fact]
    public void Recovered_StaleBannerGoes()
    {
        Publish(Installed());
        var now = DateTimeOffset.UtcNow;
        Cluster.PublishHealth(TestClusterState.Stale(now, "timeout", now.AddSeconds(3)));
        var cut = Render<PageBanners>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-banner=stale]")));

        Cluster.PublishHealth(TestClusterState.Synced());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-banner=stale]")));
    }

    [Fact]
    public void NoSpeakerWorkload_SaysOpenElbIsNotInstalled()
    {
        Publish(new ClusterSnapshotBuilder().Node("n1").Build());

        var cut = Render<PageBanners>();

        cut.WaitForAssertion(() => Assert.Contains("OpenELB does not seem to be installed", cut.Find("[data-banner=no-openelb]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void LegacyManager_SaysReadOnly()
    {
        Publish(new ClusterSnapshotBuilder().Node("n1").Speaker(kind: SpeakerWorkloadKind.LegacyManagerDeployment).Build());

        var cut = Render<PageBanners>();

        cut.WaitForAssertion(() => Assert.Contains("Legacy OpenELB", cut.Find("[data-banner=legacy]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Simulated_SaysSimulatedCluster()
    {
        Publish(Installed());
        Services.GetService<ClusterHost>()!.Info = new ClusterInfo(ClusterMode.Demo, "https://127.0.0.1:1", "demo", null);

        var cut = Render<PageBanners>();

        Assert.Contains("Simulated cluster", cut.Find("[data-banner=simulated]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditUnavailable_SaysChangesAreDisabled()
    {
        Publish(Installed());
        Services.GetService<AuditStatus>()!.Error = "disk full";

        var cut = Render<PageBanners>();

        Assert.Contains("disk full", cut.Find("[data-banner=audit]").TextContent, StringComparison.Ordinal);
    }
}
