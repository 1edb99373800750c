using OpenElb.Dashboard.ComponentTests.Model;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class NodeDetailTests : DashboardTestContext
{
    private IRenderedComponent<NodeDetail> RenderNode(string name) => Render<NodeDetail>(p => p.Add(x => x.Name, name));

    [Fact]
    public void Render_Node_ShowsLabelsPodSessionsAndReason()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = RenderNode("a1");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-state=found]")));
        Assert.Contains("Node a1", cut.Find("h1").TextContent, StringComparison.Ordinal);
        Assert.Contains("rack-a", cut.Find($"tr[data-label='{KnownLabels.Rack}']").TextContent, StringComparison.Ordinal);
        Assert.Contains("Running", cut.Find("tr[data-pod=openelb-speaker-a1]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Eligible", cut.Find(".placement-reason").GetAttribute("data-reason"));
        var session = cut.Find("tr[data-router=leaf-a]");
        Assert.Contains("session established", session.TextContent, StringComparison.Ordinal);
        Assert.Equal("yes", session.QuerySelector("[data-selected]")!.GetAttribute("data-selected"));
        Assert.Equal("routers/leaf-a", session.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("1", cut.Find("[data-other-routers]").GetAttribute("data-other-routers"));
        Assert.Equal("none", cut.Find("[data-taints]").GetAttribute("data-taints"));
    }

    [Fact]
    public void Render_StaleEntry_MarkedAndNotCounted()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = RenderNode("a2");

        cut.WaitForAssertion(() => Assert.Equal("stale", cut.Find("tr[data-router=leaf-a] .session-state").GetAttribute("data-health")));
        Assert.Contains("does not count", cut.Find("tr[data-router=leaf-a] [data-stale]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NodeSelectorMismatch_SaysWhichPairFailed()
    {
        var placement = new SpeakerPlacement(LabelSet.Of((KnownLabels.SeedSpeakerLabel, "true")), null, EquatableArray<Toleration>.Empty);
        Publish(new ClusterSnapshotBuilder()
            .Node("w1", [(KnownLabels.Rack, "rack-a")])
            .Speaker(placement)
            .RackPeer("leaf-a", "10.0.1.1", "rack-a")
            .Build());

        var cut = RenderNode("w1");

        cut.WaitForAssertion(() => Assert.Equal("NodeSelectorMismatch", cut.Find(".placement-reason").GetAttribute("data-reason")));
        Assert.Contains("openelb-speaker=true (the node has no label 'openelb-speaker')", cut.Find(".placement-reason").TextContent, StringComparison.Ordinal);
        Assert.Contains("No speaker is placed on this node", cut.Find(".placement-reason").TextContent, StringComparison.Ordinal);
        Assert.Equal("none", cut.Find("[data-pods]").GetAttribute("data-pods"));
    }

    [Fact]
    public void Render_UntoleratedNoScheduleWithRunningSpeaker_ExplainsItStaysUntilReplaced()
    {
        Publish(new ClusterSnapshotBuilder()
            .Node("w1", [(KnownLabels.Rack, "rack-a")], [NodeTestCluster.Dedicated])
            .Speaker()
            .Pod("w1")
            .Build());

        var cut = RenderNode("w1");

        cut.WaitForAssertion(() => Assert.Equal("UntoleratedNoSchedule", cut.Find(".placement-reason").GetAttribute("data-reason")));
        Assert.Contains("dedicated=lb:NoSchedule", cut.Find(".placement-reason").TextContent, StringComparison.Ordinal);
        Assert.Contains("stays until its pod is replaced", cut.Find(".placement-nuance").TextContent, StringComparison.Ordinal);
        Assert.Equal("no", cut.Find("tr[data-taint=dedicated]").GetAttribute("data-tolerated"));
        Assert.Contains("Layer2 or VIP", cut.Find("[data-groups=label]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UntoleratedNoExecute_SaysEvicted()
    {
        Publish(new ClusterSnapshotBuilder()
            .Node("w1", taints: [new Taint("maintenance", "", TaintEffect.NoExecute)])
            .Speaker()
            .Pod("w1")
            .Build());

        var cut = RenderNode("w1");

        cut.WaitForAssertion(() => Assert.Equal("UntoleratedNoExecute", cut.Find(".placement-reason").GetAttribute("data-reason")));
        Assert.Contains("being evicted", cut.Find(".placement-nuance").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ControlPlaneTaintTolerated_SaysSo()
    {
        Publish(new ClusterSnapshotBuilder()
            .Node("cp1", taints: [new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule)])
            .Speaker()
            .Pod("cp1")
            .Build());

        var cut = RenderNode("cp1");

        cut.WaitForAssertion(() => Assert.Equal("yes", cut.Find("tr[data-taint='node-role.kubernetes.io/control-plane']").GetAttribute("data-tolerated")));
        Assert.Equal("Eligible", cut.Find(".placement-reason").GetAttribute("data-reason"));
    }

    [Fact]
    public void Publish_NodeDeleted_ShowsNotFoundThenRecovers()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = RenderNode("b1");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-state=found]")));

        var snapshot = NodeTestCluster.Snapshot();
        Publish(snapshot.With(version: 2, nodes: snapshot.Nodes.Where(static n => n.Name != "b1")));

        cut.WaitForAssertion(() => Assert.Contains("no node called “b1”", cut.Find("[data-state=not-found]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-state=found]"));

        Publish(NodeTestCluster.Snapshot(version: 3));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-state=found]")));
    }

    [Fact]
    public void Render_UnknownNode_NotFound()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = RenderNode("nope");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-state=not-found]")));
    }

    [Fact]
    public void Render_SessionDown_ShowsStateInWordsAndMessages()
    {
        var snapshot = NodeTestCluster.Snapshot();
        var peers = snapshot.Peers.Select(p => p.Name != "leaf-b" ? p : p with
        {
            Sessions = [new PeerSession("b1", BgpSessionState.Active, null, null, ClusterSnapshotBuilder.Now.AddMinutes(-5), 12, 34)],
        });
        Publish(snapshot.With(peers: peers));

        var cut = RenderNode("b1");

        cut.WaitForAssertion(() => Assert.Contains("session ACTIVE", cut.Find("tr[data-router=leaf-b]").TextContent, StringComparison.Ordinal));
        var cells = cut.FindAll("tr[data-router=leaf-b] td.num");
        Assert.Equal(["12", "34"], cells.Select(static c => c.TextContent.Trim()));
        Assert.StartsWith("down", cut.FindAll("tr[data-router=leaf-b] td")[2].TextContent.Trim(), StringComparison.Ordinal);
    }
}
