using BenchmarkDotNet.Running;
using OpenElb.Dashboard.Benchmarks;

// --smoke: run every Core benchmark once on a tiny cluster and the feed-sync driver once on the seed scenario, checking
// results, not timings (./test.sh uses it so the benchmarks cannot rot).
// --feed-sync [scenario] [runs]: the end-to-end cold-sync driver (default: large, 5 runs).
// --audit-append [pairs]: audit log begin+complete throughput on a real SQLite file (default 1,000 pairs, 5 runs).
// Anything else goes to BenchmarkDotNet.
if (args is ["--smoke"])
{
    var core = Smoke.Run();
    var feed = await FeedSyncBenchmark.RunAsync("seed", runs: 1, smoke: true);
    return core != 0 ? core : feed;
}
if (args is ["--audit-append", ..])
{
    return await AuditAppendBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000, runs: 5);
}
if (args is ["--feed-sync", ..])
{
    var (scenario, runs) = FeedSyncBenchmark.ParseArgs(args);
    return await FeedSyncBenchmark.RunAsync(scenario, runs, smoke: false);
}
BenchmarkSwitcher.FromAssembly(typeof(CoreBenchmarks).Assembly).Run(args);
return 0;
