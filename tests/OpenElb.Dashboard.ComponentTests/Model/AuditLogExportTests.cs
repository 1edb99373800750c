using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Hosting;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Model;

// The export handlers run against a DefaultHttpContext: the integration test project has no app host to test through yet.
public sealed class AuditLogExportTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static async Task<(int Status, string Body, IHeaderDictionary Headers)> RunAsync(
        Func<HttpRequest, SqliteAuditLog, AuditStatus, TimeProvider, IResult> handler,
        SqliteAuditLog log, AuditTestStore store, string query, AuditStatus? status = null)
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.QueryString = new QueryString(query);
        // Like Kestrel's response body: synchronous writes are refused.
        var body = new AsyncOnlyStream();
        context.Response.Body = body;

        var result = handler(context.Request, log, status ?? new AuditStatus(), store.Clock);
        await result.ExecuteAsync(context).WaitAsync(s_timeout, TestContext.Current.CancellationToken);

        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), context.Response.Headers);
    }

    [Fact]
    public async Task Csv_FilterFromQuery_AttachmentWithMatchingRowsOldestFirst()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log, actor: "alice", node: "worker-1");
        await store.SucceededAsync(log, actor: "bob", node: "worker-2");
        await store.SucceededAsync(log, actor: "alice", node: "worker-3");

        var (status, body, headers) = await RunAsync(AuditEndpoints.ExportCsv, log, store, "?actor=alice");

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.StartsWith("text/csv", headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.Equal("attachment; filename=openelb-audit-20260501T100300Z.csv; filename*=UTF-8''openelb-audit-20260501T100300Z.csv", headers.ContentDisposition.ToString());
        Assert.Equal("no-store", headers.CacheControl.ToString());
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,CorrelationId,", lines[0], StringComparison.Ordinal);
        Assert.Equal(["1", "3"], lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        Assert.False(body.StartsWith('\uFEFF'));
    }

    [Fact]
    public async Task JsonLines_FilterFromQuery_OneEntryPerLine()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log, node: "worker-1");
        await store.ObservedAsync(log, node: "worker-2");
        await store.SucceededAsync(log, node: "worker-3", outcome: AuditOutcome.Conflict);

        var (status, body, headers) = await RunAsync(AuditEndpoints.ExportJsonLines, log, store, "?outcome=Observed&target=Node/worker-2");

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.StartsWith("application/jsonl", headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("attachment; filename=openelb-audit-", headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        var line = Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var entry = JsonSerializer.Deserialize<AuditEntry>(line, SqliteAuditLog.JsonLinesOptions)!;
        Assert.Equal(("worker-2", AuditOutcome.Observed), (entry.TargetName, entry.Outcome));
    }

    [Fact]
    public async Task Export_UnreadableFilter_400NotAWiderExport()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;
        await store.SucceededAsync(log);

        var (status, body, headers) = await RunAsync(AuditEndpoints.ExportCsv, log, store, "?outcome=Sucessful");

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Contains("Sucessful", body, StringComparison.Ordinal);
        Assert.DoesNotContain("attachment", headers.ContentDisposition.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_StoreUnavailable_503()
    {
        var (store, log) = await AuditTestStore.StartAsync();
        await using var _ = store;

        var (status, body, _) = await RunAsync(AuditEndpoints.ExportJsonLines, log, store, "", new AuditStatus { Error = "disk full" });

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Contains("disk full", body, StringComparison.Ordinal);
    }
}

/// <summary>A write-only stream that refuses synchronous writes and flushes, as ASP.NET Core response bodies do.</summary>
internal sealed class AsyncOnlyStream : Stream
{
    private readonly MemoryStream _written = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written.Length;

    public override long Position { get => _written.Length; set => throw new NotSupportedException(); }

    public byte[] ToArray() => _written.ToArray();

    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
