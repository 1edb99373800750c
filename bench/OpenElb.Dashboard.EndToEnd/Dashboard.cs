using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// The dashboard as a child process in Release, exactly as shipped (<c>dotnet OpenElb.Dashboard.dll</c>), on
/// 127.0.0.1 with port 0 (read from its "Now listening on" line), in Local sign-in mode (loopback is the admin), against
/// the simulator's kubeconfig.
/// </summary>
internal sealed class Dashboard : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly ChildProcess _process;

    private Dashboard(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    public long ResidentBytes() => _process.ResidentBytes();

    public string ResidentSplit() => _process.ResidentSplit();

    public string Tail() => _process.Tail();

    /// <summary>The built dashboard: src/OpenElb.Dashboard/bin/CONFIGURATION/net10.0/OpenElb.Dashboard.dll of this checkout.</summary>
    public static string FindDll()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent?.Name ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenElb.Dashboard.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "OpenElb.Dashboard", "bin", configuration, "net10.0", "OpenElb.Dashboard.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the dashboard first (dotnet build -c {configuration})", dll);
            }
        }
        throw new DirectoryNotFoundException("OpenElb.Dashboard.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Starts the process; returns once Kestrel listens (not once the feed has synced).</summary>
    public static async Task<Dashboard> StartAsync(string dll, string kubeconfig, string directory, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var process = ChildProcess.Start("dashboard", "dotnet", Path.GetDirectoryName(dll), environment, dll,
            "--urls", "http://127.0.0.1:0",
            "--Cluster:Mode", "Kubeconfig",
            "--Cluster:Kubeconfig", kubeconfig,
            // One audit log for every start: the first start creates it (a fresh install), later ones restart on it.
            "--Audit:DatabasePath", Path.Combine(directory, "audit.db"));
        try
        {
            var line = await process.WaitForLineAsync("Now listening on:", TimeSpan.FromMinutes(2));
            var url = line[(line.IndexOf("http://", StringComparison.Ordinal))..].Trim();
            return new Dashboard(process, new Uri(url));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until <c>/api/v1/topology</c> holds every node and router with the feed synced (every kind listed, speaker
    /// pods too): P1's "complete topology". Polls the light <c>/api/v1/nodes?limit=1</c> (a count and the feed's state)
    /// every 25 ms and reads the whole topology (~1 MB at 5,000 nodes) only once that says complete, so the observer
    /// does not serialize and parse a growing topology 40 times a second on the cores the start needs. Readiness also
    /// waits for the audit log, which opens after the feed: <see cref="WaitReadyAsync"/>.
    /// </summary>
    public async Task<Topology> WaitCompleteAsync(int nodes, int routers, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"the dashboard did not show {nodes} nodes and {routers} routers within {timeout.TotalSeconds:F0} s:\n{Tail()}");
            }
            try
            {
                var count = await Http.GetFromJsonAsync<NodeCount>(new Uri("/api/v1/nodes?limit=1", UriKind.Relative), s_json);
                if (count is { Total: var total, Feed.Synced: true } && total == nodes)
                {
                    var topology = await TopologyAsync();
                    if (topology.NodeCount == nodes && topology.Routers.Count == routers)
                    {
                        return topology;
                    }
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(25);
        }
    }

    /// <summary>Polls <c>/readyz</c> until 200 (feed synced and audit log open).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                using var ready = await Http.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"/readyz did not answer 200 within {timeout.TotalSeconds:F0} s:\n{Tail()}");
    }

    public async Task<Topology> TopologyAsync() =>
        await Http.GetFromJsonAsync<Topology>(new Uri("/api/v1/topology", UriKind.Relative), s_json) ?? throw new InvalidOperationException("no topology");

    /// <summary>POST /api/v1/changes/preview; returns its wall time and status.</summary>
    /// <summary>
    /// The cumulative buckets of <c>openelb_dashboard_hub_send_seconds</c> from <c>/metrics</c> (upper bound in seconds →
    /// count): the dashboard's own share of a change's latency, from its feed observing it to the hub's send.
    /// </summary>
    public async Task<SortedDictionary<double, long>> HubSendBucketsAsync()
    {
        var text = await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var buckets = new SortedDictionary<double, long>();
        const string Prefix = "openelb_dashboard_hub_send_seconds_bucket{le=\"";
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var close = line.IndexOf('"', Prefix.Length);
            var le = line[Prefix.Length..close];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, System.Globalization.CultureInfo.InvariantCulture);
            buckets[bound] = long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return buckets;
    }

    public async Task<(double Ms, HttpStatusCode Status)> PreviewAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var watch = Stopwatch.StartNew();
        using var response = await Http.PostAsync(new Uri("/api/v1/changes/preview", UriKind.Relative), content);
        await response.Content.ReadAsByteArrayAsync();
        return (watch.Elapsed.TotalMilliseconds, response.StatusCode);
    }

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose();
    }
}

/// <summary>The parts of <c>GET /api/v1/nodes</c> the driver reads while waiting for a complete topology.</summary>
internal sealed record NodeCount(int Total, FeedState Feed);

/// <summary>Whether every kind has completed its initial list.</summary>
internal sealed record FeedState(bool Synced);

/// <summary>The parts of <c>GET /api/v1/topology</c> the driver reads.</summary>
internal sealed record Topology(string GroupKind, IReadOnlyList<TopologyRouter> Routers, IReadOnlyList<string> UngroupedNodes, Summary Summary)
{
    public int NodeCount => Routers.SelectMany(static r => r.Nodes.Select(static n => n.Name)).Concat(UngroupedNodes).Distinct(StringComparer.Ordinal).Count();
}

internal sealed record TopologyRouter(string Name, string Kind, int SessionsEstablished, int SessionsExpected, IReadOnlyList<TopologyNode> Nodes);

internal sealed record TopologyNode(string Name);

/// <summary>The summary, as the API and the hub send it.</summary>
internal sealed record Summary(int RoutersOk, int RoutersDegraded, int RoutersCritical, int SpeakersReady, int SpeakersDesired, int SessionsEstablished, int SessionsExpected)
{
    /// <summary>What the wall shows under "Sessions up".</summary>
    public string SessionsText => $"{SessionsEstablished} / {SessionsExpected}";
}
