using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Shared;

/// <summary>A clock the test moves by hand; every audit append stamps its current time.</summary>
public sealed class AuditTestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>
/// A real SQLite audit store in a temp directory, with a hand-moved clock (one minute per seeded entry) and seeding
/// helpers. Register it in a service collection, or use <see cref="StartAsync"/> for a store without a renderer.
/// </summary>
public sealed class AuditTestStore : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private ServiceProvider? _ownProvider;

    public AuditTestStore()
    {
        Directory = Path.Combine(Path.GetTempPath(), "openelb-audit-ui-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "audit.db");
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public AuditTestClock Clock { get; } = new(Start);

    /// <summary>Registers the store (and the clock as the <see cref="TimeProvider"/>); the last registration wins.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddAuditLog(o => o.DatabasePath = DatabasePath);
    }

    /// <summary>A migrated store on its own service provider.</summary>
    public static async Task<(AuditTestStore Store, SqliteAuditLog Log)> StartAsync()
    {
        var store = new AuditTestStore();
        var services = new ServiceCollection();
        store.Register(services);
        store._ownProvider = services.BuildServiceProvider();
        var log = store._ownProvider.GetRequiredService<SqliteAuditLog>();
        await log.InitializeAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return (store, log);
    }

    /// <summary>A succeeded label change (begin + complete), one minute after the previous entry.</summary>
    public async Task<long> SucceededAsync(
        SqliteAuditLog log,
        string actor = "alice",
        string node = "worker-1",
        AuditAction action = AuditAction.LabelNodes,
        Guid? correlation = null,
        int step = 1,
        AuditOutcome outcome = AuditOutcome.Succeeded)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        var id = await log.BeginAsync(Pending(actor, node, action, correlation, step)).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await log.CompleteAsync(id, new AuditCompletion(
            outcome,
            HttpStatus: outcome == AuditOutcome.Succeeded ? 200 : 409,
            Message: outcome == AuditOutcome.Succeeded ? "OK" : "the object has been modified",
            ApiAuditId: "4c1e2a9b-0000-4000-8000-0000000000aa",
            ResourceVersionAfter: "1002",
            AfterState: """{"labels":{"openelb-speaker":"true","openelb.kubesphere.io/rack":"rack-b"}}""",
            ObservedImpact: """{"speakersRunning":3}""")).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return id;
    }

    /// <summary>A drift entry (one append), one minute after the previous entry.</summary>
    public async Task<long> ObservedAsync(SqliteAuditLog log, string node = "worker-2", string fieldManager = "kubectl-label")
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        var entry = new AuditEntry
        {
            CorrelationId = Guid.NewGuid(),
            Step = 1,
            ActorUserName = "system:observer",
            Action = AuditAction.ObservedChange,
            TargetKind = "Node",
            TargetName = node,
            BeforeState = """{"labels":{"openelb-speaker":"true"}}""",
            AfterState = """{"labels":{"openelb-speaker":null}}""",
            FieldManager = fieldManager,
            Message = "label removed outside the dashboard",
        };
        return await log.RecordObservedAsync(entry).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public static AuditEntry Pending(string actor, string node, AuditAction action, Guid? correlation, int step) => new()
    {
        CorrelationId = correlation ?? Guid.NewGuid(),
        Step = step,
        ActorUserName = actor,
        ActorDisplayName = actor == "alice" ? "Alice Admin" : null,
        ActorAuthMethod = "oidc",
        ActorGroups = ["ops"],
        SourceIp = "10.0.0.7",
        UserAgent = "Mozilla/5.0",
        Action = action,
        TargetKind = "Node",
        TargetName = node,
        TargetUid = "6f1c0b3e-0000-4000-8000-000000000001",
        ResourceVersionBefore = "1001",
        RequestBody = """{"metadata":{"labels":{"openelb-speaker":"true","openelb.kubesphere.io/rack":"rack-b"}}}""",
        BeforeState = """{"labels":{"openelb.kubesphere.io/rack":"rack-a"}}""",
        DryRunResult = """{"status":"Success"}""",
        PredictedImpact = """{"speakersRunning":3}""",
    };

    /// <summary>Changes one column of one entry behind the store's back.</summary>
    public async Task TamperAsync(long id, string column, string value)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        // The column name comes from the test, never from input.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"UPDATE AuditEntries SET {column} = $value WHERE Id = $id;");
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownProvider is not null)
        {
            await _ownProvider.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
