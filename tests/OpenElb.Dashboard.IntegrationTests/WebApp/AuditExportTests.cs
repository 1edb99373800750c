using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The audit downloads through the real app's pipeline: routing, query binding, headers and streaming.</summary>
public sealed class AuditExportTests
{
    private static async Task<DashboardFactory> StartWithEntriesAsync()
    {
        var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var ct = TestContext.Current.CancellationToken;
        // Demo mode may record observed changes of its own: these are told apart by actor.
        var first = await log.BeginAsync(AuditEntries.Pending(actor: "export-alice", targetName: "worker-1"), ct).WaitAsync(TestTimeouts.Default, ct);
        await log.CompleteAsync(first, AuditEntries.Completion(), ct).WaitAsync(TestTimeouts.Default, ct);
        var second = await log.BeginAsync(AuditEntries.Pending(actor: "export-bob", targetName: "=cmd|' /C calc'!A0"), ct).WaitAsync(TestTimeouts.Default, ct);
        await log.CompleteAsync(second, AuditEntries.Completion(AuditOutcome.Conflict), ct).WaitAsync(TestTimeouts.Default, ct);
        var third = await log.BeginAsync(AuditEntries.Pending(actor: "export-alice", targetName: "worker-3"), ct).WaitAsync(TestTimeouts.Default, ct);
        await log.CompleteAsync(third, AuditEntries.Completion(AuditOutcome.Denied), ct).WaitAsync(TestTimeouts.Default, ct);
        return app;
    }

    [Fact]
    public async Task ExportCsv_ActorFilter_AttachmentWithThoseRowsOldestFirst()
    {
        await using var app = await StartWithEntriesAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/audit/export.csv?actor=export-alice", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var rows = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,CorrelationId,", rows[0], StringComparison.Ordinal);
        Assert.Equal(2, rows.Length - 1);
        Assert.Contains(",worker-1,", rows[1], StringComparison.Ordinal);
        Assert.Contains(",worker-3,", rows[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsv_FormulaInTarget_Neutralised()
    {
        await using var app = await StartWithEntriesAsync();
        using var client = app.CreateClient();

        var body = await client.GetStringAsync(new Uri("/audit/export.csv?actor=export-bob", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains(",'=cmd|' /C calc'!A0,", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportJsonLines_OutcomeFilter_OneEntryPerLine()
    {
        await using var app = await StartWithEntriesAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/audit/export.jsonl?outcome=Denied&actor=export-alice", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var line = Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var entry = JsonSerializer.Deserialize<AuditEntry>(line, SqliteAuditLog.JsonLinesOptions)!;
        Assert.Equal(("worker-3", AuditOutcome.Denied), (entry.TargetName, entry.Outcome));
    }

    [Fact]
    public async Task Export_UnreadableFilter_400ProblemNotAWiderExport()
    {
        await using var app = await StartWithEntriesAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/audit/export.jsonl?outcome=Sucessful", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Sucessful", body, StringComparison.Ordinal);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }
}
