using System.Text.Json.Nodes;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.IntegrationTests.Feed;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes.FieldManagers;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Observed;

/// <summary>The simulator's managedFields, as kubectl and the dashboard's own client see them over HTTP.</summary>
public sealed class ManagedFieldsTests
{
    private static JsonArray? Entries(FeedHarness harness, ResourceKind kind, string? ns, string name) =>
        harness.Host.Store.GetRequired(kind, ns, name)["metadata"]!["managedFields"] as JsonArray;

    private static JsonObject Entry(JsonArray? entries, string manager) =>
        Assert.Single(entries ?? [], e => e!["manager"]!.GetValue<string>() == manager)!.AsObject();

    [Fact]
    public async Task KubectlLabel_ShowManagedFields_KubectlReadsEntryBack()
    {
        await using var harness = await FeedHarness.StartAsync();

        (await Kubectl.RunAsync(harness.KubeconfigPath, "label", "node", "node1", "openelb-speaker=true")).EnsureSuccess();
        var yaml = (await Kubectl.RunAsync(harness.KubeconfigPath, "get", "node", "node1", "-o", "yaml", "--show-managed-fields")).EnsureSuccess().StdOut;
        var plain = (await Kubectl.RunAsync(harness.KubeconfigPath, "get", "node", "node1", "-o", "yaml")).EnsureSuccess().StdOut;

        Assert.Contains("manager: kubectl-label", yaml, StringComparison.Ordinal);
        Assert.Contains("f:openelb-speaker: {}", yaml, StringComparison.Ordinal);
        Assert.Contains("operation: Update", yaml, StringComparison.Ordinal);
        Assert.Contains("fieldsType: FieldsV1", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("managedFields", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlTaintThenLabel_TwoManagers_EachOwnsItsField()
    {
        await using var harness = await FeedHarness.StartAsync();

        (await Kubectl.RunAsync(harness.KubeconfigPath, "taint", "node", "node2", "a=b:NoSchedule")).EnsureSuccess();
        (await Kubectl.RunAsync(harness.KubeconfigPath, "label", "node", "node2", "openelb-speaker=true")).EnsureSuccess();

        var entries = Entries(harness, ResourceCatalog.Nodes, null, "node2");
        var taint = Entry(entries, KnownFieldManagers.KubectlTaint);
        Assert.Equal("""{"f:spec":{"f:taints":{}}}""", taint["fieldsV1"]!.ToJsonString());
        Assert.Equal("v1", taint["apiVersion"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(taint["time"]!.GetValue<string>(), out _));
        var label = Entry(entries, KnownFieldManagers.KubectlLabel);
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:openelb-speaker":{}}}}""", label["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public async Task ClusterWriter_OverwritesKubectlLabel_OwnershipMovesToDashboard()
    {
        await using var harness = await FeedHarness.StartAsync();
        (await Kubectl.RunAsync(harness.KubeconfigPath, "label", "node", "node3", "openelb-speaker=true", "example.com/other=x")).EnsureSuccess();
        var patch = new PlannedPatch(0, new ObjectRef("Node", null, "node3"), PatchKind.MergePatch, """{"metadata":{"labels":{"openelb-speaker":"false"}}}""", null, "relabel");

        Assert.True((await new ClusterWriter(harness.Client).WriteAsync(patch, dryRun: false, TestContext.Current.CancellationToken)).Succeeded);

        var entries = Entries(harness, ResourceCatalog.Nodes, null, "node3");
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:openelb-speaker":{}}}}""", Entry(entries, KnownFieldManagers.Dashboard)["fieldsV1"]!.ToJsonString());
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:example.com/other":{}}}}""", Entry(entries, KnownFieldManagers.KubectlLabel)["fieldsV1"]!.ToJsonString());
        var lookup = new KubernetesFieldManagerLookup(harness.Client);
        Assert.Equal(KnownFieldManagers.Dashboard, await lookup.FindManagerAsync(new ObjectRef("Node", null, "node3"), "metadata.labels[openelb-speaker]", TestContext.Current.CancellationToken));
        Assert.Equal(KnownFieldManagers.KubectlLabel, await lookup.FindManagerAsync(new ObjectRef("Node", null, "node3"), "metadata.labels[example.com/other]", TestContext.Current.CancellationToken));
        Assert.Null(await lookup.FindManagerAsync(new ObjectRef("Node", null, "node3"), "spec.taints", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task KubectlLabel_RemoveOnlyOwnedLabel_EntryDisappears()
    {
        await using var harness = await FeedHarness.StartAsync();
        (await Kubectl.RunAsync(harness.KubeconfigPath, "label", "node", "node4", "openelb-speaker=true")).EnsureSuccess();

        (await Kubectl.RunAsync(harness.KubeconfigPath, "label", "node", "node4", "openelb-speaker-")).EnsureSuccess();

        Assert.Null(Entries(harness, ResourceCatalog.Nodes, null, "node4"));
    }

    [Fact]
    public async Task KubectlPatch_DaemonSet_LookupNamesPatchManager()
    {
        await using var harness = await FeedHarness.StartAsync();

        (await Kubectl.RunAsync(harness.KubeconfigPath, "patch", "ds", "openelb-speaker", "-n", "openelb-system", "--patch-file", await WriteAsync(harness, SeedGuide.TolerationsFragment))).EnsureSuccess();

        var lookup = new KubernetesFieldManagerLookup(harness.Client);
        var ds = new ObjectRef("DaemonSet", "openelb-system", "openelb-speaker");
        Assert.Equal(KnownFieldManagers.KubectlPatch, await lookup.FindManagerAsync(ds, "spec.template.spec.tolerations", TestContext.Current.CancellationToken));
        Assert.Null(await lookup.FindManagerAsync(ds, "spec.template.spec.nodeSelector", TestContext.Current.CancellationToken));
        Assert.Null(await lookup.FindManagerAsync(new ObjectRef("Node", null, "no-such-node"), "spec.taints", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ScenarioAndControllerWrites_NoManager_KeepNoManagedFields()
    {
        // 5,000 nodes: scenario loading and the simulator's own (status) writes must not grow objects.
        await using var harness = await FeedHarness.StartAsync();
        var peer = harness.Host.Store.List(ResourceCatalog.BgpPeers).Items[0];

        Assert.Null(peer["metadata"]!["managedFields"]);
        Assert.All(harness.Host.Store.List(ResourceCatalog.Nodes).Items, n => Assert.Null(n["metadata"]!["managedFields"]));
    }

    private static async Task<string> WriteAsync(FeedHarness harness, string yaml)
    {
        var path = Path.Combine(Path.GetDirectoryName(harness.KubeconfigPath)!, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(path, yaml, TestContext.Current.CancellationToken);
        return path;
    }
}
