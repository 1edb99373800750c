using System.Diagnostics;
using System.Globalization;
using OpenElb.Dashboard.Kubernetes;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// P1's floor: a bare process that only connects with the dashboard's own feed (KubernetesClient, the same mapping) and
/// waits until every kind has synced: no web host, no audit log, no views. The driver starts it cold, as a child of its
/// own (<c>--feed-only KUBECONFIG</c>), beside each dashboard start.
/// </summary>
internal static class FeedOnly
{
    public const string Argument = "--feed-only";
    public const string Marker = "feed-only synced";

    public static async Task<int> RunAsync(string kubeconfig)
    {
        var watch = Stopwatch.StartNew();
        await using var session = ClusterSession.Connect(new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = kubeconfig }, TimeProvider.System);
        var connected = watch.Elapsed.TotalMilliseconds;
        session.State.Start();
        while (!session.State.Health.IsSynced)
        {
            await Task.Delay(2);
        }
        var synced = watch.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Marker}: {session.State.Current.Nodes.Count} nodes; connect {connected:F0} ms, synced {synced:F0} ms after Main, CPU {Environment.CpuUsage.TotalTime.TotalMilliseconds:F0} ms"));
        // Stay until the driver has read the line and stops this process (an exit could race the line's delivery).
        await Task.Delay(TimeSpan.FromMinutes(2));
        return 0;
    }

    /// <summary>Starts the floor process cold and returns its wall time from start to synced, and what it printed.</summary>
    public static async Task<(double Ms, string Line)> MeasureAsync(string kubeconfig)
    {
        var watch = Stopwatch.StartNew();
        using var process = ChildProcess.Start("feed-only", "dotnet", null, Path.Combine(AppContext.BaseDirectory, "OpenElb.Dashboard.EndToEnd.dll"), Argument, kubeconfig);
        var line = await process.WaitForLineAsync(Marker, TimeSpan.FromMinutes(2));
        return (watch.Elapsed.TotalMilliseconds, line[line.IndexOf(Marker, StringComparison.Ordinal)..]);
    }
}
