using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// One end-to-end run: P1 cold start beside kubectl, P6 previews, then with every client connected P4 memory per
/// client, P2 change-to-wall latency (simulator faults and kubectl writes), P3 a compressed soak and P5 a storm.
/// Timings are printed, never asserted; only functional failures (a client that never sees a change, a disconnect, a
/// dashboard that never completes) make the exit code non-zero.
/// </summary>
internal sealed class EndToEndRun(Options options)
{
    private static readonly TimeSpan s_changeTimeout = TimeSpan.FromSeconds(20);
    private readonly List<string> _failures = [];

    // How long to let the server settle before reading its RSS.
    private int Settle => options.Smoke ? 1000 : 3000;
    private readonly List<string> _summary = [];
    private readonly List<double> _observed = [];
    private readonly List<double> _simulatorWatch = [];

    public async Task<int> RunAsync()
    {
        Machine();
        var directory = Path.Combine(Path.GetTempPath(), "openelb-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var dll = options.DashboardDll ?? Dashboard.FindDll();
            var load = Stopwatch.StartNew();
            using var simulator = await Simulator.StartAsync(options.Scenario, directory);
            Console.WriteLine($"simulator: scenario '{options.Scenario}' serving after {load.Elapsed.TotalMilliseconds:F0} ms");
            var nodes = await simulator.CountAsync("nodes");
            var routers = await simulator.CountAsync("bgppeers.network.kubesphere.io");
            Console.WriteLine($"cluster: {nodes} nodes, {routers} BgpPeers (kubectl)");

            using var dashboard = await ColdStartsAsync(simulator, dll, directory, nodes, routers);
            await PreviewsAsync(dashboard);
            await WithClientsAsync(simulator, dashboard);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        Console.WriteLine();
        Console.WriteLine("== summary ==");
        foreach (var line in _summary)
        {
            Console.WriteLine(line);
        }
        foreach (var failure in _failures)
        {
            Console.Error.WriteLine($"end-to-end: FAILED {failure}");
        }
        Console.WriteLine(_failures.Count == 0 ? "end-to-end: done, no functional failure" : $"end-to-end: {_failures.Count} functional failure(s)");
        return _failures.Count == 0 ? 0 : 1;
    }

    private void Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim() : "?";
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {model ?? "?"}, MemTotal {memory}, load average {load}, .NET {Environment.Version}");
        Console.WriteLine($"command: {Environment.CommandLine}");
        foreach (var (key, value) in options.DashboardEnvironment)
        {
            Console.WriteLine($"dashboard environment: {key}={value}");
        }
    }

    private void Add(string line)
    {
        _summary.Add(line);
        Console.WriteLine(line);
    }

    private void Fail(string what)
    {
        _failures.Add(what);
        Console.Error.WriteLine($"FAILED: {what}");
    }

