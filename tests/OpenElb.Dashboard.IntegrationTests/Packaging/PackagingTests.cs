using OpenElb.Dashboard.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace OpenElb.Dashboard.IntegrationTests.Packaging;

/// <summary>
/// The container files say what the README promises: checked statically here (this machine has no Docker engine), every
/// path they copy exists and every setting they pass is one the app reads; the compose file is also parsed and validated
/// by Debian's <c>docker-compose</c> (test.sh installs it; without it these tests fail rather than skip).
/// </summary>
public sealed class PackagingTests
{
    /// <summary>The repository root (where OpenElb.Dashboard.sln is).</summary>
    internal static string RepositoryRoot => Root;

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

    /// <summary><c>docker-compose config</c>: validates the file against Compose's schema and prints it resolved.</summary>
    private static async Task<YamlMappingNode> ComposeConfigAsync(params string[] options)
    {
        // A fixed kubeconfig path, so the resolved mount does not depend on the machine's HOME.
        var environment = new Dictionary<string, string> { ["KUBECONFIG_FILE"] = "/etc/openelb-test/kubeconfig" };
        var output = (await Tool.RunAsync("docker-compose", Root, environment, ["-f", "docker-compose.yml", .. options, "config"]))
            .EnsureSuccess("docker-compose");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Mapping(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    private static IEnumerable<string> Keys(YamlMappingNode node) => node.Children.Keys.Select(static k => ((YamlScalarNode)k).Value!);

    [Fact]
    public async Task ComposeConfig_ValidAndResolved_DashboardReadOnlyKubeconfigLoopbackAndReadSettings()
    {
        var config = await ComposeConfigAsync();

        var services = Mapping(config, "services");
        Assert.Equal(["dashboard", "demo"], Keys(services).Order(StringComparer.Ordinal));
        Assert.Equal(["dashboard-data", "demo-data"], Keys(Mapping(config, "volumes")).Order(StringComparer.Ordinal));
        var dashboard = Mapping(services, "dashboard");
        var volumes = Items(dashboard, "volumes");
        Assert.Contains("/etc/openelb-test/kubeconfig:/kube/config:ro", volumes);
        Assert.Contains(volumes, static v => v.StartsWith("dashboard-data:/data", StringComparison.Ordinal));
        foreach (var name in Keys(services))
        {
            var service = Mapping(services, name);
            Assert.All(Items(service, "ports"), static p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
            Assert.All(Keys(Mapping(service, "environment")), static v => Assert.Null(ConfigurationKeys.WhyNotRead(v)));
        }
        Assert.Equal("Kubeconfig", Env(dashboard, "Cluster__Mode"));
        Assert.Equal("/kube/config", Env(dashboard, "Cluster__Kubeconfig"));
    }

    [Fact]
    public async Task ComposeConfig_DemoProfile_AnonymousSimulatorWithoutKubeconfig()
    {
        var config = await ComposeConfigAsync("--profile", "demo");

        var demo = Mapping(Mapping(config, "services"), "demo");
        Assert.Equal(["demo"], Items(demo, "profiles"));
        Assert.Equal("Demo", Env(demo, "Cluster__Mode"));
        Assert.Equal("Anonymous", Env(demo, "Auth__Mode"));
        Assert.Contains(Env(demo, "Auth__Mode"), ConfigurationKeys.AuthModes);
        Assert.Equal(["demo-data:/data:rw"], Items(demo, "volumes"));
        Assert.All(Items(demo, "ports"), static p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComposeConfig_UnknownOption_Refused()
    {
        // The control for the two tests above: docker-compose really validates (a misspelt key fails `config`).
        var directory = Directory.CreateTempSubdirectory("openelb-compose-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "docker-compose.yml"), "services:\n  x:\n    image: a\n    portz: [\"1:1\"]\n", TestContext.Current.CancellationToken);

            var result = await Tool.RunAsync("docker-compose", directory.FullName, null, "-f", "docker-compose.yml", "config");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("portz", result.StdErr + result.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
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
        var words = publish.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var project = words.Single(static w => w.EndsWith(".csproj", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Root, project)));
        // The image ships ReadyToRun code (a cold start JITs far less: BENCHMARKS.md run J), which needs a target
        // architecture or runtime identifier on the same command.
        Assert.Contains("-p:PublishReadyToRun=true", words);
        Assert.True(words.Contains("-a") || words.Contains("-r") || words.Contains("--arch") || words.Contains("--runtime"), publish);
    }

    [Fact]
    public void Dashboard_BuiltForWorkstationGc()
    {
        // The dashboard's own runtimeconfig.json as built (copied here with its assembly): one GC heap, not one per core
        // (server GC kept 40-70 MB more RSS at 5,000 nodes on 2 cores: BENCHMARKS.md run K).
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "OpenElb.Dashboard.runtimeconfig.json")));

        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }
}
