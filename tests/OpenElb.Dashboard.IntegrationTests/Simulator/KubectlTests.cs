using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>The seed guide's kubectl commands, run verbatim by the real kubectl against the seed scenario.</summary>
public sealed class KubectlTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private JsonObject DaemonSet() =>
        fixture.Host.Store.GetRequired(ResourceCatalog.DaemonSets, "openelb-system", "openelb-speaker");

    private JsonNode? PodSpec() => DaemonSet()["spec"]!["template"]!["spec"];

    private async Task<string> PatchFileAsync(string yaml)
    {
        var path = Path.Combine(Path.GetDirectoryName(fixture.KubeconfigPath)!, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    [Fact]
    public async Task LabelNode_SeedCommand_AddsLabelAndKeepsOthers()
    {
        (await Kubectl.RunAsync(fixture.KubeconfigPath, "label", "nodes", "node1", "openelb-speaker=true")).EnsureSuccess();

        var labels = fixture.Host.Store.GetRequired(ResourceCatalog.Nodes, null, "node1")["metadata"]!["labels"]!;
        Assert.Equal("true", labels["openelb-speaker"]!.GetValue<string>());
        Assert.Equal("linux", labels["kubernetes.io/os"]!.GetValue<string>());
    }

    [Fact]
    public async Task TaintNode_SeedCommand_StoresNoScheduleTaint()
    {
        (await Kubectl.RunAsync(fixture.KubeconfigPath, "taint", "nodes", "node2", "openelb-speaker=true:NoSchedule")).EnsureSuccess();

        var taints = fixture.Host.Store.GetRequired(ResourceCatalog.Nodes, null, "node2")["spec"]!["taints"]!.AsArray();
        var taint = Assert.Single(taints);
        Assert.Equal("openelb-speaker", taint!["key"]!.GetValue<string>());
        Assert.Equal("true", taint["value"]!.GetValue<string>());
        Assert.Equal("NoSchedule", taint["effect"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchDaemonSet_NodeSelectorFragment_MergesAndKeepsOsSelector()
    {
        var generation = DaemonSet()["metadata"]!["generation"]!.ToJsonString();
        var file = await PatchFileAsync(SeedGuide.NodeSelectorFragment);

        (await Kubectl.RunAsync(fixture.KubeconfigPath, "patch", "ds", "openelb-speaker", "-n", "openelb-system", "--patch-file", file)).EnsureSuccess();

        var selector = PodSpec()!["nodeSelector"]!;
        Assert.Equal("true", selector["openelb-speaker"]!.GetValue<string>());
        Assert.Equal("linux", selector["kubernetes.io/os"]!.GetValue<string>());
        Assert.NotEqual(generation, DaemonSet()["metadata"]!["generation"]!.ToJsonString());
    }

    [Fact]
    public async Task PatchDaemonSet_AffinityFragment_StoresRequiredNodeAffinity()
    {
        var file = await PatchFileAsync(SeedGuide.AffinityFragment);

        (await Kubectl.RunAsync(fixture.KubeconfigPath, "patch", "ds", "openelb-speaker", "-n", "openelb-system", "--patch-file", file)).EnsureSuccess();

        var terms = PodSpec()!["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]!.AsArray();
        var expression = Assert.Single(Assert.Single(terms)!["matchExpressions"]!.AsArray());
        Assert.Equal("openelb-speaker", expression!["key"]!.GetValue<string>());
        Assert.Equal("In", expression["operator"]!.GetValue<string>());
        Assert.Equal("true", Assert.Single(expression["values"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task PatchDaemonSet_TolerationsFragment_ReplacesShippedTolerationsWhole()
    {
        var file = await PatchFileAsync(SeedGuide.TolerationsFragment);

        (await Kubectl.RunAsync(fixture.KubeconfigPath, "patch", "ds", "openelb-speaker", "-n", "openelb-system", "--patch-file", file)).EnsureSuccess();

        // The list has no merge key: the master/control-plane tolerations of the manifest are gone (openelb-reference.md).
        var toleration = Assert.Single(PodSpec()!["tolerations"]!.AsArray());
        Assert.Equal("openelb-speaker", toleration!["key"]!.GetValue<string>());
        Assert.Equal("Equal", toleration["operator"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetDaemonSet_Json_ReturnsSpeakerDaemonSetAsStored()
    {
        var result = (await Kubectl.RunAsync(fixture.KubeconfigPath, "get", "ds", "-n", "openelb-system", "-o", "json")).EnsureSuccess();

        var list = JsonNode.Parse(result.StdOut)!;
        var ds = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal("openelb-speaker", ds["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("speaker", ds["metadata"]!["labels"]!["component"]!.GetValue<string>());
        Assert.True(ds["spec"]!["template"]!["spec"]!["hostNetwork"]!.GetValue<bool>());
        Assert.Equal("RollingUpdate", ds["spec"]!["updateStrategy"]!["type"]!.GetValue<string>());
    }
}
