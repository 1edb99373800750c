using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class ReconcileTests
{
    [Fact]
    public async Task Reconcile_CrashBetweenPendingAndOutcome_CompletedAtNextStart()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        long applied, notApplied, unknown, completed;
        await using (var crashed = await AuditHarness.StartAsync(path))
        {
            applied = await crashed.BeginAsync(AuditEntries.Pending(targetName: "applied"));
            notApplied = await crashed.BeginAsync(AuditEntries.Pending(targetName: "not-applied"));
            unknown = await crashed.BeginAsync(AuditEntries.Pending(targetName: "unknown"));
            completed = await crashed.BeginAsync(AuditEntries.Pending(targetName: "completed"));
            await crashed.CompleteAsync(completed);
            // The process dies here: three entries never get their outcome.
        }

        var time = new TestTimeProvider(AuditHarness.T0 + TimeSpan.FromMinutes(10));
        await using var restarted = await AuditHarness.StartAsync(path, time);
        var inFlight = await restarted.BeginAsync(AuditEntries.Pending(targetName: "in-flight"));
        var asked = new List<string>();

        var result = await restarted.Log.ReconcileAsync(
            (entry, _) =>
            {
                asked.Add(entry.TargetName);
                return Task.FromResult<bool?>(entry.TargetName switch
                {
                    "applied" => true,
                    "not-applied" => false,
                    _ => null,
                });
            },
            TimeSpan.FromMinutes(5),
            TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(new ReconcileResult(Succeeded: 1, Abandoned: 2), result);
        Assert.Equal(["applied", "not-applied", "unknown"], asked);
        var a = await restarted.GetAsync(applied);
        Assert.Equal(AuditOutcome.Succeeded, a.Outcome);
        Assert.Contains("Reconciled", a.Message, StringComparison.Ordinal);
        Assert.Equal(time.Now.UtcDateTime, a.CompletedUtc);
        var n = await restarted.GetAsync(notApplied);
        Assert.Equal(AuditOutcome.Abandoned, n.Outcome);
        Assert.Contains("not observed", n.Message, StringComparison.Ordinal);
        var u = await restarted.GetAsync(unknown);
        Assert.Equal(AuditOutcome.Abandoned, u.Outcome);
        Assert.Contains("unknown", u.Message, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Succeeded, (await restarted.GetAsync(completed)).Outcome);
        Assert.Equal(AuditOutcome.Pending, (await restarted.GetAsync(inFlight)).Outcome);
        Assert.True((await restarted.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task Reconcile_NothingOldEnough_DelegateNeverCalled()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        await harness.BeginAsync(AuditEntries.Pending());
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        var calls = 0;

        var result = await harness.Log.ReconcileAsync(
            (_, _) => { calls++; return Task.FromResult<bool?>(true); },
            TimeSpan.FromMinutes(5),
            TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(new ReconcileResult(0, 0), result);
        Assert.Equal(0, calls);
    }
}