    // P1: process start to a topology holding every node and router (and, reported beside it, to /readyz 200, which also
    // waits for the audit log); kubectl get nodes,pods beside it.
    private async Task<Dashboard> ColdStartsAsync(Simulator simulator, string dll, string directory, int nodes, int routers)
    {
        var starts = new List<double>();
        var kubectl = new List<double>();
        var listen = new List<double>();
        var readiness = new List<double>();
        var floor = new List<double>();
        Dashboard? last = null;
        for (var run = 1; run <= options.Runs; run++)
        {
            last?.Dispose();
            var watch = Stopwatch.StartNew();
            var dashboard = await Dashboard.StartAsync(dll, simulator.Kubeconfig, directory, options.DashboardEnvironment);
            var listening = watch.Elapsed.TotalMilliseconds;
            listen.Add(listening);
            try
            {
                await dashboard.WaitCompleteAsync(nodes, routers, TimeSpan.FromMinutes(2));
            }
            catch
            {
                dashboard.Dispose();
                throw;
            }
            var complete = watch.Elapsed.TotalMilliseconds;
            starts.Add(complete);
            last = dashboard;
            await dashboard.WaitReadyAsync(TimeSpan.FromMinutes(2));
            var ready = watch.Elapsed.TotalMilliseconds;
            readiness.Add(ready);
            // kubectl while the dashboard idles (its feed is synced and quiet), so the two do not share the CPU.
            var (kubectlMs, _) = await simulator.KubectlAsync("get", "nodes,pods", "-A", "-o", "json");
            kubectl.Add(kubectlMs);
            // The floor: the same feed in a bare process (no web host), also while the dashboard idles.
            var (floorMs, floorLine) = await FeedOnly.MeasureAsync(simulator.Kubeconfig);
            floor.Add(floorMs);
            Console.WriteLine($"P1 run {run}: dashboard listening {listening:F0} ms, complete topology {complete:F0} ms, /readyz {ready:F0} ms (RSS {Stats.Mb(dashboard.ResidentBytes())}); kubectl get nodes,pods -A -o json {kubectlMs:F0} ms; feed alone {floorMs:F0} ms ({floorLine})");
        }
        Add($"P1 cold start -> complete topology ({nodes} nodes, {routers} routers): {Stats.Describe(starts)}");
        Add($"P1 of which process start -> Kestrel listening: {Stats.Describe(listen)}");
        Add($"P1 process start -> /readyz 200 (feed synced and audit log open): {Stats.Describe(readiness)}");
        if (starts.Count > 1)
        {
            Add($"P1 restarts only (runs 2..{starts.Count}, audit log already created): {Stats.Describe(starts.Skip(1).ToList())}");
        }
        Add($"P1 kubectl get nodes,pods -A -o json, same simulator: {Stats.Describe(kubectl)}");
        Add($"P1 floor: the dashboard's feed alone in a bare process (no web host), start -> synced: {Stats.Describe(floor)}");
        return last!;
    }

    // P6: the planner end to end through the Changes API on the live snapshot.
    private async Task PreviewsAsync(Dashboard dashboard)
    {
        if (options.Previews == 0)
        {
            return;
        }
        var topology = await dashboard.TopologyAsync();
        var two = topology.Routers.SelectMany(static r => r.Nodes).Select(static n => n.Name).Take(2).ToArray();
        var body = $$"""{"kind":"setNodeLabels","nodes":["{{two[0]}}","{{two[^1]}}"],"set":{"bench.openelb.io/e2e":"true"},"remove":[]}""";
        var times = new List<double>();
        for (var i = -2; i < options.Previews; i++)
        {
            var (ms, status) = await dashboard.PreviewAsync(body);
            if (status != HttpStatusCode.OK)
            {
                Fail($"preview answered {(int)status}");
                return;
            }
            if (i >= 0)
            {
                times.Add(ms);
            }
        }
        Add($"P6 POST /api/v1/changes/preview (label 2 nodes, whole plan on the live snapshot), HTTP end to end: {Stats.Describe(times)}");
    }

