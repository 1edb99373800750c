using System.Globalization;
using System.Runtime.InteropServices;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Hosting;
using OpenElb.Dashboard.Simulator.Scenarios;

const string Usage = """
    usage: OpenElb.Dashboard.Simulator [--scenario NAME|PATH] [--port N] [--kubeconfig FILE] [faults]
      --scenario NAME|PATH       a shipped scenario (seed, demo, large, legacy) or a scenario file; default seed
      --port N                   the port on 127.0.0.1; default 0 (any free port)
      --kubeconfig FILE          write a kubeconfig (with the bearer token) once serving
    faults at start (the same as POST /admin/faults/...; repeatable flags may be given several times):
      --refuse-connections SECONDS   abort every API connection for SECONDS after start
      --slow-responses MS            delay every API response by MS milliseconds
      --router-down PEER             the BgpPeer's router is down
      --crash-loop NODE              the node's speaker pod crash-loops
      --node-not-ready NODE          the node is NotReady
      --deny VERB:RESOURCE[.GROUP]   the token lacks this permission (403), e.g. patch:daemonsets.apps;
                                     impersonate:users / impersonate:groups refuse Impersonate-User / -Group
      --deny-user USER=VERB:RESOURCE[.GROUP]
                                     a user impersonated with Impersonate-User lacks this permission, e.g. alice=patch:nodes
    """;

var options = new SimulatorOptions();
string? kubeconfig = null;
int? refuseSeconds = null;
int? slowMilliseconds = null;
var routersDown = new List<string>();
var crashLoopNodes = new List<string>();
var notReadyNodes = new List<string>();
var denied = new List<ResourceAccess>();
var deniedByUser = new List<(string User, ResourceAccess Permission)>();
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--help" or "-h":
            Console.WriteLine(Usage);
            return 0;
        case "--scenario" when value is not null:
            options = options with { Scenario = value };
            i++;
            break;
        case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
            options = options with { Port = port };
            i++;
            break;
        case "--kubeconfig" when value is not null:
            kubeconfig = value;
            i++;
            break;
        case "--refuse-connections" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
            refuseSeconds = seconds;
            i++;
            break;
        case "--slow-responses" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms):
            slowMilliseconds = ms;
            i++;
            break;
        case "--router-down" when IsName(value):
            routersDown.Add(value!);
            i++;
            break;
        case "--crash-loop" when IsName(value):
            crashLoopNodes.Add(value!);
            i++;
            break;
        case "--node-not-ready" when IsName(value):
            notReadyNodes.Add(value!);
            i++;
            break;
        case "--deny" when ResourceAccess.TryParse(value, out var access):
            denied.Add(access.Value);
            i++;
            break;
        case "--deny-user" when value?.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals
                                && IsName(value[..equals]) && ResourceAccess.TryParse(value[(equals + 1)..], out var userAccess):
            deniedByUser.Add((value[..equals], userAccess.Value));
            i++;
            break;
        default:
            Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

using var stop = new CancellationTokenSource();
// The web host's console lifetime also listens for these signals, but it only stops Kestrel and then waits for Main
// to return; cancelling here is what lets Main dispose the host and exit.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

SimulatorHost host;
try
{
    host = await SimulatorHost.StartAsync(options, stop.Token);
}
catch (ScenarioException e)
{
    Console.Error.WriteLine($"scenario error: {e.Message}");
    return 1;
}
await using (host)
{
    // Set before the kubeconfig is written, so a client that waits for it never sees the simulator without its faults;
    // the controllers, already running, react to NotifyChanged.
    var faults = host.Faults;
    if (refuseSeconds is > 0)
    {
        faults.RefuseConnectionsUntil = options.TimeProvider.GetUtcNow().AddSeconds(refuseSeconds.Value);
    }
    faults.ResponseDelay = TimeSpan.FromMilliseconds(slowMilliseconds ?? 0);
    faults.RoutersDown = faults.RoutersDown.Union(routersDown);
    faults.CrashLoopNodes = faults.CrashLoopNodes.Union(crashLoopNodes);
    faults.NotReadyNodes = faults.NotReadyNodes.Union(notReadyNodes);
    faults.DeniedPermissions = faults.DeniedPermissions.Union(denied);
    foreach (var (user, permission) in deniedByUser)
    {
        faults.DenyUser(user, permission);
    }
    faults.NotifyChanged();
    if (kubeconfig is not null)
    {
        host.WriteKubeconfig(kubeconfig);
    }
    Console.WriteLine($"OpenELB cluster simulator: scenario '{host.Scenario.Name}' ({host.Scenario.Objects.Count} objects) on {host.BaseAddress}" +
        (kubeconfig is null ? "" : $", kubeconfig {kubeconfig}"));
    if (DescribeFaults() is { Length: > 0 } active)
    {
        Console.WriteLine($"faults: {active}");
    }
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C or SIGTERM: shut down cleanly.
    }
}
return 0;

// A Kubernetes object name: not empty, not another flag.
static bool IsName(string? value) => !string.IsNullOrWhiteSpace(value) && !value.StartsWith('-');

string DescribeFaults() => string.Join("; ", new[]
{
    refuseSeconds is > 0 ? $"refusing connections for {refuseSeconds} s" : null,
    slowMilliseconds is > 0 ? $"responses delayed {slowMilliseconds} ms" : null,
    routersDown.Count > 0 ? $"routers down: {string.Join(", ", routersDown)}" : null,
    crashLoopNodes.Count > 0 ? $"crash-looping speakers: {string.Join(", ", crashLoopNodes)}" : null,
    notReadyNodes.Count > 0 ? $"NotReady nodes: {string.Join(", ", notReadyNodes)}" : null,
    denied.Count > 0 ? $"denied: {string.Join(", ", denied)}" : null,
    deniedByUser.Count > 0 ? $"denied per user: {string.Join(", ", deniedByUser.Select(static d => $"{d.User}={d.Permission}"))}" : null,
}.Where(static d => d is not null));

void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
