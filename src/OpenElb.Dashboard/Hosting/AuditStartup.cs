using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Hosting;

/// <summary>Where the audit store stands.</summary>
public enum AuditState
{
    /// <summary>Usable: changes may be made.</summary>
    Available,

    /// <summary>Still opening (migrations run in the background after start-up); changes wait for it.</summary>
    Initializing,

    /// <summary>Failed to open; changes are refused (<see cref="AuditStatus.Error"/> says why).</summary>
    Unavailable,
}

/// <summary>
/// Whether the audit store is usable; the pages and <c>/readyz</c> say so when it is not (changes are then refused),
/// and while it is still opening (changes then wait, <see cref="WaitUntilInitializedAsync"/>).
/// </summary>
/// <remarks>A new instance is <see cref="AuditState.Available"/>; <see cref="AuditStartup"/> marks it initializing while it opens the store.</remarks>
public sealed class AuditStatus
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _initialized = Completed();
    private volatile string? _error;
    private volatile bool _initializing;

    /// <summary>Why the store is unusable, or <c>null</c> when it works or is still opening.</summary>
    public string? Error
    {
        get => _error;
        internal set => Finish(value);
    }

    /// <summary>Whether the store is opening (its migrations have not finished yet).</summary>
    public bool IsInitializing => _initializing;

    /// <summary>Whether the store initialized and works.</summary>
    public bool IsAvailable => !_initializing && _error is null;

    /// <summary>Whether the store failed to initialize.</summary>
    public bool IsUnavailable => _error is not null;

    /// <summary>The state as one value.</summary>
    public AuditState State => _initializing ? AuditState.Initializing : _error is null ? AuditState.Available : AuditState.Unavailable;

    /// <summary>Words for a page while the store is still opening.</summary>
    public const string InitializingMessage = "The audit log is still opening (its migrations are running); changes wait for it.";

    /// <summary>
    /// Waits until the store has finished opening and returns whether it is available (false: <see cref="Error"/> says
    /// why). At once when it is not opening.
    /// </summary>
    public async Task<bool> WaitUntilInitializedAsync(CancellationToken cancellationToken = default)
    {
        Task initialized;
        lock (_lock)
        {
            initialized = _initialized.Task;
        }
        await initialized.WaitAsync(cancellationToken).ConfigureAwait(false);
        return IsAvailable;
    }

    /// <summary>
    /// A status that says "initializing" from the start, as the composition root registers it: services started
    /// before <see cref="AuditStartup"/> (the wall tokens' load) then wait for it whatever the registration order.
    /// </summary>
    internal static AuditStatus Opening()
    {
        var status = new AuditStatus();
        status.BeginInitializing();
        return status;
    }

    /// <summary>Marks the store as opening; <see cref="Error"/> (set to null or a reason) ends it.</summary>
    internal void BeginInitializing()
    {
        lock (_lock)
        {
            if (_initializing)
            {
                return;
            }
            _initialized = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _error = null;
            _initializing = true;
        }
    }

    private void Finish(string? error)
    {
        TaskCompletionSource initialized;
        lock (_lock)
        {
            _error = error;
            _initializing = false;
            initialized = _initialized;
        }
        initialized.TrySetResult();
    }

    private static TaskCompletionSource Completed()
    {
        var completed = new TaskCompletionSource();
        completed.SetResult();
        return completed;
    }
}

/// <summary>
/// Opens the audit store (EF Core model, WAL, migrations) at start-up, in the background: hosted services start before
/// the server listens, and opening takes a second or more in a cold process, so <see cref="StartAsync"/> only starts it,
/// and the work waits for the cluster feed's first sync (<see cref="AuditOptions.OpenAfterFeedSync"/>).
/// Meanwhile <see cref="AuditStatus"/> says "initializing", <c>/readyz</c> is not ready, every operation of
/// <see cref="SqliteAuditLog"/> waits for it, and the change paths wait for <see cref="AuditStatus"/>. A broken store is
/// reported, not fatal: views still work.
/// </summary>
internal sealed partial class AuditStartup(
    SqliteAuditLog log, AuditStatus status, ClusterHost cluster, IOptions<AuditOptions> options, IHostApplicationLifetime lifetime,
    ILogger<AuditStartup> logger) : IHostedService
{
    private Task _initialization = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        status.BeginInitializing();
        var started = Stopwatch.GetTimestamp();
        // Published by the log before it returns: from here on its operations wait for the initialization.
        var initialization = log.InitializeAfterAsync(FeedSyncedAsync(), lifetime.ApplicationStopping);
        _initialization = FinishAsync(initialization, started);
        return Task.CompletedTask;
    }

    // The store opens once the feed has synced or after AuditOptions.OpenAfterFeedSync (why: see there). The cluster host
    // started before this (registered first); without a session (no usable configuration) there is no feed to wait for.
    private async Task FeedSyncedAsync()
    {
        var wait = options.Value.OpenAfterFeedSync;
        if (wait <= TimeSpan.Zero || cluster.Session?.State is not { } state)
        {
            return;
        }
        try
        {
            await state.WaitForSyncAsync(wait, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the initialization sees the same token and ends.
        }
    }

    // ApplicationStopping (cancelled before this is called) has cancelled an initialization still running.
    // FinishAsync never throws; the wait ends early only when the host gives up stopping.
    public async Task StopAsync(CancellationToken cancellationToken)
        => await _initialization.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private async Task FinishAsync(Task initialization, long started)
    {
        try
        {
            await initialization.ConfigureAwait(false);
            status.Error = null;
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogOpened(logger, elapsed.TotalMilliseconds);
        }
        catch (AuditUnavailableException ex)
        {
            status.Error = ex.Message;
            LogUnavailable(logger, ex.Message);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            status.Error = "The dashboard stopped before the audit log was opened.";
        }
#pragma warning disable CA1031 // Anything else (a bad migration) must not stay "initializing" forever: changes would wait for ever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            status.Error = $"The audit store could not be initialized: {ex.Message}";
            LogUnavailable(logger, status.Error);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The audit log is open ({Milliseconds:F0} ms, in the background of start-up).")]
    private static partial void LogOpened(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit log is unavailable, so no change can be made until it is fixed: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);
}
