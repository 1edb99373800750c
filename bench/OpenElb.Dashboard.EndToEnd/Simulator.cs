using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// The cluster simulator as its own process (the built CLI from this project's output), its kubeconfig, its fault
/// admin API (<c>/admin/faults</c>, same bearer token) and kubectl against it.
/// </summary>
internal sealed class Simulator : IDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;
    private readonly X509Certificate2 _ca;

    private Simulator(ChildProcess process, string kubeconfig, Uri server, string token, X509Certificate2 ca)
    {
        _process = process;
        Kubeconfig = kubeconfig;
        _ca = ca;
        var handler = new HttpClientHandler
        {
            // Trust exactly the simulator's self-signed certificate (the kubeconfig's certificate-authority-data).
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(_ca.RawData),
        };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string Kubeconfig { get; }

    public static async Task<Simulator> StartAsync(string scenario, string directory)
    {
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        var dll = Path.Combine(AppContext.BaseDirectory, "OpenElb.Dashboard.Simulator.dll");
        var process = ChildProcess.Start("simulator", "dotnet", null, dll, "--scenario", scenario, "--port", "0", "--kubeconfig", kubeconfig);
        try
        {
            // The CLI writes the kubeconfig only once it serves.
            var watch = Stopwatch.StartNew();
            while (!File.Exists(kubeconfig))
            {
                if (process.HasExited || watch.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new InvalidOperationException($"the simulator did not start serving:\n{process.Tail()}");
                }
                await Task.Delay(50);
            }
            var lines = await File.ReadAllLinesAsync(kubeconfig);
            string Value(string key) => lines.Select(l => l.Trim()).First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();
            var caPem = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(Value("certificate-authority-data")));
            var ca = X509Certificate2.CreateFromPem(caPem);
            return new Simulator(process, kubeconfig, new Uri(Value("server")), Value("token"), ca);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public long ResidentBytes() => _process.ResidentBytes();

    /// <summary>
    /// A raw watch on BgpPeers, independent of the dashboard: every MODIFIED event's peer name and arrival time (UTC ms).
    /// The simulator's own share of a change's latency (fault request → watch event) is read from it.
    /// </summary>
    public PeerWatch WatchPeers() => new(_http.BaseAddress!, _http.DefaultRequestHeaders.Authorization!, _ca);

    /// <summary>POST /admin/faults/{path}.</summary>
    public async Task FaultAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri("/admin/faults/" + path, UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs kubectl against the simulator; returns its wall time and stdout.</summary>
    public async Task<(double Ms, string Output)> KubectlAsync(params string[] args)
    {
        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--kubeconfig", Kubeconfig, "--cache-dir=" + Path.Combine(Path.GetDirectoryName(Kubeconfig)!, "kubectl-cache"), .. args])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        // Drain both streams: 5,000 nodes of JSON would block on a full pipe.
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
        var text = await output;
        var ms = watch.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed: {await error}");
        }
        return (ms, text);
    }

    /// <summary>How many items <c>kubectl get KIND -o json</c> lists.</summary>
    public async Task<int> CountAsync(string kind)
    {
        var (_, json) = await KubectlAsync("get", kind, "-A", "-o", "json");
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("items").GetArrayLength();
    }

    public void Dispose()
    {
        _http.Dispose();
        _ca.Dispose();
        _process.Dispose();
    }
}

/// <summary>See <see cref="Simulator.WatchPeers"/>.</summary>
internal sealed class PeerWatch : IDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(string Name, long AtMs)> _events = [];
    private readonly Task _loop;

    public PeerWatch(Uri server, AuthenticationHeaderValue authorization, X509Certificate2 ca)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(ca.RawData),
        };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = authorization;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>When the first MODIFIED event of <paramref name="peer"/> at or after <paramref name="t0"/> arrived, if one has.</summary>
    public long? FirstModified(string peer, long t0)
    {
        lock (_gate)
        {
            foreach (var (name, at) in _events)
            {
                if (at >= t0 && name == peer)
                {
                    return at;
                }
            }
        }
        return null;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri("/apis/network.kubesphere.io/v1alpha2/bgppeers?watch=true&timeoutSeconds=3600", UriKind.Relative),
                    HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    using var document = JsonDocument.Parse(line);
                    if (document.RootElement.GetProperty("type").GetString() == "MODIFIED")
                    {
                        var name = document.RootElement.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString() ?? "";
                        lock (_gate)
                        {
                            _events.Add((name, at));
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
            {
                await Task.Delay(200);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
        _http.Dispose();
    }
}
