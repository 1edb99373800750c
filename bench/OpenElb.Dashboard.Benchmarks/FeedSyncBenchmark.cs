using System.Diagnostics;
using System.Globalization;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Kubernetes.Watching;

namespace OpenElb.Dashboard.Benchmarks;

/// <summary>
/// Cold sync of the live feed against the simulator, side by side with kubectl fetching the same data from the same
/// simulator in the same run (issue 3): the feed from a new client to a complete snapshot, and kubectl's
/// <c>get nodes -o json</c> plus <c>get pods -A -l app=openelb,component=speaker -o json</c>. Also the feed's retained
/// managed memory per node. An end-to-end driver, not BenchmarkDotNet: it times whole runs and reports medians.
/// </summary>
internal static class FeedSyncBenchmark
{
    public static async Task<int> RunAsync(string scenario, int runs, bool smoke)
    {
        var directory = Path.Combine(Path.GetTempPath(), "openelb-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // The simulator runs as its own process (the built CLI), so the feed's memory and CPU are measured alone
            // and kubectl and the feed query exactly the same server.
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            var load = Stopwatch.StartNew();
            using var simulator = await StartSimulatorAsync(scenario, kubeconfig);
            Console.WriteLine($"simulator: scenario '{scenario}' serving after {load.Elapsed.TotalMilliseconds:F0} ms (process start, load, TLS set-up)");

            var feedTimes = new List<double>();
            var kubectlTimes = new List<double>();
            long bytesPerNode = 0;
            int nodes = 0, pods = 0;
            // Warm-up: the first of each pays for JIT and TLS session set-up; it is reported but not counted.
            for (var run = 0; run <= runs; run++)
            {
                var (feedMs, n, p) = await FeedColdSyncAsync(kubeconfig);
                var kubectlMs = await KubectlAsync(kubeconfig, directory);
                if (run == 0)
                {
                    Console.WriteLine($"warm-up: feed {feedMs:F0} ms, kubectl {kubectlMs:F0} ms");
                    continue;
                }
                feedTimes.Add(feedMs);
                kubectlTimes.Add(kubectlMs);
                (nodes, pods) = (n, p);
                Console.WriteLine($"run {run}: feed {feedMs:F0} ms, kubectl {kubectlMs:F0} ms");
            }
            bytesPerNode = nodes == 0 ? 0 : await FeedRetainedBytesAsync(kubeconfig) / nodes;
            Console.WriteLine($"nodes {nodes}, speaker pods {pods}");
            Console.WriteLine($"feed cold sync: median {Median(feedTimes):F0} ms (min {feedTimes.Min():F0}, max {feedTimes.Max():F0}) over {runs} runs");
            Console.WriteLine($"kubectl get nodes + speaker pods -o json: median {Median(kubectlTimes):F0} ms (min {kubectlTimes.Min():F0}, max {kubectlTimes.Max():F0})");
            Console.WriteLine($"feed retained managed memory: {bytesPerNode} bytes per node (watch records + current snapshot + client, after a full GC)");
            if (smoke && (nodes == 0 || pods == 0))
            {
                Console.Error.WriteLine("smoke: the feed synced no nodes or pods");
                return 1;
            }
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A running simulator process; disposing kills it, so it never outlives the benchmark.</summary>
    private sealed class SimulatorProcess(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            process.Dispose();
        }
    }

    private static async Task<SimulatorProcess> StartSimulatorAsync(string scenario, string kubeconfig)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "OpenElb.Dashboard.Simulator.dll"), "--scenario", scenario, "--port", "0", "--kubeconfig", kubeconfig])
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        var handle = new SimulatorProcess(process);
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"simulator: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // The CLI writes the kubeconfig only once it serves.
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(kubeconfig))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                handle.Dispose();
                throw new InvalidOperationException($"the simulator did not start serving (exit code {(process.HasExited ? process.ExitCode : -1)})");
            }
            await Task.Delay(50);
        }
        return handle;
    }

    private static async Task<(double Ms, int Nodes, int Pods)> FeedColdSyncAsync(string kubeconfig)
    {
        var watch = Stopwatch.StartNew();
        using var client = KubernetesClientFactory.Create(new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = kubeconfig });
        await using var feed = new KubernetesClusterState(client, TimeProvider.System);
        feed.Start();
        if (!await feed.WaitForSyncAsync(TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException("the feed did not sync within 2 minutes");
        }
        return (watch.Elapsed.TotalMilliseconds, feed.Current.Nodes.Count, feed.Current.SpeakerPods.Count);
    }

    /// <summary>
    /// The managed memory one synced feed keeps: the heap with a second synced feed alive minus the heap with only the
    /// first, so one-time costs (loaded types, serializer metadata caches, JIT) are already in both and cancel out.
    /// </summary>
    private static async Task<long> FeedRetainedBytesAsync(string kubeconfig)
    {
        var options = new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = kubeconfig };
        using var firstClient = KubernetesClientFactory.Create(options);
        await using var first = new KubernetesClusterState(firstClient, TimeProvider.System);
        first.Start();
        await first.WaitForSyncAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(500); // let the first feed's list buffers become garbage
        var withOne = GC.GetTotalMemory(forceFullCollection: true);
        using var secondClient = KubernetesClientFactory.Create(options);
        await using var second = new KubernetesClusterState(secondClient, TimeProvider.System);
        second.Start();
        await second.WaitForSyncAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(500);
        var withTwo = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(first);
        GC.KeepAlive(second);
        return withTwo - withOne;
    }

    private static async Task<double> KubectlAsync(string kubeconfig, string directory)
    {
        var watch = Stopwatch.StartNew();
        await RunKubectlAsync(kubeconfig, directory, "get", "nodes", "-o", "json");
        await RunKubectlAsync(kubeconfig, directory, "get", "pods", "-A", "-l", "app=openelb,component=speaker", "-o", "json");
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task RunKubectlAsync(string kubeconfig, string directory, params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--kubeconfig", kubeconfig, "--cache-dir=" + Path.Combine(directory, "cache"), .. args])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        // Drain both streams: kubectl's JSON for 5,000 nodes is megabytes and would block on a full pipe.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within 2 minutes");
        }
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed: {await error}");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Parses <c>--feed-sync [scenario] [runs]</c>.</summary>
    public static (string Scenario, int Runs) ParseArgs(string[] args)
    {
        var scenario = args.Length > 1 ? args[1] : "large";
        var runs = args.Length > 2 && int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 5;
        return (scenario, runs);
    }
}
