using System.Globalization;
using System.Runtime.InteropServices;
using OpenElb.Dashboard.Simulator;
using OpenElb.Dashboard.Simulator.Hosting;
using OpenElb.Dashboard.Simulator.Scenarios;

// Usage: --scenario NAME|PATH --port N --kubeconfig FILE
var options = new SimulatorOptions();
string? kubeconfig = null;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
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
        default:
            Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'; usage: --scenario NAME|PATH --port N --kubeconfig FILE");
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
    if (kubeconfig is not null)
    {
        host.WriteKubeconfig(kubeconfig);
    }
    Console.WriteLine($"OpenELB cluster simulator: scenario '{host.Scenario.Name}' ({host.Scenario.Objects.Count} objects) on {host.BaseAddress}" +
        (kubeconfig is null ? "" : $", kubeconfig {kubeconfig}"));
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

void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
