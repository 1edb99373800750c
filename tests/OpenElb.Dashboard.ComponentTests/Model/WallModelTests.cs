using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class WallModelTests
{
    private static readonly DateTimeOffset s_now = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    // Racks rack-0..rack-(n-1), two nodes each with a router; rack-0 has no sessions, rack-1 one, the others two.
    internal static ClusterSnapshot Racks(int routers, long version = 1, int downInRack1 = 1)
    {
        var builder = new ClusterSnapshotBuilder().Version(version).ObservedAt(s_now);
        for (var r = 0; r < routers; r++)
        {
            builder.Node($"n{r}a", [(KnownLabels.Rack, $"rack-{r}")]).Node($"n{r}b", [(KnownLabels.Rack, $"rack-{r}")]);
        }
        builder.Speaker().BgpConf();
        for (var r = 0; r < routers; r++)
        {
            builder.RackPeer($"leaf-{r:D2}", $"10.0.{r}.1", $"rack-{r}").Pod($"n{r}a").Pod($"n{r}b");
            if (r == 1)
            {
                builder.Session($"leaf-{r:D2}", BgpSessionState.Established, downInRack1 >= 1 ? [$"n{r}a"] : [$"n{r}a", $"n{r}b"]);
                if (downInRack1 >= 1)
                {
                    builder.Session($"leaf-{r:D2}", BgpSessionState.Active, $"n{r}b");
                }
            }
            else if (r > 1)
            {
                builder.Session($"leaf-{r:D2}", BgpSessionState.Established, $"n{r}a", $"n{r}b");
            }
        }
        return builder.Build();
    }

    internal static DashboardView View(ClusterSnapshot snapshot, FeedHealth? health = null, long sequence = 1) =>
        DashboardView.Create(sequence, snapshot, health ?? TestClusterState.Synced(), FindingsOptions.Default, TopologyOptions.Default);

    private static WallModel NewModel(WallOptions? options = null) => new(options ?? new WallOptions(), KnownLabels.Rack);

    [Fact]
    public void Apply_Routers_OneTileEachWithStatusWordCountsAndNodeWords()
    {
        var model = NewModel();

        model.Apply(View(Racks(3)), s_now);

        Assert.Equal(["leaf-00", "leaf-01", "leaf-02"], model.Tiles.Select(static t => t.Name).ToArray());
        var critical = model.Tiles[0];
        Assert.Equal("CRITICAL", critical.StatusWord);
        Assert.Equal("0 / 2 sessions", critical.CountText);
        var degraded = model.Tiles[1];
        Assert.Equal("DEGRADED", degraded.StatusWord);
        Assert.Equal("1 / 2 sessions", degraded.CountText);
        Assert.Equal(("n1b", WallNodeState.Problem, "session down"), (degraded.Nodes[0].Name, degraded.Nodes[0].State, degraded.Nodes[0].Word));
        Assert.Equal(("n1a", WallNodeState.Ok, "up"), (degraded.Nodes[1].Name, degraded.Nodes[1].State, degraded.Nodes[1].Word));
        Assert.Equal("OK", model.Tiles[2].StatusWord);
        Assert.Equal("2 / 2 sessions", model.Tiles[2].CountText);
    }

    [Fact]
    public void Apply_SameView_EveryWallSharesOneNodeRowsStringPerTile()
    {
        // The rows are written once per view: a second wall on the same view holds the same string, not a copy (a wall
        // circuit's budget is 500 KB; as elements the rows cost each circuit ~1 MB of render-tree frames).
        var view = View(Racks(3));
        var first = NewModel();
        var second = NewModel();

        first.Apply(view, s_now);
        second.Apply(view, s_now);

        var rows = first.Tiles[1].NodesHtml.Value;
        Assert.Same(rows, second.Tiles[1].NodesHtml.Value);
        // What the page shows: problem rows first, each with its state and words; the names are encoded text.
        Assert.StartsWith("<li class=\"wall-node wall-node-problem\" data-node=\"n1b\" data-state=\"problem\">", rows, StringComparison.Ordinal);
        Assert.Contains("<span class=\"wall-node-name\">n1a</span><span class=\"wall-node-word\">up</span>", rows, StringComparison.Ordinal);
        Assert.Equal(2, rows.Split("<li ", StringSplitOptions.None).Length - 1);
    }

    [Theory]
    [InlineData(0, 12, 1)]
    [InlineData(1, 12, 1)]
    [InlineData(12, 12, 1)]
    [InlineData(13, 12, 2)]
    [InlineData(25, 12, 3)]
    [InlineData(5, 1, 5)]
    [InlineData(5, 0, 5)]
    public void Pages_TilesAndCapacity_CeilingAtLeastOne(int tiles, int capacity, int expected) =>
        Assert.Equal(expected, WallModel.Pages(tiles, capacity));

    [Theory]
    // 1920x1080 and 3840x2160 have the same size in rem (96 x 54): the tile area below header and footer.
    [InlineData(94, 36.5, 3, 3)]
    [InlineData(30, 10.5, 1, 1)]
    [InlineData(10, 5, 1, 1)]
    [InlineData(60.7, 21.7, 1, 1)]
    [InlineData(60.75, 21.75, 2, 2)]
    [InlineData(double.NaN, 10, 1, 1)]
    public void GridFor_Area_WholeTilesThatFit(double width, double height, int columns, int rows) =>
        Assert.Equal((columns, rows), WallModel.GridFor(width, height));

    [Fact]
    public void Tick_MoreTilesThanFit_TurnsPagesEveryPageSecondsAndWraps()
    {
        var model = NewModel(new WallOptions { PageSeconds = 10 });
        model.Apply(View(Racks(5)), s_now);
        model.Fit(61, 22.5, s_now); // 2 x 2

        Assert.Equal((0, 2, "page 1 of 2"), (model.PageIndex, model.PageCount, model.PageText));
        Assert.Equal(4, model.VisibleTiles.Count);
        Assert.False(model.Tick(s_now.AddSeconds(9)));
        Assert.True(model.Tick(s_now.AddSeconds(10)));
        Assert.Equal("page 2 of 2", model.PageText);
        Assert.Equal(["leaf-04"], model.VisibleTiles.Select(static t => t.Name).ToArray());
        Assert.False(model.Tick(s_now.AddSeconds(19)));
        Assert.True(model.Tick(s_now.AddSeconds(20)));
        Assert.Equal(0, model.PageIndex);
    }

    [Fact]
    public void Apply_FewerRoutersOnLaterPage_PageClampedToLast()
    {
        var model = NewModel(new WallOptions { PageSeconds = 1 });
        model.Apply(View(Racks(9)), s_now);
        model.Fit(61, 22.5, s_now);
        model.Tick(s_now.AddSeconds(1));
        model.Tick(s_now.AddSeconds(2));
        Assert.Equal(2, model.PageIndex);

        model.Apply(View(Racks(5, version: 2), sequence: 2), s_now.AddSeconds(2));

        Assert.Equal((1, 2), (model.PageIndex, model.PageCount));
        Assert.Single(model.VisibleTiles);
    }

    [Fact]
    public void Tick_AllFit_NeverTurns()
    {
        var model = NewModel(new WallOptions { PageSeconds = 1 });
        model.Apply(View(Racks(3)), s_now);

        Assert.False(model.Tick(s_now.AddMinutes(5)));
        Assert.Equal(1, model.PageCount);
    }

    [Theory]
    [InlineData(15, 14, false)]
    [InlineData(15, 15, false)]
    [InlineData(15, 16, true)]
    [InlineData(5, 6, true)]
    public void IsStale_StaleLongerThanThreshold_True(int threshold, int staleSeconds, bool expected)
    {
        var model = NewModel(new WallOptions { StaleOverlaySeconds = threshold });
        model.Apply(View(Racks(2), TestClusterState.Stale(s_now, "connection refused")), s_now);

        Assert.Equal(expected, model.IsStale(s_now.AddSeconds(staleSeconds)));
        Assert.Equal($"stale for {staleSeconds} s", model.AgeText(s_now.AddSeconds(staleSeconds)));
    }

    [Fact]
    public void IsStale_Synced_False()
    {
        var model = NewModel();
        model.Apply(View(Racks(2)), s_now);

        Assert.False(model.IsStale(s_now.AddHours(1)));
    }

    [Fact]
    public void SetAudit_MoreEntriesThanOptions_KeepsNewestFew()
    {
        var model = NewModel(new WallOptions { AuditEntries = 2 });
        AuditEntry Entry(long id) => new() { Id = id, Action = AuditAction.LabelNodes, TargetKind = "Node", TargetName = $"w{id}", ActorUserName = "alice", Outcome = AuditOutcome.Succeeded, RequestedUtc = s_now.UtcDateTime };

        model.SetAudit([Entry(9), Entry(8), Entry(7)]);

        Assert.Null(model.AuditUnavailable);
        Assert.Equal([9L, 8], model.Audit.Select(static r => r.Id).ToArray());
        Assert.Contains("Node/w9", model.Audit[0].Text, StringComparison.Ordinal);

        model.SetAuditUnavailable("disk I/O error");

        Assert.Empty(model.Audit);
        Assert.Equal("Audit log unavailable: disk I/O error", model.AuditUnavailable);
    }

    [Fact]
    public void Apply_Findings_MostSevereFirstAndAtMostConfigured()
    {
        var model = NewModel(new WallOptions { Findings = 2 });

        model.Apply(View(Racks(3)), s_now);

        Assert.Equal(2, model.Findings.Count);
        Assert.Equal(FindingSeverity.Critical, model.Findings[0].Finding.Severity);
        Assert.True(model.FindingCount >= 2);
    }

    // Compressed soak: weeks of updates are thousands of views; what the wall keeps must not grow with them.
    [Fact]
    public void Apply_ThousandsOfViews_RetainedStateStaysBounded()
    {
        var model = NewModel(new WallOptions { PageSeconds = 1, Findings = 4, AuditEntries = 4 });
        model.Fit(61, 22.5, s_now);
        var now = s_now;
        var maxTiles = 0;
        var maxRetained = 0;
        for (var i = 0; i < 5000; i++)
        {
            now = now.AddSeconds(1);
            // Alternate router sets and health so findings come and go and pages change.
            var routers = 5 + (i % 4);
            var health = i % 7 == 0 ? TestClusterState.Stale(now, "timeout") : TestClusterState.Synced();
            model.Apply(View(Racks(routers, version: i + 1, downInRack1: i % 2), health, i + 1), now);
            model.Tick(now);
            model.SetAudit([]);
            maxTiles = Math.Max(maxTiles, model.Tiles.Count);
            maxRetained = Math.Max(maxRetained, model.RetainedFindingTimes);
            Assert.True(model.RetainedFindingTimes <= model.FindingCount, "first-seen times outlive their findings");
            Assert.True(model.VisibleTiles.Count <= model.Capacity);
        }
        Assert.Equal(8, maxTiles);
        Assert.True(maxRetained <= 20, $"retained {maxRetained} first-seen times");
        Assert.True(model.Findings.Count <= 4);
    }
}
