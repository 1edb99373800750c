using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Benchmarks;

/// <summary>
/// Audit log append throughput (issue 4): begin + complete pairs per second on a real SQLite file (WAL), one writer,
/// after a warm-up. An end-to-end driver: whole runs are timed, medians reported.
/// </summary>
/// <remarks>
/// Each run also times, on the same disk and right after the log's run, the floor under it: a bare SQLite loop with the
/// log's pragmas (WAL, synchronous=FULL) committing one small insert per transaction, two transactions per pair; and
/// the disk itself, a 4 KiB write plus fsync, two per pair. A pair is two commits because the write-ahead contract
/// needs the pending entry on disk before the cluster write and the outcome after it.
/// </remarks>
internal static class AuditAppendBenchmark
{
    public static async Task<int> RunAsync(int pairs, int runs, int warmup = 1000, int writers = 1)
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
            await AppendAsync(log, warmup); // warm-up: JIT tiering, the first connection, first query plans
            var floorPath = Path.Combine(directory, "floor.db");
            BareSqlitePairsPerSecond(floorPath, Math.Min(pairs, 100)); // warm-up
            var rates = new List<double>();
            var floors = new List<double>();
            var disks = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                // Each writer runs its pairs one after another (a wizard run); writers run at once (several admins).
                await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => AppendAsync(log, pairs / writers))));
                var elapsed = watch.Elapsed;
                var rate = pairs / writers * writers / elapsed.TotalSeconds;
                rates.Add(rate);
                floors.Add(BareSqlitePairsPerSecond(floorPath, pairs));
                disks.Add(FsyncPairsPerSecond(Path.Combine(directory, "fsync.bin"), pairs));
                Console.WriteLine($"run {run}: {pairs / writers * writers} begin+complete pairs by {writers} writer(s) in {elapsed.TotalMilliseconds:F0} ms = {rate:F0} pairs/s; "
                    + $"bare SQLite {floors[^1]:F0} pairs/s; write+fsync {disks[^1]:F0} pairs/s");
            }

            Console.WriteLine($"audit append, {writers} writer(s): {Summary(rates)} pairs/s over {runs} runs");
            Console.WriteLine($"bare SQLite insert+commit, WAL, synchronous=FULL, 2 commits per pair: {Summary(floors)} pairs/s");
            Console.WriteLine($"4 KiB write + fsync, 2 per pair: {Summary(disks)} pairs/s");
            Console.WriteLine($"synchronous: {Scalar(Path.Combine(directory, "audit.db"), "PRAGMA synchronous;")} on a new connection (2 = FULL)");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static string Summary(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return $"median {sorted[sorted.Length / 2]:F0} (min {sorted[0]:F0}, max {sorted[^1]:F0})";
    }

    // The same pragmas as the log's append connection; one transaction per insert, two per pair.
    private static double BareSqlitePairsPerSecond(string path, int pairs)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS Floor (Id INTEGER PRIMARY KEY, Body TEXT NOT NULL);
                """;
            setup.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO Floor (Body) VALUES ($body)";
        var body = insert.Parameters.AddWithValue("$body", "");
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 2 * pairs; i++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            insert.Transaction = transaction;
            body.Value = $"record {i}: {{\"metadata\":{{\"labels\":{{\"openelb-speaker\":\"true\"}}}}}}";
            insert.ExecuteNonQuery();
            transaction.Commit();
        }

        return pairs / watch.Elapsed.TotalSeconds;
    }

    private static double FsyncPairsPerSecond(string path, int pairs)
    {
        var block = new byte[4096];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 2 * pairs; i++)
        {
            file.Write(block);
            file.Flush(flushToDisk: true);
        }

        return pairs / watch.Elapsed.TotalSeconds;
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
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
