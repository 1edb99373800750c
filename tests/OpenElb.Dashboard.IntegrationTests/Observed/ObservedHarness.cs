using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Audit.Observed;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.IntegrationTests.Audit;
using OpenElb.Dashboard.IntegrationTests.Feed;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Kubernetes.FieldManagers;

namespace OpenElb.Dashboard.IntegrationTests.Observed;

/// <summary>
/// A simulator (demo scenario: BgpPeers select <c>openelb.kubesphere.io/rack</c>, the speaker DaemonSet selects
/// <c>openelb-speaker=true</c>), the live feed over HTTP, a SQLite audit file and a running
/// <see cref="ObservedChangeRecorder"/> with the real managedFields lookup. kubectl is the independent second client.
/// </summary>
internal sealed class ObservedHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private ObservedHarness(FeedHarness cluster, TempDirectory directory, AuditHarness audit)
    {
        Cluster = cluster;
        _directory = directory;
        Audit = audit;
    }

    public FeedHarness Cluster { get; }

    public AuditHarness Audit { get; }

    public TestLogger<ObservedChangeRecorder> Logger { get; } = new();

    public static async Task<ObservedHarness> StartAsync(bool initializeStore = true, IFieldManagerLookup? lookup = null)
    {
        var cluster = await FeedHarness.StartAsync("demo");
        var directory = new TempDirectory();
        var audit = await AuditHarness.StartAsync(directory.File("audit.db"), initialize: initializeStore);
        var harness = new ObservedHarness(cluster, directory, audit);
        var recorder = new ObservedChangeRecorder(cluster.Feed, lookup ?? new KubernetesFieldManagerLookup(cluster.Client), audit.Log, harness.Logger);
        // RunAsync subscribes before its first await: once it returns a task, the baseline is taken.
        harness._run = recorder.RunAsync(harness._stop.Token);
        return harness;
    }

    public async Task<Kubectl.Result> KubectlAsync(params string[] args) =>
        (await Kubectl.RunAsync(Cluster.KubeconfigPath, args)).EnsureSuccess();

    public async Task<IReadOnlyList<AuditEntry>> ObservedEntriesAsync()
    {
        var page = await Audit.Log.QueryAsync(new AuditQuery { Action = AuditAction.ObservedChange, PageSize = 500 }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return page.Items;
    }

    /// <summary>Waits until an observed entry satisfies <paramref name="match"/> (polling the file) and returns it.</summary>
    public async Task<AuditEntry> WaitForEntryAsync(Func<AuditEntry, bool> match, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        try
        {
            while (true)
            {
                if ((await ObservedEntriesAsync()).FirstOrDefault(match) is { } entry)
                {
                    return entry;
                }
                Assert.False(_run.IsCompleted, "the recorder stopped");
                await Task.Delay(50, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"timed out waiting for an observed entry: {what}; have: "
                + string.Join("; ", (await ObservedEntriesAsync()).Select(e => $"{e.TargetName} {e.BeforeState}->{e.AfterState} by {e.FieldManager}")));
            throw;
        }
    }

    /// <summary>
    /// Makes a relevant change on <paramref name="node"/> with kubectl and waits for its entry: every update the
    /// recorder received before it has then been handled, so the absence of other entries means something.
    /// </summary>
    public async Task SentinelAsync(string node)
    {
        await KubectlAsync("label", "node", node, "openelb.kubesphere.io/rack=rack-sentinel", "--overwrite");
        await WaitForEntryAsync(e => e.TargetName == node && e.AfterState!.Contains("rack-sentinel", StringComparison.Ordinal), $"the sentinel on {node}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TestTimeouts.Default);
        _stop.Dispose();
        await Cluster.DisposeAsync();
        await Audit.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>Captures log events; tests wait for one to learn that a failure path ran.</summary>
internal sealed class TestLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string? EventName, string Message)> _events = new();
    private readonly SemaphoreSlim _logged = new(0);

    public IReadOnlyCollection<(LogLevel Level, string? EventName, string Message)> Events => _events;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _events.Enqueue((logLevel, eventId.Name, formatter(state, exception)));
        _logged.Release();
    }

    public async Task WaitForAsync(string eventName)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        while (!_events.Any(e => e.EventName == eventName))
        {
            try
            {
                await _logged.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"no {eventName} was logged; logged: {string.Join("; ", _events.Select(e => e.EventName))}");
            }
        }
    }
}