    private async Task WithClientsAsync(Simulator simulator, Dashboard dashboard)
    {
        await Task.Delay(Settle);
        var topology = await dashboard.TopologyAsync();
        var nodes = topology.NodeCount;
        var heapIdle = await SettledHeapAsync(dashboard);
        var idle = dashboard.ResidentBytes();
        Add($"P3 dashboard synced, no clients: RSS {Stats.Mb(idle)} ({dashboard.ResidentSplit()}), managed heap after a full GC {Stats.Mb(heapIdle)} ({heapIdle / Math.Max(1, nodes)} bytes per node, an upper bound: the whole heap / nodes)");

        var hubs = new List<HubClient>();
        BrowserClients? browser = null;
        try
        {
            for (var i = 0; i < options.HubClients; i++)
            {
                hubs.Add(await HubClient.ConnectAsync(dashboard.BaseAddress));
            }
            await Task.Delay(Settle);
            var heapHubs = await SettledHeapAsync(dashboard);
            var withHubs = dashboard.ResidentBytes();
            if (options.HubClients > 0)
            {
                Add($"P4 hub clients: {options.HubClients}, RSS {Stats.Mb(withHubs)} ({Stats.Kb((withHubs - idle) / (double)options.HubClients)} per client), heap {Stats.Mb(heapHubs)} ({Stats.Kb((heapHubs - heapIdle) / (double)options.HubClients)} per hub client after full GCs)");
            }
            var beforeBrowser = withHubs;
            var heapBeforeBrowser = heapHubs;
            if (options.Walls + options.Admins > 0)
            {
                browser = await BrowserClients.LaunchAsync();
                var heapFirstWall = await OpenAllAsync(options.Walls, () => browser.OpenWallAsync(dashboard.BaseAddress), dashboard);
                await Task.Delay(Settle);
                var heapWalls = await SettledHeapAsync(dashboard);
                var withWalls = dashboard.ResidentBytes();
                if (options.Walls > 0)
                {
                    Add($"P4 wall circuits (Chromium): {options.Walls}, RSS {Stats.Mb(withWalls)} ({Stats.Kb((withWalls - beforeBrowser) / (double)options.Walls)} per circuit), heap {Stats.Mb(heapWalls)} ({Stats.Kb((heapWalls - heapBeforeBrowser) / (double)options.Walls)} per wall circuit after full GCs){Further("wall", heapFirstWall, heapWalls, options.Walls)}");
                }
                var heapFirstAdmin = await OpenAllAsync(options.Admins, () => browser.OpenAdminAsync(dashboard.BaseAddress), dashboard);
                await Task.Delay(Settle);
                var heapAdmins = await SettledHeapAsync(dashboard);
                var withAdmins = dashboard.ResidentBytes();
                if (options.Admins > 0)
                {
                    Add($"P4 admin circuits (Chromium, overview): {options.Admins}, RSS {Stats.Mb(withAdmins)} ({Stats.Kb((withAdmins - withWalls) / (double)options.Admins)} per circuit), heap {Stats.Mb(heapAdmins)} ({Stats.Kb((heapAdmins - heapWalls) / (double)options.Admins)} per admin circuit after full GCs){Further("admin", heapFirstAdmin, heapAdmins, options.Admins)}");
                }
            }
            var allClients = dashboard.ResidentBytes();
            Add($"P3 dashboard RSS with every client connected ({options.HubClients} hub, {browser?.Walls ?? 0} wall, {browser?.Admins ?? 0} admin): {Stats.Mb(allClients)} ({dashboard.ResidentSplit()})");

            var flippable = topology.Routers.Where(static r => r.Kind == "bgp-peer" && r.SessionsEstablished > 0).ToList();
            if (flippable.Count == 0)
            {
                Fail("no BgpPeer with established sessions to flip");
                return;
            }
            var baseline = flippable.ToDictionary(static r => r.Name, static r => (r.SessionsEstablished, r.SessionsExpected), StringComparer.Ordinal);
            await LatencyAsync(simulator, dashboard, hubs, browser, flippable.Select(static r => r.Name).ToList(), baseline);
            await SoakAsync(simulator, dashboard, hubs, browser, flippable.Select(static r => r.Name).ToList());
            if (options.Storm)
            {
                await StormAsync(simulator, dashboard, hubs, browser, flippable.Select(static r => r.Name).ToList());
            }
            var closes = hubs.Sum(static h => h.UnexpectedCloses) + hubs.Count(static h => !h.Connected);
            var disturbed = browser is null ? 0 : await browser.DisturbedAsync();
            Add($"clients at the end: {closes} hub disconnects, {disturbed} Chromium pages that lost or reloaded their circuit");
            if (closes + disturbed > 0)
            {
                Fail($"{closes} hub and {disturbed} browser clients were disconnected");
            }
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }
        }
    }

    // P2: a change made at t0 (UTC ms, before the request) until every hub client received it and every wall rendered it.
    private async Task LatencyAsync(Simulator simulator, Dashboard dashboard, List<HubClient> hubs, BrowserClients? browser, List<string> routers, Dictionary<string, (int Established, int Expected)> baseline)
    {
        var hubLatency = new List<double>();
        var wallLatency = new List<double>();
        var allLatency = new List<double>();
        using var peers = simulator.WatchPeers();
        // One router down, then up; each timed alone: changes are kept apart (the hub throttles to one message per
        // TopologyBroadcaster.Interval, 200 ms), so none queues behind the previous one.
        async Task FlipAsync(string router, string label, List<double> hub, List<double> wall, List<double> all)
        {
            foreach (var down in (bool[])[true, false])
            {
                var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await simulator.FaultAsync((down ? "router-down/" : "router-up/") + router);
                var want = baseline[router];
                await MeasureAsync(hubs, browser, t0, m => Router(m, router) is { } r && (down ? r.SessionsEstablished == 0 : r.SessionsEstablished == want.Established),
                    $"{label}router {router} {(down ? "down" : "up")}", hub, wall, all, peers, router);
                await Task.Delay(1500);
            }
        }
        // Warm-up: the first change after start-up runs the change path cold (JIT, first renders of changed cards, first
        // messages); it is timed and printed but kept out of the figures, as any benchmark's warm-up is.
        if (options.Changes > 0)
        {
            List<double> warmHub = [], warmWall = [], warmAll = [];
            await FlipAsync(routers[^1], "warm-up: ", warmHub, warmWall, warmAll);
            Add($"P2 warm-up (first change after start, not counted below) -> the last of all walls: {string.Join(" / ", warmAll.Select(static v => $"{v:F0} ms"))}");
            _observed.Clear();
            _simulatorWatch.Clear();
        }
        var sendsBefore = await dashboard.HubSendBucketsAsync();
        for (var i = 0; i < options.Changes; i++)
        {
            await FlipAsync(routers[i % routers.Count], "", hubLatency, wallLatency, allLatency);
        }
        Add($"P2 simulator change -> hub client received ({hubs.Count} clients): {Stats.DescribeTail(hubLatency)}");
        Add($"P2 simulator change -> Chromium wall rendered ({browser?.Walls ?? 0} walls): {Stats.DescribeTail(wallLatency)}");
        Add($"P2 simulator change -> the last of all walls: {Stats.DescribeTail(allLatency)}");
        Add($"P2 simulator change -> dashboard feed observed it (the message's updatedAt): {Stats.DescribeTail(_observed)}");
        Add($"P2 simulator change -> the simulator's own watch event (a raw watch beside the dashboard's): {Stats.DescribeTail(_simulatorWatch)}");
        Add($"P2 simulator change: the dashboard's own share, feed observed -> hub sent to every connection (openelb_dashboard_hub_send_seconds): {DescribeBuckets(sendsBefore, await dashboard.HubSendBucketsAsync())}");
        _observed.Clear();

        var kubectlHub = new List<double>();
        var kubectlWall = new List<double>();
        var kubectlAll = new List<double>();
        for (var i = 0; i < options.KubectlChanges; i++)
        {
            var router = routers[(i + 1) % routers.Count];
            foreach (var adminDown in (bool[])[true, false])
            {
                var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await simulator.KubectlAsync("patch", "bgppeers.network.kubesphere.io", router, "--type", "merge",
                    "-p", adminDown ? """{"spec":{"conf":{"adminDown":true}}}""" : """{"spec":{"conf":{"adminDown":false}}}""");
                var want = baseline[router];
                await MeasureAsync(hubs, browser, t0,
                    m => Router(m, router) is { } r && (adminDown ? r.SessionsExpected == 0 : r.SessionsEstablished == want.Established && r.SessionsExpected == want.Expected),
                    $"kubectl adminDown={adminDown} on {router}", kubectlHub, kubectlWall, kubectlAll);
                await Task.Delay(1500);
            }
        }
        Add($"P2 kubectl write (process start) -> hub client received: {Stats.DescribeTail(kubectlHub)}");
        Add($"P2 kubectl write (process start) -> Chromium wall rendered: {Stats.DescribeTail(kubectlWall)}");
        Add($"P2 kubectl write -> the last of all walls: {Stats.DescribeTail(kubectlAll)}");
        Add($"P2 kubectl write -> dashboard feed observed it: {Stats.DescribeTail(_observed)}");
    }

    // Bucket-resolution quantiles of the histogram's growth between two scrapes.
    private static string DescribeBuckets(SortedDictionary<double, long> before, SortedDictionary<double, long> after)
    {
        var delta = after.ToDictionary(static kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
        var total = delta.GetValueOrDefault(double.PositiveInfinity);
        if (total == 0)
        {
            return "no messages";
        }
        string Quantile(double q) => delta.OrderBy(static kv => kv.Key).First(kv => kv.Value >= q * total).Key is var le && double.IsPositiveInfinity(le)
            ? "> 5 s" : $"≤ {le * 1000:F0} ms";
        return $"median {Quantile(0.5)}, p90 {Quantile(0.9)}, p99 {Quantile(0.99)} (n={total} messages; bucket bounds)";
    }

    // Opens count pages and returns the heap after a full GC with the first one open (0 when fewer than two): the
    // first page of a kind pays one-time costs (code, shared view data), so the pages after it are what a circuit costs.
    private async Task<long> OpenAllAsync(int count, Func<Task> open, Dashboard dashboard)
    {
        var heapFirst = 0L;
        for (var i = 0; i < count; i++)
        {
            await open();
            if (i == 0 && count > 1)
            {
                await Task.Delay(Settle);
                heapFirst = await SettledHeapAsync(dashboard);
            }
        }
        return heapFirst;
    }

    private static string Further(string kind, long heapFirst, long heapAll, int count) =>
        heapFirst > 0 && heapAll > 0 && count > 1
            ? $"; {Stats.Kb((heapAll - heapFirst) / (double)(count - 1))} per further {kind} circuit (after the first)"
            : "";

    // "before" is read after a quiet pause (workstation GC gives memory back when idle), the samples under load: growth
    // with the number of changes shows as the trend over the samples.
    private static string RssTrend(List<long> samples) =>
        samples.Count > 1 && samples.TrueForAll(static r => r > 0)
            ? string.Create(CultureInfo.InvariantCulture, $"; first -> last sample {(samples[^1] - samples[0]) * 100.0 / samples[0]:+0.0;-0.0} %")
            : "";

    private static Task<long> HeapAsync(Dashboard dashboard) => HeapProbe.HeapAfterFullGcAsync(dashboard.ProcessId, TimeSpan.FromSeconds(30));

    // P3/P4's heap: the smallest of three probes a second apart. One probe can land while the views and circuits hold an
    // extra version of the topology (~1.2 MB at 5,000 nodes, which each replaced one as the simulator's periodic status
    // pass arrives), which swung "per further circuit" by megabytes between otherwise equal runs.
    private static async Task<long> SettledHeapAsync(Dashboard dashboard)
    {
        var smallest = long.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            var heap = await HeapAsync(dashboard);
            if (heap > 0)
            {
                smallest = Math.Min(smallest, heap);
            }
        }
        return smallest == long.MaxValue ? -1 : smallest;
    }

    private static RouterSummary? Router(TopologyMessage message, string name) => message.Routers.FirstOrDefault(r => r.Name == name);

    private async Task MeasureAsync(List<HubClient> hubs, BrowserClients? browser, long t0, Func<TopologyMessage, bool> match, string what,
        List<double> hubLatency, List<double> wallLatency, List<double> allLatency, PeerWatch? peers = null, string? peer = null)
    {
        var deadline = Stopwatch.StartNew();
        Arrival?[] arrivals;
        while (true)
        {
            arrivals = hubs.Select(h => h.First(t0, match)).ToArray();
            if (arrivals.All(static a => a is not null) || deadline.Elapsed > s_changeTimeout)
            {
                break;
            }
            await Task.Delay(20);
        }
        var missing = arrivals.Count(static a => a is null);
        if (missing > 0)
        {
            Fail($"{what}: {missing} of {hubs.Count} hub clients never received it");
        }
        var latest = 0.0;
        if (arrivals.OfType<Arrival>().FirstOrDefault() is { } first)
        {
            // The message's UpdatedAt is when the dashboard's feed observed the change (the snapshot's time): the part of
            // the latency spent in the simulator, the watch and the feed; the rest is the view, the hub and the browser.
            _observed.Add(first.Message.UpdatedAt.ToUnixTimeMilliseconds() - t0);
        }
        foreach (var arrival in arrivals.OfType<Arrival>())
        {
            hubLatency.Add(arrival.AtMs - t0);
            latest = Math.Max(latest, arrival.AtMs - t0);
        }
        var text = arrivals.OfType<Arrival>().FirstOrDefault()?.Message.Summary.SessionsText;
        if (browser is not null && browser.Walls > 0 && text is not null)
        {
            long?[] shown;
            while (true)
            {
                shown = await browser.FirstShownAsync(t0, text);
                if (shown.All(static s => s is not null) || deadline.Elapsed > s_changeTimeout)
                {
                    break;
                }
                await Task.Delay(50);
            }
            var notShown = shown.Count(static s => s is null);
            if (notShown > 0)
            {
                Fail($"{what}: {notShown} of {shown.Length} Chromium walls never showed '{text}'");
            }
            foreach (var at in shown.OfType<long>())
            {
                wallLatency.Add(at - t0);
                latest = Math.Max(latest, at - t0);
            }
        }
        if (missing == 0)
        {
            allLatency.Add(latest);
        }
        var parts = "";
        if (peers is not null && peer is not null && peers.FirstModified(peer, t0) is { } watched)
        {
            _simulatorWatch.Add(watched - t0);
            parts = $", simulator's watch event {watched - t0} ms";
        }
        if (arrivals.OfType<Arrival>().FirstOrDefault() is { } observed)
        {
            parts += $", feed observed {observed.Message.UpdatedAt.ToUnixTimeMilliseconds() - t0} ms";
        }
        Console.WriteLine($"  {what}: all clients in {latest:F0} ms (hub median {Stats.Median(arrivals.OfType<Arrival>().Select(a => (double)(a.AtMs - t0)).ToArray()):F0} ms{parts})");
    }

    // P3: RSS before and after many changes, with every client connected (messages and renders flowing).
    private async Task SoakAsync(Simulator simulator, Dashboard dashboard, List<HubClient> hubs, BrowserClients? browser, List<string> routers)
    {
        if (options.Soak == 0)
        {
            return;
        }
        await TrimAsync(hubs, browser);
        await PauseAsync(dashboard, "before");
        var heapBefore = await HeapAsync(dashboard);
        var before = dashboard.ResidentBytes();
        var watch = Stopwatch.StartNew();
        var samples = new List<long>();
        // The heap after a full GC at each sample too: what is held at one moment swings by ~20 MB (pooled render
        // buffers, how many snapshot versions the views and circuits hold), so growth is read as a trend over the
        // samples, not only as after - before.
        var heapSamples = new List<long>();
        for (var i = 0; i < options.Soak; i++)
        {
            var router = routers[(i / 2) % routers.Count];
            await simulator.FaultAsync((i % 2 == 0 ? "router-down/" : "router-up/") + router);
            await Task.Delay(250);
            if ((i + 1) % Math.Max(1, options.Soak / 5) == 0)
            {
                await TrimAsync(hubs, browser);
                samples.Add(dashboard.ResidentBytes());
                heapSamples.Add(await HeapAsync(dashboard));
            }
        }
        await simulator.FaultAsync("clear");
        await Task.Delay(options.Smoke ? 1000 : 5000);
        await TrimAsync(hubs, browser);
        var heapAfter = await HeapAsync(dashboard);
        var after = dashboard.ResidentBytes();
        var growth = (after - before) * 100.0 / before;
        Add(string.Create(CultureInfo.InvariantCulture,
            $"P3 soak: managed heap after full GCs {Stats.Mb(heapBefore)} -> {Stats.Mb(heapAfter)} ({(heapAfter - heapBefore) * 100.0 / heapBefore:+0.0;-0.0} %)"));
        if (heapSamples.Count > 1 && heapSamples.TrueForAll(static h => h > 0))
        {
            Add(string.Create(CultureInfo.InvariantCulture,
                $"P3 soak: managed heap during the soak (every {Math.Max(1, options.Soak / 5)} changes) {string.Join(", ", heapSamples.Select(Stats.Mb))}; first -> last sample {(heapSamples[^1] - heapSamples[0]) * 100.0 / heapSamples[0]:+0.0;-0.0} %, spread {(heapSamples.Max() - heapSamples.Min()) * 100.0 / heapSamples.Min():F1} %"));
        }
        Add(string.Create(CultureInfo.InvariantCulture,
            $"P3 soak: {options.Soak} simulator changes in {watch.Elapsed.TotalSeconds:F0} s with every client connected: RSS {Stats.Mb(before)} -> {Stats.Mb(after)} ({growth:+0.0;-0.0} %), samples {string.Join(", ", samples.Select(Stats.Mb))}{RssTrend(samples)}"));
        await PauseAsync(dashboard, "after");
    }

    private async Task PauseAsync(Dashboard dashboard, string when)
    {
        if (options.PauseAroundSoak > 0)
        {
            Console.WriteLine($"paused {when} the soak for {options.PauseAroundSoak} s: dashboard pid {dashboard.ProcessId}");
            await Task.Delay(TimeSpan.FromSeconds(options.PauseAroundSoak));
        }
    }

    private static async Task TrimAsync(List<HubClient> hubs, BrowserClients? browser)
    {
        foreach (var hub in hubs)
        {
            hub.Trim();
        }
        if (browser is not null)
        {
            await browser.TrimAsync();
        }
    }

    // P5: every router down within 10 s (every session flips to ACTIVE), then every router up again; after each, the
    // time from the last change until every client shows what the API shows.
    private async Task StormAsync(Simulator simulator, Dashboard dashboard, List<HubClient> hubs, BrowserClients? browser, List<string> routers)
    {
        await Task.Delay(2000);
        var closesBefore = hubs.Sum(static h => h.UnexpectedCloses);
        foreach (var down in (bool[])[true, false])
        {
            // Spread over 8 s (2 s in the smoke run), the last change at the end of the window.
            var spacing = TimeSpan.FromMilliseconds((options.Smoke ? 2000.0 : 8000.0) / Math.Max(1, routers.Count - 1));
            var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var last = start;
            var pace = Stopwatch.StartNew();
            for (var i = 0; i < routers.Count; i++)
            {
                var next = spacing * i - pace.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next);
                }
                last = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await simulator.FaultAsync((down ? "router-down/" : "router-up/") + routers[i]);
            }
            // Consistent: every client shows the summary the API shows once the feed has the final state.
            var deadline = Stopwatch.StartNew();
            Summary? final = null;
            long?[] hubAt = [];
            long?[] wallAt = [];
            while (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                var topology = await dashboard.TopologyAsync();
                var settled = topology.Routers.Where(r => routers.Contains(r.Name)).All(r => down ? r.SessionsEstablished == 0 : r.SessionsEstablished > 0);
                if (settled)
                {
                    final = topology.Summary;
                    hubAt = hubs.Select(h => h.First(start, m => m.Summary == topology.Summary)?.AtMs).ToArray();
                    wallAt = browser is null ? [] : await browser.FirstShownAsync(start, topology.Summary.SessionsText);
                    if (hubAt.All(static a => a is not null) && wallAt.All(static a => a is not null))
                    {
                        break;
                    }
                }
                await Task.Delay(100);
            }
            var what = down ? "storm: every router down" : "storm: every router up";
            var spread = (last - start) / 1000.0;
            if (final is null || hubAt.Any(static a => a is null) || wallAt.Any(static a => a is null))
            {
                Fail($"{what}: not every client was consistent within 30 s of the last change");
                continue;
            }
            // From the last change's request (before it was sent) to the last client showing the final state.
            var consistent = hubAt.Concat(wallAt).Max(static a => a!.Value) - last;
            Add(string.Create(CultureInfo.InvariantCulture,
                $"P5 {what} ({routers.Count} routers in {spread:F1} s): every client consistent {consistent} ms after the last change (hub {hubAt.Max(static a => a!.Value) - last} ms, walls {(wallAt.Length == 0 ? "n/a" : (wallAt.Max(static a => a!.Value) - last).ToString(CultureInfo.InvariantCulture) + " ms")}); sessions {final.SessionsText}"));
        }
        var closes = hubs.Sum(static h => h.UnexpectedCloses) - closesBefore;
        var disturbed = browser is null ? 0 : await browser.DisturbedAsync();
        Add($"P5 storm disconnects: {closes} hub, {disturbed} Chromium pages");
    }
}
