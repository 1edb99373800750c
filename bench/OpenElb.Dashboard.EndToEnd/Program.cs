using System.Globalization;
using OpenElb.Dashboard.EndToEnd;

// The end-to-end driver of issue 9: the simulator and the dashboard as separate processes in Release, SignalR wall
// clients and real Chromium circuits, timed from outside. See BENCHMARKS.md ("End to end") and Options below.
if (args is [FeedOnly.Argument, var kubeconfig])
{
    return await FeedOnly.RunAsync(kubeconfig);
}
Options options;
try
{
    options = Options.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}
try
{
    return await new EndToEndRun(options).RunAsync();
}
#pragma warning disable CA1031 // The driver's last word: any failure is printed and makes the exit code non-zero.
catch (Exception e)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"end-to-end: FAILED {e}");
    return 1;
}

internal sealed record Options
{
    public const string Usage = """
        usage: OpenElb.Dashboard.EndToEnd [--smoke] [--scenario NAME] [--runs N] [--hub-clients N] [--walls N] [--admins N]
                                          [--changes N] [--kubectl-changes N] [--previews N] [--soak N] [--no-storm]
                                          [--pause-around-soak SECONDS] [--dashboard-dll PATH]
                                          [--dashboard-env NAME=VALUE]...
          --smoke              the demo scenario, 1 cold start, 2 hub clients, 1 Chromium wall, 1 change of each kind,
                               a short soak and storm; checks that everything works, asserts no timings
          --scenario NAME      simulator scenario (default large: 5,000 nodes, 125 routers)
          --runs N             cold starts of the dashboard (P1), each beside a kubectl run (default 5)
          --hub-clients N      SignalR /hubs/topology wall clients (default 50)
          --walls N            Chromium /wall pages, real Blazor circuits (default 5)
          --admins N           Chromium overview pages, real Blazor circuits (default 5)
          --changes N          simulator changes timed to every wall (P2), each a router down then up (default 10)
          --kubectl-changes N  kubectl writes timed to every wall (P2), adminDown on then off (default 5)
          --previews N         POST /api/v1/changes/preview on the live snapshot (P6, default 20)
          --soak N             changes in the compressed soak (P3, default 200)
          --no-storm           skip the storm (P5)
          --pause-around-soak S wait S seconds before and after the soak, printing the dashboard's pid (to take
                               a pair of heap dumps, e.g. with dotnet-gcdump, and compare them)
          --dashboard-dll PATH the dashboard to run (default: this checkout's build output, bin/CONFIGURATION/net10.0);
                               e.g. a `dotnet publish` output to measure what the container image ships
          --dashboard-env N=V  an environment variable for the dashboard process, e.g. DOTNET_gcServer=0 (repeatable)
        The driver also starts itself as `--feed-only KUBECONFIG` beside each cold start: P1's floor, the dashboard's
        feed alone in a bare process.
        """;

    public bool Help { get; init; }
    public bool Smoke { get; init; }
    public string Scenario { get; init; } = "large";
    public int Runs { get; init; } = 5;
    public int HubClients { get; init; } = 50;
    public int Walls { get; init; } = 5;
    public int Admins { get; init; } = 5;
    public int Changes { get; init; } = 10;
    public int KubectlChanges { get; init; } = 5;
    public int Previews { get; init; } = 20;
    public int Soak { get; init; } = 200;
    public bool Storm { get; init; } = true;
    public int PauseAroundSoak { get; init; }
    public string? DashboardDll { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> DashboardEnvironment { get; init; } = [];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        if (args.Contains("--smoke"))
        {
            o = o with { Smoke = true, Scenario = "demo", Runs = 1, HubClients = 2, Walls = 1, Admins = 0, Changes = 1, KubectlChanges = 1, Previews = 2, Soak = 4 };
        }
        for (var i = 0; i < args.Length; i++)
        {
            int Int() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n : throw new FormatException($"{args[i]} needs a number");
            o = args[i] switch
            {
                "--help" or "-h" => o with { Help = true },
                "--smoke" => o,
                "--scenario" when i + 1 < args.Length => o with { Scenario = args[++i] },
                "--runs" => o with { Runs = Math.Max(1, Int()) },
                "--hub-clients" => o with { HubClients = Int() },
                "--walls" => o with { Walls = Int() },
                "--admins" => o with { Admins = Int() },
                "--changes" => o with { Changes = Int() },
                "--kubectl-changes" => o with { KubectlChanges = Int() },
                "--previews" => o with { Previews = Int() },
                "--soak" => o with { Soak = Int() },
                "--no-storm" => o with { Storm = false },
                "--pause-around-soak" => o with { PauseAroundSoak = Int() },
                "--dashboard-dll" when i + 1 < args.Length => o with { DashboardDll = Path.GetFullPath(args[++i]) },
                "--dashboard-env" when i + 1 < args.Length && args[i + 1].IndexOf('=', StringComparison.Ordinal) > 0 =>
                    o with { DashboardEnvironment = [.. o.DashboardEnvironment, new(args[++i].Split('=', 2)[0], args[i].Split('=', 2)[1])] },
                _ => throw new FormatException($"unknown or incomplete argument '{args[i]}'"),
            };
        }
        return o;
    }
}
