using k8s;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>A simulator with the seed scenario on 127.0.0.1:0 and its kubeconfig in a temp directory; one per test class.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "openelb-sim-" + Guid.NewGuid().ToString("N"));

    public SimulatorHost Host { get; private set; } = null!;

    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    public async ValueTask InitializeAsync()
    {
        Host = await InProcessHosts.StartSimulatorAsync(new SimulatorOptions { Scenario = "seed", Port = 0, HistoryCapacity = 50 }, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);
        Host.WriteKubeconfig(KubeconfigPath);
    }

    /// <summary>A KubernetesClient built from the kubeconfig, as an independent client would.</summary>
    public k8s.Kubernetes CreateClient() =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);
}
