using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Model;

/// <summary>Reuse goes through the newest tiles every wall shares (one static list), so no other test may compute tiles meanwhile.</summary>
[CollectionDefinition(nameof(WallRowsReuseTests), DisableParallelization = true)]
[Collection(nameof(WallRowsReuseTests))]
public sealed class WallRowsReuseTests
{
    private static readonly DateTimeOffset s_now = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static WallModel NewModel() => new(new Configuration.WallOptions(), KnownLabels.Rack);

    [Fact]
    public void Apply_NextView_UnchangedTilesKeepTheirRowsString()
    {
        // Views and circuits hold several versions at once; a tile whose rows did not change shares its string with the
        // version before, so only changed tiles cost new strings.
        var model = NewModel();
        model.Apply(WallModelTests.View(WallModelTests.Racks(3, version: 1, downInRack1: 1)), s_now);
        var before = model.Tiles.ToDictionary(static t => t.Name, static t => t.NodesHtml.Value, StringComparer.Ordinal);

        model.Apply(WallModelTests.View(WallModelTests.Racks(3, version: 2, downInRack1: 0), sequence: 2), s_now);

        var after = model.Tiles.ToDictionary(static t => t.Name, static t => t.NodesHtml.Value, StringComparer.Ordinal);
        Assert.Same(before["leaf-00"], after["leaf-00"]);
        Assert.Same(before["leaf-02"], after["leaf-02"]);
        Assert.NotEqual(before["leaf-01"], after["leaf-01"]);
        Assert.DoesNotContain("session down", after["leaf-01"], StringComparison.Ordinal);
    }
}
