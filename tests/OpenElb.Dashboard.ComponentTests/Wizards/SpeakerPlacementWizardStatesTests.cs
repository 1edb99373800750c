using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Wizards;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Wizards;

/// <summary>The Speaker placement wizard's states that need no cluster: no speaker, a legacy Deployment, Helm, no audit store.</summary>
public sealed class SpeakerPlacementWizardStatesTests : DashboardTestContext, IAsyncDisposable
{
    private readonly AuditTestStore _store = new();

    public SpeakerPlacementWizardStatesTests()
    {
        _store.Register(Services);
        Services.AddChangeWizards();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await _store.DisposeAsync();
    }

    private static ClusterSnapshotBuilder Workers() => new ClusterSnapshotBuilder().Node("w1", [("openelb-speaker", "true")]).Node("w2");

    [Fact]
    public void Render_NoSpeaker_ExplainsAndShowsNoEditors()
    {
        Publish(Workers().Build());

        var cut = Render<SpeakerPlacementWizard>();

        Assert.Contains("No OpenELB speaker DaemonSet was found", cut.Find("[data-banner=no-speaker]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-section=node-selector]"));
        Assert.Empty(cut.FindAll("[data-action=preview]"));
    }

    [Fact]
    public async Task ResetToCurrent_SpeakerAppearedSinceOpening_ShowsTheEditors()
    {
        Publish(Workers().Build());
        var cut = Render<SpeakerPlacementWizard>();
        Publish(Workers().Speaker(SpeakerPlacement.KubectlManifestDefault).Build());
        var views = Services.GetRequiredService<LiveViewService>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (views.Current.Snapshot.Speaker is null)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        Assert.NotEmpty(cut.FindAll("[data-banner=no-speaker]"));

        cut.Find("[data-action=reset]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-banner=no-speaker]")));
        Assert.Equal("kubernetes.io/os", cut.Find("#selector-key-0").GetAttribute("value"));
    }

    [Fact]
    public void Render_LegacyDeployment_ExplainsItIsReadOnly()
    {
        Publish(Workers().Speaker(kind: SpeakerWorkloadKind.LegacyManagerDeployment).Build());

        var cut = Render<SpeakerPlacementWizard>();

        Assert.Contains("legacy Deployment", cut.Find("[data-banner=not-daemonset]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-section=node-selector]"));
        Assert.Empty(cut.FindAll("[data-action=preview]"));
    }

    [Fact]
    public void Render_HelmManaged_WarnsOfTheNextUpgrade()
    {
        Publish(Workers().Speaker(helmRelease: "openelb").Build());

        var cut = Render<SpeakerPlacementWizard>();

        Assert.Contains("helm upgrade", cut.Find("[data-banner=helm]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(cut.FindAll("[data-section=node-selector]"));
    }

    [Fact]
    public void Render_AuditUnavailable_Banner()
    {
        Publish(Workers().Speaker().Build());
        Services.GetRequiredService<AuditStatus>().Error = "disk full";

        var cut = Render<SpeakerPlacementWizard>();

        Assert.Contains("disk full", cut.Find("[data-banner=audit-unavailable]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_PlacementChangedInTheClusterSinceOpening_WarnsAndResetClearsIt()
    {
        Publish(Workers().Speaker(SpeakerPlacement.KubectlManifestDefault).Version(1).Build());
        var cut = Render<SpeakerPlacementWizard>();
        Publish(Workers().Speaker(SpeakerPlacement.KubectlManifestDefault with { Tolerations = [] }).Version(2).Build());
        var views = Services.GetRequiredService<LiveViewService>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (views.Current.Snapshot.Speaker!.Placement.Tolerations.Count != 0)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        cut.Find("[data-preset=node-selector]").Click();
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-action=preview]").HasAttribute("disabled")));

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-section=preview]")));
        Assert.NotEmpty(cut.FindAll("[data-banner=placement-changed]"));
        cut.Find("[data-action=reset]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-banner=placement-changed]")));
        Assert.Empty(cut.FindAll("[data-toleration-row]"));
    }

    [Fact]
    public void RestrictSpeakers_OpenedBeforeRoutersAreKnown_BuildsTheFormWhenTheyArrive()
    {
        Publish(Workers().Build());
        var cut = Render<RestrictSpeakersWizard>();
        Assert.NotEmpty(cut.FindAll("[data-banner=no-speaker]"));

        Publish(Workers().Speaker(SpeakerPlacement.KubectlManifestDefault).PodsWhereEligible().RackPeer("leaf-x", "10.0.0.1", "x").Build());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-banner=no-speaker]")), TimeSpan.FromSeconds(10));
        Assert.Contains(cut.FindAll("[data-router]"), r => r.GetAttribute("data-router") == "leaf-x");
    }
}
