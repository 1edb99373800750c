using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Feed;

public sealed class ClusterWriterTests
{
    private static string? StoredLabel(FeedHarness harness, string node, string key) =>
        harness.Host.Store.Get(ResourceCatalog.Nodes, null, node)!["metadata"]!["labels"]?[key]?.GetValue<string>();

    [Fact]
    public async Task Apply_SeedRecipe_LabelsThenRestrictsAndFeedSeesIt()
    {
        await using var harness = await FeedHarness.StartAsync();
        var snapshot = harness.Feed.Current;
        var plan = ChangePlanner.Plan(snapshot, CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", false, "node1", "node2"));

        var results = await new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: false, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(WriteOutcome.Succeeded, r.Outcome));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.AuditId)));
        Assert.Equal("true", StoredLabel(harness, "node1", "openelb-speaker"));
        var after = await harness.WaitForAsync(
            s => s.Speaker!.Placement.NodeSelector.GetValueOrDefault("openelb-speaker") == "true",
            "the new nodeSelector in the feed");
        Assert.Equal("linux", after.Speaker!.Placement.NodeSelector.GetValueOrDefault("kubernetes.io/os"));
    }

    [Fact]
    public async Task Apply_DryRun_SucceedsAndChangesNothing()
    {
        await using var harness = await FeedHarness.StartAsync();
        var before = harness.Host.Store.ResourceVersion;
        var plan = ChangePlanner.Plan(harness.Feed.Current, SetNodeLabels.Add("openelb-speaker", "true", "node1", "node2"));

        var results = await new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: true, CancellationToken.None);

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded && r.DryRun));
        Assert.Null(StoredLabel(harness, "node1", "openelb-speaker"));
        Assert.Equal(before, harness.Host.Store.ResourceVersion);
    }

    [Fact]
    public async Task Apply_NodeChangedSinceRead_ConflictAndLaterWritesSkipped()
    {
        await using var harness = await FeedHarness.StartAsync();
        var plan = ChangePlanner.Plan(
            harness.Feed.Current,
            SetNodeTaints.Adding(new Taint("openelb-speaker", "true", TaintEffect.NoSchedule), "node1", "node2"));
        // Another writer changes node1 after the plan read it: the guarded whole-list taint write must not overwrite it.
        harness.Host.Store.Mutate(ResourceCatalog.Nodes, null, "node1", node =>
        {
            node["metadata"]!["labels"]!["someone-else"] = "was-here";
            return node;
        });

        var results = await new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: false, CancellationToken.None);

        Assert.Equal([WriteOutcome.Conflict, WriteOutcome.Skipped], results.Select(r => r.Outcome));
        Assert.Equal(409, results[0].HttpStatus);
        Assert.False(string.IsNullOrEmpty(results[0].Message));
        Assert.Null(harness.Host.Store.Get(ResourceCatalog.Nodes, null, "node1")!["spec"]?["taints"]);
        Assert.Null(harness.Host.Store.Get(ResourceCatalog.Nodes, null, "node2")!["spec"]?["taints"]);
    }

    [Fact]
    public async Task Apply_RestartStep_DeletesSpeakerPod()
    {
        await using var harness = await FeedHarness.StartAsync();
        var pod = harness.Feed.Current.SpeakerPodsOn("node3")[0];
        var plan = ChangePlanner.Plan(harness.Feed.Current, new RestartSpeakers(EquatableArray.Create("node3")));

        var result = Assert.Single(await new ClusterWriter(harness.Client).ApplyAsync(plan, dryRun: false, CancellationToken.None));

        Assert.True(result.Succeeded);
        Assert.Null(harness.Host.Store.Get(ResourceCatalog.Pods, pod.Namespace, pod.Name));
    }
}
