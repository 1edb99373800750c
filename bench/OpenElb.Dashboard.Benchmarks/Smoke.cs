using OpenElb.Dashboard.Core.Changes;

namespace OpenElb.Dashboard.Benchmarks;

/// <summary>Runs each benchmark once on a small generated cluster and checks its result, without timing anything.</summary>
internal static class Smoke
{
    public static int Run()
    {
        var bench = new CoreBenchmarks { Nodes = 60, Routers = 6 };
        bench.Setup();
        var failures = new List<string>();
        Check(bench.Topology().Groups.Count == 6, "topology has 6 router groups", failures);
        Check(bench.Findings().All(f => f.RuleId != "router-no-session"), "no router without sessions in the generated cluster", failures);
        Check(bench.TopologyAndFindings().Count == bench.Findings().Count, "topology+findings agrees with findings", failures);
        var plan = bench.PlanRestrictSpeakers();
        Check(plan.IsValid && plan.Nodes.Count(n => n.Outcome == SpeakerOutcome.Loses) == 60 - 12, "restrict plan removes 48 speakers", failures);
        Check(!plan.DropsBelowMinimum(), "restrict plan keeps two speakers per router", failures);
        Check(bench.PlanLabelTwoNodes().Patches.Count == 2, "label plan patches two nodes", failures);
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"smoke: FAILED {failure}");
        }
        Console.WriteLine(failures.Count == 0 ? "smoke: all benchmarks ran" : $"smoke: {failures.Count} check(s) failed");
        return failures.Count == 0 ? 0 : 1;
    }

    private static void Check(bool condition, string what, List<string> failures)
    {
        if (!condition)
        {
            failures.Add(what);
        }
    }
}
