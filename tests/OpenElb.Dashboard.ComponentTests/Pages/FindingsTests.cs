using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class FindingsTests : DashboardTestContext
{
    // rack-a healthy (a1, a2 established); rack-b one session (warning); rack-c none (critical).
    private static ClusterSnapshotBuilder Racks(long version = 1) => new ClusterSnapshotBuilder().Version(version)
        .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")])
        .Node("b1", [(KnownLabels.Rack, "rack-b")]).Node("b2", [(KnownLabels.Rack, "rack-b")])
        .Node("c1", [(KnownLabels.Rack, "rack-c")])
        .Speaker().BgpConf(65000, ("rack-a", 65101), ("rack-b", 65102), ("rack-c", 65103))
        .RackPeer("leaf-a", "10.0.1.1", "rack-a").RackPeer("leaf-b", "10.0.2.1", "rack-b").RackPeer("leaf-c", "10.0.3.1", "rack-c")
        .Pod("a1").Pod("a2").Pod("b1").Pod("b2").Pod("c1")
        .Session("leaf-a", BgpSessionState.Established, "a1", "a2")
        .Session("leaf-b", BgpSessionState.Established, "b1")
        .Session("leaf-b", BgpSessionState.Idle, "b2");

    private static ClusterSnapshotBuilder Healthy(long version = 1) => new ClusterSnapshotBuilder().Version(version)
        .Node("a1", [(KnownLabels.Rack, "rack-a")]).Node("a2", [(KnownLabels.Rack, "rack-a")])
        .Speaker().BgpConf(65000, ("rack-a", 65101))
        .RackPeer("leaf-a", "10.0.1.1", "rack-a")
        .Pod("a1").Pod("a2")
        .Session("leaf-a", BgpSessionState.Established, "a1", "a2");

    private static string[] Groups(IRenderedComponent<Findings> cut) =>
        [.. cut.FindAll(".finding-group").Select(static g => g.GetAttribute("data-group")!)];

    private static IElement FindingOf(IRenderedComponent<Findings> cut, string key) => cut.Find($"[data-finding=\"{key}\"]");

    [Fact]
    public void Render_GroupsMostSevereFirst_WithRouterLinkAndRemedy()
    {
        Publish(Racks().Build());

        var cut = Render<Findings>();

        cut.WaitForAssertion(() => Assert.Equal(["critical", "warning"], Groups(cut)));
        Assert.Equal("Critical (1)", cut.Find("#severity-critical").TextContent.Trim());
        var critical = FindingOf(cut, $"{FindingRules.RouterNoSession}/leaf-c");
        Assert.Equal("critical", critical.QuerySelector(".finding-severity")!.GetAttribute("data-severity"));
        Assert.Equal("routers/leaf-c", critical.QuerySelector(".finding-router a")!.GetAttribute("href"));
        Assert.NotEmpty(critical.QuerySelector(".remedy-text")!.TextContent.Trim());
        Assert.Equal("(No change from the dashboard fixes this)", critical.QuerySelector(".remedy-kind")!.TextContent.Trim());
        Assert.NotNull(cut.Find($"[data-finding=\"{FindingRules.RouterFewSessions}/leaf-b\"]"));
    }

    [Fact]
    public void Render_SeverityInUrl_ShowsOnlyThatSeverityAndMarksTheFilter()
    {
        Publish(Racks().Build());
        Services.GetService<NavigationManager>()!.NavigateTo("findings?severity=critical");

        var cut = Render<Findings>();

        cut.WaitForAssertion(() => Assert.Equal(["critical"], Groups(cut)));
        Assert.Equal("true", cut.Find("[data-severity-filter=critical]").GetAttribute("data-selected"));
        Assert.Equal("false", cut.Find("[data-severity-filter=warning]").GetAttribute("data-selected"));
        Assert.Equal("findings?severity=critical,warning", cut.Find("[data-severity-filter=warning]").GetAttribute("href"));
        Assert.Equal("findings", cut.Find("[data-severity-filter=critical]").GetAttribute("href"));
        Assert.Contains("Showing 1 of", cut.Find("[data-state=filtered]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Navigate_SeverityQueryChanges_FilterFollowsTheUrl()
    {
        Publish(Racks().Build());
        var cut = Render<Findings>();
        cut.WaitForAssertion(() => Assert.Equal(["critical", "warning"], Groups(cut)));

        await cut.InvokeAsync(() => Services.GetService<NavigationManager>()!.NavigateTo("findings?severity=warning"));

        cut.WaitForAssertion(() => Assert.Equal(["warning"], Groups(cut)));
        Assert.Equal("true", cut.Find("[data-severity-filter=warning]").GetAttribute("data-selected"));
    }

    [Fact]
    public void Render_SeverityInUrlWithNoMatch_SaysSoAndOffersAll()
    {
        Publish(Racks().Build());
        Services.GetService<NavigationManager>()!.NavigateTo("findings?severity=info,bogus");

        var cut = Render<Findings>();

        cut.WaitForAssertion(() => Assert.Contains("No findings of the selected severity", cut.Find("[data-state=filtered-empty]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".finding-item"));
        Assert.Contains("bogus", cut.Find("[data-banner=ignored-filter]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_FindingCleared_DisappearsWithoutReload()
    {
        Publish(Racks().Build());
        var cut = Render<Findings>();
        cut.WaitForAssertion(() => Assert.NotNull(FindingOf(cut, $"{FindingRules.RouterFewSessions}/leaf-b")));

        Publish(Racks(version: 2).Session("leaf-b", BgpSessionState.Established, "b2").Build());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll($"[data-finding=\"{FindingRules.RouterFewSessions}/leaf-b\"]")));
        Assert.NotNull(FindingOf(cut, $"{FindingRules.RouterNoSession}/leaf-c"));
        Assert.Empty(cut.FindAll(".finding-item[data-finding$=\"/leaf-b\"]"));
    }

    [Fact]
    public void Render_NoFindings_SaysWhatWasChecked()
    {
        Publish(Healthy().Build());

        var cut = Render<Findings>();

        cut.WaitForAssertion(() => Assert.Contains("No findings.", cut.Find("[data-state=no-findings]").TextContent, StringComparison.Ordinal));
        Assert.Contains("2 nodes", cut.Find("[data-state=no-findings]").TextContent, StringComparison.Ordinal);
        Assert.Equal(FindingRules.All.Count, cut.FindAll(".checked-rules li").Count);
        Assert.Empty(cut.FindAll(".finding-group"));
    }

    [Fact]
    public void Render_ManyAffectedNodes_TruncatedWithAndMore()
    {
        // Twelve selected nodes, none allowed a speaker: one finding naming all of them.
        var names = Enumerable.Range(1, 12).Select(static i => $"n{i:D2}").ToArray();
        var builder = new ClusterSnapshotBuilder().Nodes(names, (KnownLabels.Rack, "rack-a"))
            .Speaker(new SpeakerPlacement(LabelSet.Of(("openelb-speaker", "true")), null, []))
            .BgpConf(65000, ("rack-a", 65101)).RackPeer("leaf-a", "10.0.1.1", "rack-a");
        Publish(builder.Build());

        var cut = Render<Findings>();

        cut.WaitForAssertion(() => Assert.NotNull(FindingOf(cut, $"{FindingRules.SelectedNodeWithoutSpeaker}/leaf-a")));
        var finding = FindingOf(cut, $"{FindingRules.SelectedNodeWithoutSpeaker}/leaf-a");
        Assert.Equal(FindingsModel.NodesPerFinding, finding.QuerySelectorAll(".finding-node").Length);
        Assert.Equal($"and {12 - FindingsModel.NodesPerFinding} more", finding.QuerySelector(".finding-more")!.TextContent.Trim());
        Assert.Equal("nodes?router=leaf-a", finding.QuerySelector(".finding-more")!.GetAttribute("href"));
        Assert.Equal("nodes/n01", finding.QuerySelector(".finding-node")!.GetAttribute("href"));
    }
}
