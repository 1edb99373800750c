using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Benchmarks;

/// <summary>
/// Audit log append throughput (issue 4): begin + complete pairs per second on a real SQLite file (WAL), one writer,
/// after a warm-up. An end-to-end driver: whole runs are timed, medians reported.
/// </summary>
internal static class AuditAppendBenchmark
{
    public static async Task<int> RunAsync(int pairs, int runs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "openelb-audit-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var services = new ServiceCollection()
                .AddAuditLog(o => o.DatabasePath = Path.Combine(directory, "audit.db"))
                .BuildServiceProvider();
            await using var _ = services.ConfigureAwait(false);
            var log = services.GetRequiredService<SqliteAuditLog>();
            await log.InitializeAsync();
            await AppendAsync(log, 1000); // warm-up: JIT tiering, the first connection, first query plans
            var rates = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                await AppendAsync(log, pairs);
                var rate = pairs / watch.Elapsed.TotalSeconds;
                rates.Add(rate);
                Console.WriteLine($"run {run}: {pairs} begin+complete pairs in {watch.Elapsed.TotalMilliseconds:F0} ms = {rate:F0} pairs/s");
            }
            var sorted = rates.Order().ToArray();
            Console.WriteLine($"audit append: median {sorted[sorted.Length / 2]:F0} pairs/s (min {sorted[0]:F0}, max {sorted[^1]:F0}) over {runs} runs");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task AppendAsync(SqliteAuditLog log, int pairs)
    {
        for (var i = 0; i < pairs; i++)
        {
            var id = await log.BeginAsync(new AuditEntry
            {
                CorrelationId = Guid.NewGuid(),
                Step = 1,
                ActorUserName = "bench",
                Action = AuditAction.LabelNodes,
                TargetKind = "Node",
                TargetName = $"node-{i:D5}",
                RequestBody = """{"metadata":{"labels":{"openelb-speaker":"true"}}}""",
            });
            await log.CompleteAsync(id, new AuditCompletion(AuditOutcome.Succeeded, 200));
        }
    }
}
