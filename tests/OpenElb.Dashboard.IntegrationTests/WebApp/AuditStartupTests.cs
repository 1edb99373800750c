using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;
using static OpenElb.Dashboard.IntegrationTests.WebApp.ReadApiTests;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>
/// The audit store opens in the background of start-up (issue 9, P1): the app serves meanwhile, readiness and the
/// status say "initializing", and a change waits for the migrations instead of writing before them. The store is held
/// "opening" by another connection's write lock on the file (the migrations wait for it up to the busy timeout).
/// </summary>
public sealed class AuditStartupTests
{
    [Fact]
    public async Task WhileTheStoreOpens_TheAppServes_ReadinessSaysSo_AndAChangeWaitsForTheMigrations()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Audit:BusyTimeout"] = "00:01:00",
        });
        // Another writer holds the new file's write lock: the migrations block on it.
        var blocker = new SqliteConnection($"Data Source={Path.Combine(app.Directory, "audit.db")};Pooling=False");
        await using (blocker)
        {
            await blocker.OpenAsync(ct);
            await ExecuteAsync(blocker, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE; CREATE TABLE Blocker (Id INTEGER);");

            await app.WaitForSyncAsync(audit: false);
            var status = app.Services.GetRequiredService<AuditStatus>();
            using var client = app.CreateClient();
            using (var response = await GetAsync(client, OperationsEndpoints.ReadyPath))
            {
                using var json = await ReadJsonAsync(response);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                var audit = json.RootElement.GetProperty("checks").EnumerateArray().Single(static c => c.GetProperty("name").GetString() == "audit");
                Assert.Contains("still opening", audit.GetProperty("reason").GetString(), StringComparison.Ordinal);
            }
            Assert.Equal(AuditState.Initializing, status.State);

            using var scope = app.CreateUserScope();
            var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
            var preview = await executor.PreviewAsync(SetNodeLabels.Add("openelb-speaker", "true", "worker-c2"), ct).WaitAsync(TestTimeouts.Default, ct);
            var apply = executor.ApplyAsync(preview, confirmation: null, ct);
            await Task.Delay(500, ct);

            // Waiting, not refused and not written: the store has not migrated.
            Assert.False(apply.IsCompleted);
            Assert.Equal(AuditState.Initializing, status.State);

            await ExecuteAsync(blocker, "ROLLBACK;");
            await blocker.CloseAsync();

            var result = await apply.WaitAsync(TestTimeouts.Default, ct);
            Assert.Equal(ApplyStatus.Succeeded, result.Status);
            Assert.Equal(AuditState.Available, status.State);
            var entries = await app.Services.GetRequiredService<SqliteAuditLog>().GetCorrelationAsync(result.CorrelationId, ct);
            Assert.Equal(AuditOutcome.Succeeded, Assert.Single(entries).Outcome);
            using var ready = await GetAsync(client, OperationsEndpoints.ReadyPath);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    [Fact]
    public async Task FeedCannotSync_TheStoreWaitsForIt_UpToTheConfiguredTime()
    {
        // A kubeconfig for a port where nothing listens: the feed keeps retrying and never syncs. Opening the store waits
        // for the feed's first sync (both are CPU-bound in a cold process), at most Audit:OpenAfterFeedSync.
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("openelb-unreachable-");
        try
        {
            var kubeconfig = DashboardFactory.WriteUnreachableKubeconfig(directory.FullName);
            await using (var waiting = Unreachable(kubeconfig, "00:10:00"))
            {
                _ = waiting.Server;
                var status = waiting.Services.GetRequiredService<AuditStatus>();
                await Task.Delay(2000, ct);

                // Two seconds on, with a feed that has not synced, the store has not been opened (it takes well under that).
                Assert.False(waiting.Services.GetRequiredService<IClusterState>().Health.IsSynced);
                Assert.Equal(AuditState.Initializing, status.State);
            }
            await using var bounded = Unreachable(kubeconfig, "00:00:01");

            await bounded.WaitForAuditAsync();

            // The wait ran out and the store opened anyway: changes are refused by the feed's state, not by the log.
            Assert.Equal(AuditState.Available, bounded.Services.GetRequiredService<AuditStatus>().State);
            Assert.False(bounded.Services.GetRequiredService<IClusterState>().Health.IsSynced);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        static DashboardFactory Unreachable(string kubeconfig, string wait) => new(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Kubeconfig",
            ["Cluster:Kubeconfig"] = kubeconfig,
            ["Audit:OpenAfterFeedSync"] = wait,
        });
    }

    [Fact]
    public async Task FeedSyncs_TheStoreOpensThen_NotAfterTheWait()
    {
        // Ten minutes of allowed wait: the store opening within the test's timeout shows it followed the feed's sync.
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Audit:OpenAfterFeedSync"] = "00:10:00",
        });

        await app.WaitForSyncAsync(audit: false);
        await app.WaitForAuditAsync();

        Assert.Equal(AuditState.Available, app.Services.GetRequiredService<AuditStatus>().State);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        await using (command)
        {
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }
}
