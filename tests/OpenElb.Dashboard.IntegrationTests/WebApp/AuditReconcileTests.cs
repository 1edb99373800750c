using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>A crash between a cluster write and its outcome leaves a pending entry; the next start settles it against the cluster.</summary>
public sealed class AuditReconcileTests
{
    [Fact]
    public async Task Start_PendingEntriesFromACrash_SettledAgainstTheDemoCluster()
    {
        await using var app = DashboardFactory.Demo();
        var path = Path.Combine(app.Directory, "audit.db");
        long applied, notApplied, young;
        // The previous process: begins three writes an hour ago and a minute ago, and dies before recording outcomes.
        var time = new TestTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        await using (var crashed = await AuditHarness.StartAsync(path, time))
        {
            // worker-a1 is in rack-a in the demo scenario; worker-b1 is not in rack-z.
            applied = await crashed.BeginAsync(Entry("worker-a1", """{"metadata":{"labels":{"openelb.kubesphere.io/rack":"rack-a"}}}"""));
            notApplied = await crashed.BeginAsync(Entry("worker-b1", """{"metadata":{"labels":{"openelb.kubesphere.io/rack":"rack-z"}}}"""));
            time.Now = DateTimeOffset.UtcNow.AddSeconds(-30);
            young = await crashed.BeginAsync(Entry("worker-c1", """{"metadata":{"labels":{"openelb.kubesphere.io/rack":"rack-z"}}}"""));
        }

        await app.WaitForSyncAsync();
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        IReadOnlyList<AuditEntry> entries;
        do
        {
            await Task.Delay(100, timeout.Token);
            entries = (await log.QueryAsync(new AuditQuery { PageSize = 10 }, timeout.Token)).Items;
        }
        while (entries.Single(e => e.Id == notApplied).Outcome == AuditOutcome.Pending);

        Assert.Equal(AuditOutcome.Succeeded, entries.Single(e => e.Id == applied).Outcome);
        Assert.Contains("reconciled", entries.Single(e => e.Id == applied).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(AuditOutcome.Abandoned, entries.Single(e => e.Id == notApplied).Outcome);
        // Younger than the threshold: may still be in flight in another process, so left alone.
        Assert.Equal(AuditOutcome.Pending, entries.Single(e => e.Id == young).Outcome);
        Assert.True((await log.VerifyChainAsync(timeout.Token)).IsValid);
    }

    private static AuditEntry Entry(string node, string body)
    {
        var entry = AuditEntries.Pending(targetName: node);
        entry.RequestBody = body;
        return entry;
    }
}
