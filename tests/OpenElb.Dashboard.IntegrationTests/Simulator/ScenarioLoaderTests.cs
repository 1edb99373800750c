using OpenElb.Dashboard.Simulator.Scenarios;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

public sealed class ScenarioLoaderTests
{
    [Fact]
    public void Apply_RunningPodWithoutStartTime_StartedWhenTheScenarioStarted()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var store = new ObjectStore(time: time);

        ScenarioLoader.Apply(ScenarioLoader.Load("seed"), store);

        var pods = store.List(ResourceCatalog.Pods, "openelb-system").Items;
        Assert.NotEmpty(pods);
        Assert.All(pods, static p => Assert.Equal("2026-11-30T08:00:00Z", p["status"]?["startTime"]?.ToString()));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Load_Seed_SixNodesSixSpeakersOnePeer()
    {
        var store = new ObjectStore();

        ScenarioLoader.Apply(ScenarioLoader.Load("seed"), store);

        Assert.Equal(6, store.List(ResourceCatalog.Nodes).Items.Count);
        Assert.Equal(6, store.List(ResourceCatalog.Pods, "openelb-system").Items.Count);
        Assert.Single(store.List(ResourceCatalog.BgpPeers).Items);
        Assert.NotNull(store.Get(ResourceCatalog.BgpConfs, null, "default"));
        Assert.Equal(3, store.List(ResourceCatalog.CustomResourceDefinitions).Items.Count);
    }

    [Fact]
    public void Parse_BadIndentation_FileLineAndReason()
    {
        var yaml = "kind: Scenario\nname: broken\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: a\n   labels: x\n";

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "broken.yaml"));

        Assert.Equal("broken.yaml", error.File);
        Assert.Equal(8, error.Line);
        Assert.StartsWith("broken.yaml:8:", error.Message);
    }

    [Fact]
    public void Parse_UnknownKind_LineOfThatManifest()
    {
        var yaml = "kind: Scenario\nname: x\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n";

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "x.yaml"));

        Assert.Equal(4, error.Line);
        Assert.Contains("unsupported kind 'Secret'", error.Reason);
    }
}
