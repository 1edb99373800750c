using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class NodesModelTests
{
    private static NodesModel Model(NodeQuery? query = null, DashboardView? view = null)
    {
        var model = new NodesModel();
        model.Update(view ?? NodeTestCluster.View());
        if (query is not null)
        {
            model.SetQuery(query);
        }
        return model;
    }

    private static string[] Names(NodesModel model) => [.. model.Visible.Select(static r => r.Name)];

    [Fact]
    public void BuildRows_CountsSessionsPerNode_StaleAndDownSeparately()
    {
        var rows = NodesModel.BuildRows(NodeTestCluster.View()).ToDictionary(static r => r.Name);

        Assert.Equal(["a1", "a2", "b1", "b2", "n1", "x1"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((1, 1, 0, 0), (rows["a1"].Established, rows["a1"].Expected, rows["a1"].Down, rows["a1"].Stale));
        Assert.Equal((0, 0, 0, 1), (rows["a2"].Established, rows["a2"].Expected, rows["a2"].Down, rows["a2"].Stale));
        Assert.Equal((0, 1, 1, 0), (rows["b1"].Established, rows["b1"].Expected, rows["b1"].Down, rows["b1"].Stale));
        Assert.Equal("1 / 1", rows["a1"].SessionsText);
        Assert.Equal("—", rows["b2"].SessionsText);
        Assert.Equal(["leaf-a"], rows["a1"].Routers);
        Assert.Empty(rows["x1"].Routers);
        Assert.Equal("zone-1", rows["a1"].Zone);
        Assert.Contains("dedicated=lb:NoSchedule", rows["b2"].TaintsText, StringComparison.Ordinal);
        Assert.Equal("openelb.kubesphere.io/rack=rack-a", rows["a1"].LabelsText);
        Assert.Contains("topology.kubernetes.io/zone=zone-1", rows["a1"].AllLabelsText, StringComparison.Ordinal);
        Assert.Equal(SpeakerStatus.NotReady, rows["a2"].Speaker);
        Assert.True(rows["n1"].PlacementWantsSpeaker);
        Assert.False(rows["b2"].PlacementWantsSpeaker);
    }

    [Theory]
    [InlineData(NodeStateFilter.All, "a1,a2,b1,b2,n1,x1")]
    [InlineData(NodeStateFilter.Problem, "a2,b1,n1,x1")]
    [InlineData(NodeStateFilter.NoSpeaker, "b2,n1")]
    [InlineData(NodeStateFilter.SpeakerReady, "a1,b1,x1")]
    [InlineData(NodeStateFilter.SpeakerNotReady, "a2")]
    [InlineData(NodeStateFilter.SessionDown, "b1")]
    [InlineData(NodeStateFilter.Stale, "a2")]
    [InlineData(NodeStateFilter.NodeNotReady, "x1")]
    public void Visible_StateFilter_KeepsMatchingNodes(NodeStateFilter state, string expected)
    {
        var model = Model(NodeQuery.Default with { State = state });

        Assert.Equal(expected.Split(','), Names(model));
    }

    [Theory]
    [InlineData("leaf-a", "a1,a2,n1")]
    [InlineData("leaf-b", "b1,b2")]
    [InlineData("none", "x1")]
    public void Visible_RouterFilter_KeepsNodesUnderTheRouter(string router, string expected)
    {
        var model = Model(NodeQuery.Default with { Router = router });

        Assert.Equal(expected.Split(','), Names(model));
        Assert.False(model.UnknownRouter);
    }

    [Fact]
    public void Visible_UnknownRouter_NoRowsAndFlagged()
    {
        var model = Model(NodeQuery.Default with { Router = "leaf-gone" });

        Assert.Empty(model.Visible);
        Assert.True(model.UnknownRouter);
    }

    [Theory]
    [InlineData("dedicated", "b2")]
    [InlineData("ZONE-1", "a1")]
    [InlineData("rack-a zone-2", "a2")]
    [InlineData("rack-b", "b1,b2")]
    [InlineData("NoSchedule", "b2")]
    [InlineData("nothing-like-this", "")]
    public void Visible_Text_MatchesNameLabelsAndTaintsCaseInsensitiveAllTerms(string text, string expected)
    {
        var model = Model(NodeQuery.Default with { Text = text });

        Assert.Equal(expected.Length == 0 ? [] : expected.Split(','), Names(model));
    }

    [Fact]
    public void Visible_FiltersCombine()
    {
        var model = Model(new NodeQuery("leaf-a", NodeStateFilter.Problem, "", NodeSort.Default));

        Assert.Equal(["a2", "n1"], Names(model));
    }

    [Theory]
    [InlineData("-name", "x1,n1,b2,b1,a2,a1")]
    [InlineData("speaker", "a1,b1,x1,a2,b2,n1")]
    [InlineData("sessions", "a2,b2,n1,x1,b1,a1")]
    [InlineData("-sessions", "a1,b1,a2,b2,n1,x1")]
    [InlineData("zone", "a1,a2,b1,b2,n1,x1")]
    [InlineData("-zone", "a2,a1,b1,b2,n1,x1")]
    [InlineData("ready", "a1,a2,b1,b2,n1,x1")]
    [InlineData("-ready", "x1,a1,a2,b1,b2,n1")]
    [InlineData("routers", "a1,a2,n1,b1,b2,x1")]
    public void Visible_Sort_OrdersWithMissingValuesLastAndTiesByName(string sort, string expected)
    {
        var model = Model(NodeQuery.Default with { Sort = NodeSort.Parse(sort) });

        Assert.Equal(expected.Split(','), Names(model));
    }

    [Fact]
    public void Visible_SortByRestartsDescending_NodesWithoutPodLast()
    {
        var snapshot = NodeTestCluster.Snapshot();
        var pods = snapshot.SpeakerPods.Select(p => p.NodeName switch
        {
            "a1" => p with { Restarts = 3 },
            "b1" => p with { Restarts = 7 },
            _ => p,
        });
        var model = Model(NodeQuery.Default with { Sort = NodeSort.Parse("-restarts") }, NodeTestCluster.View(snapshot.With(speakerPods: pods)));

        Assert.Equal(["b1", "a1", "a2", "x1", "b2", "n1"], Names(model));
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("leaf-a", "problem", "zone-1", "-restarts")]
    [InlineData("none", "speaker-not-ready", null, "age")]
    [InlineData(null, "session-down", "rack a", null)]
    [InlineData(null, "node-not-ready", null, "-name")]
    public void Query_UrlRoundTrip_GivesTheSameQuery(string? router, string? state, string? text, string? sort)
    {
        var query = NodeQuery.Parse(router, state, text, sort);

        var parameters = query.ToQueryParameters();
        var again = NodeQuery.Parse(
            (string?)parameters[NodeQuery.RouterParameter],
            (string?)parameters[NodeQuery.StateParameter],
            (string?)parameters[NodeQuery.TextParameter],
            (string?)parameters[NodeQuery.SortParameter]);

        Assert.Equal(query, again);
        Assert.Equal(router, parameters[NodeQuery.RouterParameter]);
        Assert.Equal(state, parameters[NodeQuery.StateParameter]);
        Assert.Equal(text, parameters[NodeQuery.TextParameter]);
        Assert.Equal(sort, parameters[NodeQuery.SortParameter]);
    }

    [Fact]
    public void Query_Defaults_AreLeftOutOfTheUrl()
    {
        var parameters = NodeQuery.Parse(null, "all", "  ", "name").ToQueryParameters();

        Assert.All(parameters.Values, Assert.Null);
    }

    [Fact]
    public void Query_UnknownValues_FallBackToDefaults()
    {
        var query = NodeQuery.Parse("", "sleepy", null, "-colour");

        Assert.Equal(NodeQuery.Default, query);
    }

    [Fact]
    public void Sort_Toggle_FlipsSameColumnAndStartsOtherAscending()
    {
        var sort = NodeSort.Default.Toggle(NodeSortColumn.Name);
        Assert.Equal(new NodeSort(NodeSortColumn.Name, Descending: true), sort);
        Assert.Equal(new NodeSort(NodeSortColumn.Zone), sort.Toggle(NodeSortColumn.Zone));
        Assert.Equal("-name", sort.ToString());
    }

    [Fact]
    public void Update_SameTopology_DoesNotRebuildOrRefilter()
    {
        var view = NodeTestCluster.View();
        var model = Model(view: view);
        var rows = model.Rows;
        var visible = model.Visible;

        Assert.False(model.Update(view.WithHealth(2, view.Health)));
        Assert.False(model.SetQuery(NodeQuery.Default));

        Assert.Same(rows, model.Rows);
        Assert.Same(visible, model.Visible);
    }

    [Fact]
    public void Update_NewTopology_RebuildsAndRefilters()
    {
        var model = Model(NodeQuery.Default with { State = NodeStateFilter.SessionDown });
        Assert.Equal(["b1"], Names(model));

        Assert.True(model.Update(NodeTestCluster.View(NodeTestCluster.Snapshot(version: 2, fixB1: true), sequence: 2)));

        Assert.Empty(model.Visible);
    }

    [Fact]
    public void Selection_NodeDeleted_LeavesSelectionAndRaisesChanged()
    {
        var model = Model();
        model.SetSelected("a1", true);
        model.SetSelected("b2", true);
        var changes = 0;
        model.SelectionChanged += () => changes++;

        var snapshot = NodeTestCluster.Snapshot();
        model.Update(NodeTestCluster.View(snapshot.With(version: 2, nodes: snapshot.Nodes.Where(static n => n.Name != "b2")), sequence: 2));

        Assert.Equal(["a1"], model.Selected);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void Selection_RangeAndAllVisible()
    {
        var model = Model(NodeQuery.Default with { Router = "leaf-a" });

        model.SetRangeSelected(2, 0, true);
        Assert.True(model.AllVisibleSelected);
        Assert.Equal(["a1", "a2", "n1"], model.Selected.Order(StringComparer.Ordinal));

        model.SetQuery(NodeQuery.Default);
        Assert.False(model.AllVisibleSelected);
        model.SetAllVisibleSelected(true);
        Assert.Equal(6, model.Selected.Count);

        model.SetAllVisibleSelected(false);
        Assert.Empty(model.Selected);
    }

    [Fact]
    public void Filter_GeneratedCluster_RouterFilterUsesTopology()
    {
        var view = NodeTestCluster.View(GeneratedCluster.Create(nodes: 500, routers: 25));
        var model = Model(NodeQuery.Default with { Router = "leaf-003" }, view);

        Assert.Equal(20, model.Visible.Length);
        Assert.All(model.Visible, r => Assert.Equal(["leaf-003"], r.Routers));
    }
}
