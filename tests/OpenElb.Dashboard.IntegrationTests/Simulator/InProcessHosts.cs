using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// Builds this test process's in-process hosts one at a time. While a <c>WebApplicationFactory</c> builds the dashboard,
/// its host resolver listens to every host built in the process (a process-wide DiagnosticListener) and takes the first
/// one it sees: a simulator host built at that moment by another test, or by another dashboard's demo mode, was taken
/// for the dashboard and given a test server (the simulator then had no address: "Sequence contains no elements"; the
/// factory a disposed container: ObjectDisposedException). Both were seen on clean-clone CI runs. Every host a test
/// builds must go through here, including plain ones such as the OIDC tests' fake provider and ObservedHostingTests'
/// generic host: built beside the gate, they brought the ObjectDisposedException back.
/// </summary>
internal static class InProcessHosts
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>Runs <paramref name="build"/> (a factory's host creation: build and start) alone.</summary>
    public static T Build<T>(Func<T> build)
    {
        s_gate.Wait();
        try
        {
            return build();
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary><see cref="SimulatorHost.StartAsync"/>, alone.</summary>
    public static async Task<SimulatorHost> StartSimulatorAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        await s_gate.WaitAsync(cancellationToken);
        try
        {
            return await SimulatorHost.StartAsync(options, cancellationToken);
        }
        finally
        {
            s_gate.Release();
        }
    }
}
