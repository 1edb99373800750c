using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class FindingsModelTests
{
    private static DashboardView ViewOf(ClusterSnapshot snapshot) =>
        DashboardView.Create(1, snapshot, TestClusterState.Synced(), FindingsOptions.Default, Core.Topology.TopologyOptions.Default);

    private static DashboardView ViewWith(params Finding[] findings) => ViewOf(ClusterSnapshot.Empty) with { Findings = [.. findings] };

    private static Finding F(string rule, FindingSeverity severity, string? router = null, params string[] nodes) =>
        new(rule, severity, router, [.. nodes], $"{rule} message", new Remedy(RemedyKind.RestrictSpeakers, "Do it."));

    [Theory]
    [InlineData(null, new FindingSeverity[0], new string[0])]
    [InlineData("", new FindingSeverity[0], new string[0])]
    [InlineData("critical", new[] { FindingSeverity.Critical }, new string[0])]
    [InlineData("Warning,ADVISORY", new[] { FindingSeverity.Warning, FindingSeverity.Advisory }, new string[0])]
    [InlineData(" info , critical ", new[] { FindingSeverity.Critical, FindingSeverity.Info }, new string[0])]
    [InlineData("critical,bogus", new[] { FindingSeverity.Critical }, new[] { "bogus" })]
    [InlineData("0,2", new FindingSeverity[0], new[] { "0", "2" })]
    public void ParseFilter_Values_SeveritiesAndIgnored(string? query, FindingSeverity[] expected, string[] ignored)
    {
        var (severities, rest) = FindingsModel.ParseFilter(query);

        Assert.Equal(expected.Order(), severities.Order());
        Assert.Equal(ignored, rest);
    }

    [Fact]
    public void FormatFilter_MostSevereFirstLowercase_EmptyIsNull()
    {
        Assert.Equal("critical,info", FindingsModel.FormatFilter([FindingSeverity.Info, FindingSeverity.Critical]));
        Assert.Null(FindingsModel.FormatFilter([]));
    }

    [Fact]
    public void Build_GroupsBySeverityInOrder_SortsClusterWideThenRouterThenRule()
    {
        var view = ViewWith(
            F("b-rule", FindingSeverity.Warning, "leaf-b"),
            F("a-rule", FindingSeverity.Info, "leaf-a"),
            F("z-rule", FindingSeverity.Warning, "leaf-a"),
            F("a-rule", FindingSeverity.Warning, "leaf-a"),
            F("cluster-rule", FindingSeverity.Warning),
            F("crit", FindingSeverity.Critical, "leaf-c"));

        var page = FindingsModel.Build(view, null);

        Assert.Equal([FindingSeverity.Critical, FindingSeverity.Warning, FindingSeverity.Info], page.Groups.Select(static g => g.Severity));
        Assert.Equal(
            ["cluster-rule", "a-rule/leaf-a", "z-rule/leaf-a", "b-rule/leaf-b"],
            page.Groups[1].Rows.Select(static r => r.Finding.Key));
        Assert.Equal(6, page.Total);
        Assert.Equal(6, page.Shown);
        Assert.False(page.Filtered);
    }

    [Fact]
    public void Build_Filter_KeepsOnlySelectedSeverities_CountsAll()
    {
        var view = ViewWith(F("a", FindingSeverity.Critical, "r"), F("b", FindingSeverity.Warning, "r"), F("c", FindingSeverity.Warning, "s"));

        var page = FindingsModel.Build(view, "warning");

        Assert.Equal([FindingSeverity.Warning], page.Groups.Select(static g => g.Severity));
        Assert.Equal(2, page.Shown);
        Assert.Equal(3, page.Total);
        Assert.True(page.Filtered);
        var critical = page.Options.Single(static o => o.Severity == FindingSeverity.Critical);
        Assert.Equal(1, critical.Count);
        Assert.False(critical.Selected);
        Assert.Equal("critical,warning", critical.Query);
        var warning = page.Options.Single(static o => o.Severity == FindingSeverity.Warning);
        Assert.True(warning.Selected);
        Assert.Null(warning.Query);
    }

    [Fact]
    public void Row_ManyNodes_TruncatesWithCount()
    {
        var nodes = Enumerable.Range(1, FindingsModel.NodesPerFinding + 3).Select(static i => $"n{i:D2}").ToArray();

        var row = FindingsModel.Row(ViewWith().Topology, F("r", FindingSeverity.Warning, "leaf", nodes));

        Assert.Equal(nodes.Take(FindingsModel.NodesPerFinding), row.ShownNodes);
        Assert.Equal(3, row.HiddenNodes);
        Assert.Equal("nodes?router=leaf", row.MoreNodesHref);
        Assert.Equal(Words.RemedyKind(RemedyKind.RestrictSpeakers), row.RemedyKindText);
    }

    [Fact]
    public void RouterHref_BgpPeerRackGroupAndUnknown()
    {
        var bgp = ViewOf(new ClusterSnapshotBuilder().Node("a1", [(KnownLabels.Rack, "rack-a")]).Speaker().RackPeer("leaf a", "10.0.0.1", "rack-a").Build());
        var layer2 = ViewOf(new ClusterSnapshotBuilder().Node("a1", [(KnownLabels.Rack, "rack-a")]).Speaker().Build());

        Assert.Equal("routers/leaf%20a", FindingsModel.RouterHref(bgp.Topology, "leaf a"));
        Assert.Null(FindingsModel.RouterHref(bgp.Topology, "gone"));
        Assert.Null(FindingsModel.RouterHref(bgp.Topology, null));
        Assert.Equal("nodes?router=rack-a", FindingsModel.RouterHref(layer2.Topology, "rack-a"));
    }

    [Fact]
    public void CheckedRules_OnePhrasePerRule()
    {
        Assert.Equal(FindingRules.All.Count, FindingsModel.CheckedRules.Distinct().Count());
        Assert.DoesNotContain(FindingsModel.CheckedRules, r => FindingRules.All.Contains(r));
    }
}
