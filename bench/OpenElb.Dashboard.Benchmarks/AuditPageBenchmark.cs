using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Benchmarks;

/// <summary>
/// Audit log queries at scale (issue 4): builds a log of N entries (default 1,000,000) through the log's own append
/// path, 20,000 per transaction, so every row is what the log writes (hash chain, search index, indexes), then times
/// <see cref="SqliteAuditLog.QueryAsync"/> for realistic filters and <see cref="SqliteAuditLog.VerifyChainAsync"/>.
/// </summary>
/// <remarks>
/// The generated history: one entry every 30 s (a year per million), 40 operators (the first few far busier), one
/// auditor with a handful of entries, 5,000 nodes and the speaker DaemonSet as targets, wizard runs of 1–4 steps sharing a
/// correlation id, label/taint/placement patches as request bodies, 90 % succeeded, 4 % conflict, 2 % failed, 1 %
/// denied, 2 % observed drift (with a field manager), the newest 1 % still pending. A database path as second argument
/// is reused when it exists (and kept), so repeated runs skip the build.
/// </remarks>
internal static class AuditPageBenchmark
{
    private const int Repeats = 21;

    private static readonly DateTimeOffset s_start = new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(int entries, string? keepPath, bool smoke)
    {
        var directory = keepPath is null
            ? Path.Combine(Path.GetTempPath(), "openelb-audit-page-" + Guid.NewGuid().ToString("N"))
            : Path.GetDirectoryName(Path.GetFullPath(keepPath))!;
        Directory.CreateDirectory(directory);
        var path = keepPath ?? Path.Combine(directory, "audit.db");
        var clock = new SteppingClock(s_start, TimeSpan.FromSeconds(30));
        try
        {
            var services = new ServiceCollection()
                .AddSingleton<TimeProvider>(clock)
                .AddAuditLog(o => o.DatabasePath = path)
                .BuildServiceProvider();
            await using var servicesScope = services.ConfigureAwait(false);
            var log = services.GetRequiredService<SqliteAuditLog>();
            var existing = File.Exists(path);
            await log.InitializeAsync();
            if (!existing)
            {
                var build = Stopwatch.StartNew();
                await log.AppendBulkAsync(Generate(entries), batchSize: 20_000, CancellationToken.None);
                Console.WriteLine($"built {entries:N0} entries in {build.Elapsed.TotalSeconds:F1} s "
                    + $"({entries / build.Elapsed.TotalSeconds:N0} entries/s), file {new FileInfo(path).Length / 1048576.0:F0} MiB");
            }

            var total = (long)(await ScalarAsync(path, "SELECT COUNT(*) FROM AuditEntries;"))!;
            var end = s_start + TimeSpan.FromSeconds(30) * total;
            var correlation = Guid.Parse((string)(await ScalarAsync(path,
                $"SELECT CorrelationId FROM AuditEntries WHERE Step = 3 AND Id > {total / 2} ORDER BY Id LIMIT 1;"))!);
            var middleNode = $"worker-{2500:D4}";
            var cases = new (string Name, AuditQuery Query)[]
            {
                ("first page, no filter", new AuditQuery()),
                ("actor (busy operator, ~10 %)", new AuditQuery { Actor = "op-01" }),
                ("actor (auditor, ~0.01 %)", new AuditQuery { Actor = "auditor" }),
                ("action (restart speakers, ~1 %)", new AuditQuery { Action = AuditAction.RestartSpeakers }),
                ("target kind + name (one node, ~0.02 %)", new AuditQuery { TargetKind = "Node", TargetName = middleNode }),
                ("target kind (DaemonSet, ~5 %)", new AuditQuery { TargetKind = "DaemonSet" }),
                ("outcome (denied, ~1 %)", new AuditQuery { Outcome = AuditOutcome.Denied }),
                ("time range (one day, a month ago)", new AuditQuery { FromUtc = (end - TimeSpan.FromDays(31)).UtcDateTime, ToUtc = (end - TimeSpan.FromDays(30)).UtcDateTime }),
                ("time range (one day, the oldest)", new AuditQuery { FromUtc = s_start.UtcDateTime, ToUtc = (s_start + TimeSpan.FromDays(1)).UtcDateTime }),
                ("time range (last 90 days)", new AuditQuery { FromUtc = (end - TimeSpan.FromDays(90)).UtcDateTime }),
                ("actor + outcome + time range (a week)", new AuditQuery { Actor = "op-02", Outcome = AuditOutcome.Conflict, FromUtc = (end - TimeSpan.FromDays(60)).UtcDateTime, ToUtc = (end - TimeSpan.FromDays(53)).UtcDateTime }),
                ("correlation (one wizard run)", new AuditQuery { CorrelationId = correlation }),
                ("free text, common (\"openelb-speaker\")", new AuditQuery { Text = "openelb-speaker" }),
                ("free text, rare (one node's name)", new AuditQuery { Text = middleNode }),
                ("free text, rare + actor", new AuditQuery { Text = middleNode, Actor = "op-01" }),
                ("free text, no match (\"no-such-thing\")", new AuditQuery { Text = "no-such-thing" }),
                ("free text, 2 characters (LIKE scan, \"ß9\", no match)", new AuditQuery { Text = "ß9" }),
                ("deep keyset page (before id 1,000)", new AuditQuery { BeforeId = Math.Min(1000, total) }),
                ("deep keyset page, actor (before the middle)", new AuditQuery { Actor = "op-03", BeforeId = total / 2 }),
            };

            var failures = 0;
            Console.WriteLine($"| filter ({total:N0} entries, page of 50) | rows | median | min – max |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, query) in cases)
            {
                var first = await log.QueryAsync(query); // warm-up: statement and page cache
                if (!Matches(first, query))
                {
                    Console.Error.WriteLine($"audit page: FAILED {name}: a returned entry does not match the filter");
                    failures++;
                }

                var times = new List<double>();
                for (var i = 0; i < (smoke ? 1 : Repeats); i++)
                {
                    var watch = Stopwatch.StartNew();
                    await log.QueryAsync(query);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }

                var sorted = times.Order().ToArray();
                Console.WriteLine($"| {name} | {first.Items.Count} | {sorted[sorted.Length / 2]:F1} ms | {sorted[0]:F1} – {sorted[^1]:F1} ms |");
            }

            if ((await log.QueryAsync(new AuditQuery())).Items.Count != Math.Min(50, total)
                || (await log.QueryAsync(new AuditQuery { CorrelationId = correlation })).Items.Count == 0)
            {
                Console.Error.WriteLine("audit page: FAILED the first page or the wizard run is empty");
                failures++;
            }

            var before = GC.GetTotalMemory(forceFullCollection: true);
            var verifyWatch = Stopwatch.StartNew();
            var verification = await log.VerifyChainAsync();
            Console.WriteLine($"verify chain: {(verification.IsValid ? "valid" : "BROKEN " + verification.Reason)}, "
                + $"{verification.RecordsChecked:N0} records in {verifyWatch.Elapsed.TotalSeconds:F1} s; "
                + $"managed heap after {(GC.GetTotalMemory(false) - before) / 1048576.0:F1} MiB above before");
            if (!verification.IsValid)
            {
                failures++;
            }

            Console.WriteLine(failures == 0 ? "audit page: all queries ran" : $"audit page: {failures} check(s) failed");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (keepPath is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    // Every returned entry satisfies the exact-match parts of the filter (the text and time parts are the store's own).
    private static bool Matches(AuditPage page, AuditQuery q) => page.Items.All(e =>
        (q.Actor is null || e.ActorUserName == q.Actor)
        && (q.Action is null || e.Action == q.Action)
        && (q.TargetKind is null || e.TargetKind == q.TargetKind)
        && (q.TargetName is null || e.TargetName == q.TargetName)
        && (q.Outcome is null || e.Outcome == q.Outcome)
        && (q.CorrelationId is null || e.CorrelationId == q.CorrelationId)
        && (q.FromUtc is null || e.RequestedUtc >= q.FromUtc)
        && (q.ToUtc is null || e.RequestedUtc < q.ToUtc)
        && (q.BeforeId is null || e.Id < q.BeforeId)
        && (q.Text is null || Searchable(e).Any(f => f?.Contains(q.Text, StringComparison.OrdinalIgnoreCase) == true)));

    private static IEnumerable<string?> Searchable(AuditEntry e)
        => [e.ActorUserName, e.ActorDisplayName, e.TargetName, e.TargetNamespace, e.Message, e.RequestBody, e.FieldManager];

    private static IEnumerable<(AuditEntry, AuditCompletion?)> Generate(int count)
    {
        var random = new Random(4);
        var correlation = Guid.NewGuid();
        var stepsLeft = 0;
        var step = 0;
        for (var i = 0; i < count; i++)
        {
            if (stepsLeft == 0)
            {
                correlation = new Guid(random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16"));
                stepsLeft = random.Next(1, 5);
                step = 0;
            }

            stepsLeft--;
            step++;
            // Operators op-01..op-40 with a skew (op-01 ~10 %), a rare auditor.
            var roll = random.NextDouble();
            var actor = roll < 0.0001 ? "auditor" : $"op-{Math.Min(40, 1 + (int)(Math.Pow(random.NextDouble(), 2.2) * 40)):D2}";
            var node = $"worker-{random.Next(5000):D4}";
            var kindRoll = random.NextDouble();
            var (action, kind, ns, name, body) = kindRoll switch
            {
                < 0.01 => (AuditAction.RestartSpeakers, "Pod", "openelb-system", $"openelb-speaker-{random.Next(100000):x5}", (string?)null),
                < 0.06 => (AuditAction.SetSpeakerPlacement, "DaemonSet", "openelb-system", "openelb-speaker",
                    """{"spec":{"template":{"spec":{"nodeSelector":{"openelb-speaker":"true"}}}}}"""),
                < 0.40 => (AuditAction.TaintNodes, "Node", (string?)null, node,
                    "{\"spec\":{\"taints\":[{\"key\":\"openelb.kubesphere.io/drain\",\"value\":\"" + node + "\",\"effect\":\"NoSchedule\"}]}}"),
                _ => (AuditAction.LabelNodes, "Node", null, node,
                    "{\"metadata\":{\"labels\":{\"openelb-speaker\":\"true\",\"openelb.kubesphere.io/rack\":\"rack-" + node[^2..] + "\"}}}"),
            };
            var observed = random.NextDouble() < 0.02;
            var entry = new AuditEntry
            {
                CorrelationId = correlation,
                Step = step,
                ActorUserName = observed ? "system:unknown" : actor,
                ActorDisplayName = observed ? null : $"Operator {actor[3..]}",
                ActorAuthMethod = observed ? null : "oidc",
                ActorGroups = observed ? [] : ["ops", "network"],
                SourceIp = observed ? null : $"10.0.{random.Next(4)}.{random.Next(1, 250)}",
                UserAgent = observed ? null : "Mozilla/5.0 (X11; Linux x86_64)",
                Action = observed ? AuditAction.ObservedChange : action,
                TargetKind = kind,
                TargetNamespace = ns,
                TargetName = name,
                TargetUid = new Guid(random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16")).ToString(),
                ResourceVersionBefore = (100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                RequestBody = body,
                BeforeState = """{"labels":{"openelb-speaker":null}}""",
                PredictedImpact = observed ? null : """{"routersKeepingTwoSpeakers":125,"speakersLost":0}""",
                FieldManager = observed ? "kubectl-label" : null,
            };
            if (observed)
            {
                entry.Outcome = AuditOutcome.Pending;
                yield return (entry, new AuditCompletion(AuditOutcome.Observed, null, "changed outside the dashboard",
                    ResourceVersionAfter: (100001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    AfterState: """{"labels":{"openelb-speaker":"true"}}"""));
                continue;
            }

            var outcomeRoll = random.NextDouble();
            AuditCompletion? completion = i >= count - count / 100 ? null : outcomeRoll switch
            {
                < 0.04 => new AuditCompletion(AuditOutcome.Conflict, 409, "Operation cannot be fulfilled: the object has been modified"),
                < 0.06 => new AuditCompletion(AuditOutcome.Failed, 500, "etcdserver: request timed out"),
                < 0.07 => new AuditCompletion(AuditOutcome.Denied, 403, $"nodes \"{node}\" is forbidden: User \"{actor}\" cannot patch resource"),
                _ => new AuditCompletion(AuditOutcome.Succeeded, 200, "OK", Guid.NewGuid().ToString(),
                    (100001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), """{"labels":{"openelb-speaker":"true"}}"""),
            };
            yield return (entry, completion);
        }
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>A clock that moves a fixed step forward at every reading: one entry every 30 s.</summary>
    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private long _readings;

        public override DateTimeOffset GetUtcNow() => start + step * Interlocked.Increment(ref _readings);
    }
}
