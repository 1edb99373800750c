using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;

namespace OpenElb.Dashboard.Hosting;

/// <summary>
/// Owns the process's one cluster connection: resolves <c>Cluster:Mode</c>, starts the built-in simulator in demo mode
/// (on a loopback port, reached over HTTPS through the same adapter as a real cluster), and starts the shared feed.
/// Registered first among the hosted services, so the feed exists before anything asks for it.
/// </summary>
public sealed partial class ClusterHost(
    IOptions<ClusterConnectionOptions> connection,
    IOptions<DemoOptions> demo,
    TimeProvider time,
    ILogger<ClusterHost> logger) : IHostedService, IAsyncDisposable
{
    private SimulatorHost? _simulator;
    private ClusterSession? _session;
    private string? _kubeconfigDirectory;
    private IClusterState? _state;

    /// <summary>What the dashboard is connected to.</summary>
    public ClusterInfo Info { get; internal set; } = ClusterInfo.NotStarted;

    /// <summary>The shared live feed (available once the host has started).</summary>
    public IClusterState State => _state ?? throw new InvalidOperationException("The cluster host has not started yet.");

    /// <summary>The cluster session, or <c>null</c> when no cluster could be configured.</summary>
    public ClusterSession? Session => _session;

    /// <summary>The simulator in demo mode (tests drive it), else <c>null</c>.</summary>
    public SimulatorHost? Simulator => _simulator;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = connection.Value;
        var mode = options.Mode;
        if (mode == ClusterMode.Auto && !KubernetesClientFactory.IsClusterConfigured() && options.Kubeconfig is null && options.Context is null)
        {
            mode = ClusterMode.Demo;
        }
        try
        {
            var session = mode == ClusterMode.Demo ? await StartDemoAsync(cancellationToken).ConfigureAwait(false) : Connect(options, mode);
            session.State.Start();
            _session = session;
            _state = session.State;
        }
        catch (ClusterConfigurationException ex)
        {
            // Start anyway: every page explains the problem instead of the process dying with a stack trace.
            LogConfigurationError(logger, ex.Message);
            Info = new ClusterInfo(mode, null, null, ex.Message);
            _state = new UnavailableClusterState(ex.Message, time.GetUtcNow());
        }
    }

    private ClusterSession Connect(ClusterConnectionOptions options, ClusterMode mode)
    {
        var session = ClusterSession.Connect(options, time);
        Info = new ClusterInfo(mode, session.Server, null, null);
        LogConnecting(logger, mode, session.Server);
        return session;
    }

    private async Task<ClusterSession> StartDemoAsync(CancellationToken cancellationToken)
    {
        var scenario = demo.Value.Scenario;
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Scenario = scenario, Port = 0 }, cancellationToken).ConfigureAwait(false);
        _kubeconfigDirectory = Path.Combine(Path.GetTempPath(), "openelb-dashboard-demo-" + Guid.NewGuid().ToString("N"));
        var directory = Directory.CreateDirectory(_kubeconfigDirectory);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
        var path = Path.Combine(_kubeconfigDirectory, "kubeconfig");
        _simulator.WriteKubeconfig(path);
        var session = ClusterSession.Connect(new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path }, time);
        Info = new ClusterInfo(ClusterMode.Demo, session.Server, scenario, null);
        LogDemo(logger, scenario, session.Server);
        return session;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync().ConfigureAwait(false);
        }
        if (_kubeconfigDirectory is not null)
        {
            try
            {
                Directory.Delete(_kubeconfigDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting to the cluster ({Mode}) at {Server}.")]
    private static partial void LogConnecting(ILogger logger, ClusterMode mode, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running on the built-in simulated cluster (scenario {Scenario}) at {Server}.")]
    private static partial void LogDemo(ILogger logger, string scenario, string server);

    [LoggerMessage(Level = LogLevel.Error, Message = "The cluster configuration is unusable: {Error}")]
    private static partial void LogConfigurationError(ILogger logger, string error);
}
