using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Scenarios;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary><see cref="ObjectStore.Select{T}"/>: a few fields of every object, read in place, as a full list would give them.</summary>
public sealed class ObjectStoreSelectTests
{
    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    private static string? NodeOf(JsonObject pod) => pod["spec"]?["nodeName"]?.GetValue<string>();

    [Fact]
    public void Select_PodsOnSomeNodes_SameOrderAsListAndNothingWritten()
    {
        var store = new ObjectStore();
        ScenarioLoader.Apply(ScenarioLoader.Load("demo"), store);
        var version = store.ResourceVersion;
        var some = store.List(ResourceCatalog.Nodes).Items.Take(3).Select(Name).ToHashSet(StringComparer.Ordinal);
        bool OnSome(JsonObject pod) => NodeOf(pod) is { } node && some.Contains(node);
        var listed = store.List(ResourceCatalog.Pods).Items.Where(OnSome).Select(Name).ToList();

        var selected = store.Select(ResourceCatalog.Pods, pod => OnSome(pod) ? Name(pod) : null);

        Assert.NotEmpty(listed);
        Assert.True(listed.Count < store.List(ResourceCatalog.Pods).Items.Count, "pods on the other nodes are skipped (the selector's null)");
        Assert.Equal(listed, selected);
        Assert.Equal(version, store.ResourceVersion);
    }

    [Fact]
    public void Select_NothingMatches_Empty()
    {
        var store = new ObjectStore();
        ScenarioLoader.Apply(ScenarioLoader.Load("demo"), store);

        Assert.Empty(store.Select<string>(ResourceCatalog.Pods, static _ => null));
    }
}
