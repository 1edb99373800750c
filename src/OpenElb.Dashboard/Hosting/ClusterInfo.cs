using OpenElb.Dashboard.Kubernetes;

namespace OpenElb.Dashboard.Hosting;

/// <summary>What the dashboard is connected to, for banners and headers. Never holds credentials.</summary>
/// <param name="Mode">The mode actually in use (<see cref="ClusterMode.Demo"/> when Auto fell back to the simulator).</param>
/// <param name="Server">The API server's address, or <c>null</c> when not connected.</param>
/// <param name="Scenario">The simulator's scenario in demo mode.</param>
/// <param name="ConfigurationError">Why no cluster could be configured, in one sentence; <c>null</c> when connected.</param>
public sealed record ClusterInfo(ClusterMode Mode, string? Server, string? Scenario, string? ConfigurationError)
{
    /// <summary>Whether the cluster is the built-in simulator.</summary>
    public bool IsSimulated => Mode == ClusterMode.Demo;

    /// <summary>Before start-up.</summary>
    public static ClusterInfo NotStarted { get; } = new(ClusterMode.Auto, null, null, null);
}
