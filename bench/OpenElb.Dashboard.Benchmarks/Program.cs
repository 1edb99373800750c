using BenchmarkDotNet.Running;
using OpenElb.Dashboard.Benchmarks;

// --smoke: run every Core benchmark once on a tiny cluster and the feed-sync driver once on the seed scenario, checking
// results, not timings (./test.sh uses it so the benchmarks cannot rot).
// --feed-sync [scenario] [runs]: the end-to-end cold-sync driver (default: large, 5 runs).
// --audit-append [pairs] [writers]: audit log begin+complete throughput on a real SQLite file (default 1,000 pairs, 1 writer, 5 runs).
// --audit-page [entries] [database]: audit queries on a log of N entries (default 1,000,000; a given database is reused).
// Anything else goes to BenchmarkDotNet.
if (args is ["--smoke"])
{
    var core = Smoke.Run();
    var feed = await FeedSyncBenchmark.RunAsync("seed", runs: 1, smoke: true);
    var auditAppend = await AuditAppendBenchmark.RunAsync(pairs: 20, runs: 1, warmup: 5, writers: 4);
    var auditPage = await AuditPageBenchmark.RunAsync(entries: 2_000, keepPath: null, smoke: true);
    return new[] { core, feed, auditAppend, auditPage }.FirstOrDefault(code => code != 0);
}
if (args is ["--audit-append", ..])
{
    return await AuditAppendBenchmark.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000,
        runs: 5,
        writers: args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1);
}
if (args is ["--audit-page", ..])
{
    return await AuditPageBenchmark.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
        keepPath: args.Length > 2 ? args[2] : null, smoke: false);
}
if (args is ["--feed-sync", ..])
{
    var (scenario, runs) = FeedSyncBenchmark.ParseArgs(args);
    return await FeedSyncBenchmark.RunAsync(scenario, runs, smoke: false);
}
BenchmarkSwitcher.FromAssembly(typeof(CoreBenchmarks).Assembly).Run(args);
return 0;
