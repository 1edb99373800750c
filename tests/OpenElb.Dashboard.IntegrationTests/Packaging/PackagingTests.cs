using OpenElb.Dashboard.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace OpenElb.Dashboard.IntegrationTests.Packaging;

/// <summary>
/// The container files say what the README promises: checked statically here (this machine has no Docker engine), every
/// path they copy exists and every setting they pass is one the app reads.
/// </summary>
public sealed class PackagingTests
{
    private static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OpenElb.Dashboard.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
        }
    }

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = File.OpenText(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)((YamlMappingNode)Compose()["services"])[name];

    private static string[] Items(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node[key]).Children.Select(static c => ((YamlScalarNode)c).Value!)];

    private static string Env(YamlMappingNode service, string key) => ((YamlScalarNode)((YamlMappingNode)service["environment"])[key]).Value!;

    [Fact]
    public void Compose_Dashboard_ReadOnlyKubeconfigDataVolumeAndLoopbackOnly()
    {
        var dashboard = Service("dashboard");

        var volumes = Items(dashboard, "volumes");
        Assert.Contains(volumes, static v => v.EndsWith(":/kube/config:ro", StringComparison.Ordinal));
        Assert.Contains(volumes, static v => v.EndsWith(":/data", StringComparison.Ordinal));
        Assert.All(Items(dashboard, "ports"), static p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
        Assert.True(Enum.TryParse<ClusterMode>(Env(dashboard, "Cluster__Mode"), out var mode) && mode == ClusterMode.Kubeconfig);
        Assert.Equal("/kube/config", Env(dashboard, "Cluster__Kubeconfig"));
    }

    [Fact]
    public void Compose_DemoProfile_RunsTheSimulatorsDemoScenarioWithNoCluster()
    {
        var demo = Service("demo");

        Assert.Equal(["demo"], Items(demo, "profiles"));
        Assert.True(Enum.TryParse<ClusterMode>(Env(demo, "Cluster__Mode"), out var mode) && mode == ClusterMode.Demo);
        Assert.True(File.Exists(Path.Combine(Root, "src", "OpenElb.Dashboard.Simulator", "scenarios", Env(demo, "Demo__Scenario") + ".yaml")));
        Assert.DoesNotContain(Items(demo, "volumes"), static v => v.Contains("kube", StringComparison.Ordinal));
        Assert.All(Items(demo, "ports"), static p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_MultiStageNonRootDataVolumeAndHealthCheck()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).Select(static l => l.Trim()).Where(static l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal(2, lines.Count(static l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        var runtime = lines.Skip(lines.FindLastIndex(static l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        Assert.Contains("USER app", runtime);
        Assert.DoesNotContain(runtime, static l => l is "USER root" or "USER 0");
        Assert.Contains("VOLUME /data", runtime);
        Assert.Contains(runtime, static l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && l.Contains("/healthz", StringComparison.Ordinal));
        Assert.Contains(runtime, static l => l.Contains("Audit__DatabasePath=/data/", StringComparison.Ordinal));
        // Every path the build stage copies or publishes exists.
        foreach (var copy in lines.Where(static l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1].Where(static s => !s.Contains('*', StringComparison.Ordinal));
            Assert.All(sources, s => Assert.True(File.Exists(Path.Combine(Root, s)) || Directory.Exists(Path.Combine(Root, s)), $"{s} (in: {copy})"));
        }
        var publish = lines.Single(static l => l.Contains("dotnet publish", StringComparison.Ordinal));
        var project = publish.Split(' ').Single(static w => w.EndsWith(".csproj", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Root, project)));
    }
}
