using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.ComponentTests.Model;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Pages;

public sealed class NodesTests : DashboardTestContext
{
    public NodesTests() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private static string[] RowNames(IRenderedComponent<Nodes> cut) =>
        [.. cut.FindAll("tr.node-row").Select(static r => r.GetAttribute("data-node")!)];

    private IRenderedComponent<Nodes> RenderAt(string relativeUri)
    {
        Navigation.NavigateTo(relativeUri);
        return Render<Nodes>();
    }

    [Fact]
    public void Render_Snapshot_OneRowPerNodeWithSpeakerSessionsAndRouters()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = Render<Nodes>();

        cut.WaitForAssertion(() => Assert.Equal(["a1", "a2", "b1", "b2", "n1", "x1"], RowNames(cut)));
        Assert.Equal("1 / 1", cut.Find("tr[data-node=a1] .col-sessions").GetAttribute("data-sessions"));
        Assert.Contains("1 down", cut.Find("tr[data-node=b1] .col-sessions").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 stale", cut.Find("tr[data-node=a2] .col-sessions").TextContent, StringComparison.Ordinal);
        Assert.Equal("notready", cut.Find("tr[data-node=a2] .speaker-chip").GetAttribute("data-speaker"));
        Assert.Contains("leaf-b", cut.Find("tr[data-node=b2] .col-routers").TextContent, StringComparison.Ordinal);
        Assert.Contains("none", cut.Find("tr[data-node=x1] .col-routers").TextContent, StringComparison.Ordinal);
        Assert.Contains("Not ready", cut.Find("tr[data-node=x1] .col-ready").TextContent, StringComparison.Ordinal);
        Assert.Contains("dedicated=lb:NoSchedule", cut.Find("tr[data-node=b2] .col-taints").TextContent, StringComparison.Ordinal);
        Assert.Equal("nodes/a1", cut.Find("tr[data-node=a1] .col-name a").GetAttribute("href"));
        Assert.Contains("Showing 6 of 6 nodes", cut.Find("[data-count=shown]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_QueryInUrl_FiltersAndSorts()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = RenderAt("nodes?router=leaf-a&state=problem&sort=-name");

        cut.WaitForAssertion(() => Assert.Equal(["n1", "a2"], RowNames(cut)));
        Assert.Equal("descending", cut.Find("th.col-name").GetAttribute("aria-sort"));
        Assert.Contains("Showing 2 of 6 nodes", cut.Find("[data-count=shown]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RouterNone_ShowsNodesUnderNoRouter()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = RenderAt("nodes?router=none");

        cut.WaitForAssertion(() => Assert.Equal(["x1"], RowNames(cut)));
    }

    [Fact]
    public void Render_UnknownRouter_SaysSoAndShowsNoRows()
    {
        Publish(NodeTestCluster.Snapshot());

        var cut = RenderAt("nodes?router=leaf-gone");

        cut.WaitForAssertion(() => Assert.Contains("leaf-gone", cut.Find("[data-banner=unknown-router]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("tr.node-row"));
        Assert.Contains("No node matches", cut.Find(".nodes-none").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Typed_FiltersRowsAndWritesTheUrl()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = RenderAt("nodes");
        cut.WaitForAssertion(() => Assert.Equal(6, RowNames(cut).Length));

        cut.Find("input#nodes-search").Input("dedicated");

        cut.WaitForAssertion(() => Assert.Equal(["b2"], RowNames(cut)));
        Assert.EndsWith("nodes?q=dedicated", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void SortHeader_Clicked_SortsAndWritesTheUrlThenFlips()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = RenderAt("nodes");
        cut.WaitForAssertion(() => Assert.Equal(6, RowNames(cut).Length));

        cut.Find("button[data-sort=zone]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["a1", "a2", "b1", "b2", "n1", "x1"], RowNames(cut)));
        Assert.EndsWith("nodes?sort=zone", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("ascending", cut.Find("th.col-zone").GetAttribute("aria-sort"));

        cut.Find("button[data-sort=zone]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["a2", "a1", "b1", "b2", "n1", "x1"], RowNames(cut)));
        Assert.EndsWith("nodes?sort=-zone", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_SessionRecovers_RowUpdatesLive()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = RenderAt("nodes?state=session-down");
        cut.WaitForAssertion(() => Assert.Equal(["b1"], RowNames(cut)));
        Assert.Equal("0 / 1", cut.Find("tr[data-node=b1] .col-sessions").GetAttribute("data-sessions"));

        Publish(NodeTestCluster.Snapshot(version: 2, fixB1: true));

        cut.WaitForAssertion(() => Assert.Empty(RowNames(cut)));
        Navigation.NavigateTo("nodes");
        cut.WaitForAssertion(() => Assert.Equal("1 / 1", cut.Find("tr[data-node=b1] .col-sessions").GetAttribute("data-sessions")));
    }

    [Fact]
    public void Select_RowsByCheckboxAndShiftRange_CountsAndExposesSelection()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = Render<Nodes>();
        IReadOnlySet<string>? raised = null;
        cut.Render(p => p.Add(x => x.SelectedNodesChanged, (IReadOnlySet<string> s) => raised = s));
        cut.WaitForAssertion(() => Assert.Equal(6, RowNames(cut).Length));

        cut.Find("tr[data-node=a2] input[type=checkbox]").Click();
        cut.Find("tr[data-node=b2] input[type=checkbox]").Click(new MouseEventArgs { ShiftKey = true });

        cut.WaitForAssertion(() => Assert.Contains("3 selected", cut.Find("[data-count=selected]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["a2", "b1", "b2"], cut.Instance.SelectedNodes.Order(StringComparer.Ordinal));
        Assert.Equal("true", cut.Find("tr[data-node=b1]").GetAttribute("aria-selected"));
        Assert.Equal("Select a1", cut.Find("tr[data-node=a1] input[type=checkbox]").GetAttribute("aria-label"));
        cut.WaitForAssertion(() => Assert.Equal(3, raised?.Count));

        cut.Find("[data-action=clear-selection]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-count=selected]")));
        Assert.Empty(cut.Instance.SelectedNodes);
    }

    [Fact]
    public void SelectAll_SelectsOnlyTheShownRows()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = RenderAt("nodes?router=leaf-b");
        cut.WaitForAssertion(() => Assert.Equal(["b1", "b2"], RowNames(cut)));

        cut.Find("input.select-all").Change(true);

        cut.WaitForAssertion(() => Assert.Equal(["b1", "b2"], cut.Instance.SelectedNodes.Order(StringComparer.Ordinal)));
        Assert.Equal("Deselect the 2 shown nodes", cut.Find("input.select-all").GetAttribute("aria-label"));
    }

    [Fact]
    public void Publish_SelectedNodeDeleted_DropsFromSelection()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = Render<Nodes>();
        cut.WaitForAssertion(() => Assert.Equal(6, RowNames(cut).Length));
        cut.Find("tr[data-node=a1] input[type=checkbox]").Click();
        cut.Find("tr[data-node=b2] input[type=checkbox]").Click();
        cut.WaitForAssertion(() => Assert.Contains("2 selected", cut.Find("[data-count=selected]").TextContent, StringComparison.Ordinal));

        var snapshot = NodeTestCluster.Snapshot();
        Publish(snapshot.With(version: 2, nodes: snapshot.Nodes.Where(static n => n.Name != "b2")));

        cut.WaitForAssertion(() => Assert.Contains("1 selected", cut.Find("[data-count=selected]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["a1"], cut.Instance.SelectedNodes);
    }

    [Fact]
    public void Select_TwoNodes_LabelButtonOpensTheWizardForThem()
    {
        Publish(NodeTestCluster.Snapshot());
        var cut = Render<Nodes>();
        cut.WaitForAssertion(() => Assert.Equal(6, RowNames(cut).Length));
        Assert.Empty(cut.FindAll("[data-action=label-selected]"));

        cut.Find("tr[data-node=b2] input[type=checkbox]").Click();
        cut.Find("tr[data-node=a1] input[type=checkbox]").Click();

        cut.WaitForAssertion(() => Assert.Equal("wizards/label-nodes?nodes=a1%2Cb2", cut.Find("[data-action=label-selected]").GetAttribute("href")));
    }

    [Fact]
    public async Task Render_FiveThousandNodes_RendersOnlyTheRowsInView()
    {
        // Play the browser's part: the Virtualize script reports an 800 px viewport at the top of the list. (bUnit's own
        // handler reports an endless viewport, which renders every row.)
        object? interop = null;
        JSInterop.SetupVoid(i => i.Identifier == "Blazor._internal.Virtualize.init" && (interop = i.Arguments[0]) is not null).SetVoidResult();
        Publish(GeneratedCluster.Create(nodes: 5000, routers: 125));

        var cut = Render<Nodes>();
        cut.WaitForAssertion(() => Assert.NotNull(interop));
        var target = interop!.GetType().GetProperty("Value")!.GetValue(interop)!;
        await cut.InvokeAsync(() => target.GetType().GetMethod("OnSpacerBeforeVisible")!.Invoke(target, [0f, 0f, 800f]));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tr.node-row")));
        Assert.Contains("Showing 5000 of 5000 nodes", cut.Find("[data-count=shown]").TextContent, StringComparison.Ordinal);
        Assert.Equal("5001", cut.Find("table.nodes-table").GetAttribute("aria-rowcount"));
        var rows = cut.FindAll("tr.node-row");
        Assert.InRange(rows.Count, 800 / (int)Nodes.RowHeight, 100);
        Assert.Equal("node-00000", rows[0].GetAttribute("data-node"));
        Assert.Equal("2", rows[0].GetAttribute("aria-rowindex"));
    }

    [Fact]
    public void Render_Prerendered_ShowsTheFirstRowsWithoutVirtualizing()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Publish(GeneratedCluster.Create(nodes: 5000, routers: 125));

        var cut = Render<Nodes>();

        cut.WaitForAssertion(() => Assert.Contains("Showing 5000 of 5000 nodes", cut.Find("[data-count=shown]").TextContent, StringComparison.Ordinal));
        var rows = cut.FindAll("tr.node-row");
        Assert.Equal(50, rows.Count);
        Assert.Equal("node-00049", rows[^1].GetAttribute("data-node"));
        Assert.DoesNotContain(JSInterop.Invocations, static i => i.Identifier.Contains("Virtualize", StringComparison.Ordinal));
    }
}
