using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

/// <summary>A temp directory for SQLite files, deleted (with every pooled connection closed) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("openelb-audit-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>A settable clock.</summary>
internal sealed class TestTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Stands in for the Kubernetes writer: counts calls and runs an optional check at the moment of the write.</summary>
internal sealed class TestClusterWriter(Func<long, Task>? onWrite = null)
{
    public int Calls { get; private set; }

    public async Task WriteAsync(long auditId)
    {
        Calls++;
        if (onWrite is not null)
        {
            await onWrite(auditId);
        }
    }
}

/// <summary>One dashboard instance's audit services (its own service provider and connection pool) on a file.</summary>
internal sealed class AuditHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    private AuditHarness(ServiceProvider services, string databasePath, TestTimeProvider time)
    {
        _services = services;
        DatabasePath = databasePath;
        Time = time;
        Log = services.GetRequiredService<SqliteAuditLog>();
    }

    public string DatabasePath { get; }

    public TestTimeProvider Time { get; }

    public SqliteAuditLog Log { get; }

    public static async Task<AuditHarness> StartAsync(
        string databasePath, TestTimeProvider? time = null, Action<AuditOptions>? configure = null, bool initialize = true)
    {
        var harness = Create(databasePath, time, configure);
        if (initialize)
        {
            await harness.Log.InitializeAsync().WaitAsync(Simulator.TestTimeouts.Default);
        }

        return harness;
    }

    public static AuditHarness Create(string databasePath, TestTimeProvider? time = null, Action<AuditOptions>? configure = null)
    {
        time ??= new TestTimeProvider(T0);
        var services = new ServiceCollection();
        // Registered first: AddAuditLog only TryAdds the system clock.
        services.AddSingleton<TimeProvider>(time);
        services.AddAuditLog(o =>
        {
            o.DatabasePath = databasePath;
            configure?.Invoke(o);
        });
        return new AuditHarness(services.BuildServiceProvider(), databasePath, time);
    }

    public async Task<long> BeginAsync(AuditEntry entry)
        => await Log.BeginAsync(entry).WaitAsync(Simulator.TestTimeouts.Default);

    public async Task CompleteAsync(long id, AuditOutcome outcome = AuditOutcome.Succeeded)
        => await Log.CompleteAsync(id, AuditEntries.Completion(outcome)).WaitAsync(Simulator.TestTimeouts.Default);

    public async Task<ChainVerification> VerifyAsync()
        => await Log.VerifyChainAsync().WaitAsync(Simulator.TestTimeouts.Default);

    public async Task<AuditEntry> GetAsync(long id)
    {
        var page = await Log.QueryAsync(new AuditQuery { BeforeId = id + 1, PageSize = 1 }).WaitAsync(Simulator.TestTimeouts.Default);
        var entry = Assert.Single(page.Items);
        Assert.Equal(id, entry.Id);
        return entry;
    }

    /// <summary>Raw SQL on the file through a separate, unpooled connection (as an attacker or another tool would).</summary>
    public static async Task<int> ExecuteSqlAsync(string databasePath, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string databasePath, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>Builders for entries with every field filled.</summary>
internal static class AuditEntries
{
    public static AuditEntry Pending(
        string actor = "alice",
        AuditAction action = AuditAction.LabelNodes,
        string targetName = "node1",
        Guid? correlationId = null,
        int step = 1) => new()
        {
            CorrelationId = correlationId ?? Guid.NewGuid(),
            Step = step,
            ActorUserName = actor,
            ActorDisplayName = "Alice Admin",
            ActorAuthMethod = "oidc",
            ActorGroups = ["ops", "network"],
            ImpersonatedUser = "system:serviceaccount:openelb:dashboard",
            SourceIp = "10.0.0.7",
            UserAgent = "Mozilla/5.0",
            Action = action,
            TargetKind = "Node",
            TargetNamespace = "default",
            TargetName = targetName,
            TargetUid = "6f1c0b3e-0000-4000-8000-000000000001",
            ResourceVersionBefore = "1001",
            RequestBody = """{"metadata":{"labels":{"openelb-speaker":"true"}}}""",
            BeforeState = """{"labels":{"openelb-speaker":null}}""",
            DryRunResult = """{"status":"ok"}""",
            PredictedImpact = """{"routersKeepingTwoSpeakers":3}""",
            FieldManager = "kubectl-label",
        };

    public static AuditCompletion Completion(AuditOutcome outcome = AuditOutcome.Succeeded) => new(
        outcome,
        HttpStatus: outcome == AuditOutcome.Succeeded ? 200 : 409,
        Message: outcome == AuditOutcome.Succeeded ? "OK" : "the object has been modified",
        ApiAuditId: "a2b1c3d4-0000-4000-8000-00000000000a",
        ResourceVersionAfter: "1002",
        AfterState: """{"labels":{"openelb-speaker":"true"}}""",
        ObservedImpact: """{"speakersRunning":2}""");
}
