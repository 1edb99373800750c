using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Hosting;

/// <summary>
/// At start-up, once the cluster feed has synced, settles pending audit entries older than
/// <see cref="ReconcileAfter"/> (a crash between a write and its outcome): succeeded (noted as reconciled) when the
/// cluster shows their after-state, abandoned with a note otherwise. Runs once, in the background, so start-up is not
/// held up by a slow cluster.
/// </summary>
internal sealed partial class AuditReconcileService(
    SqliteAuditLog log,
    AuditStatus status,
    IServiceProvider services,
    ILogger<AuditReconcileService> logger) : BackgroundService
{
    /// <summary>Younger pending entries may still be in flight in another process.</summary>
    public static readonly TimeSpan ReconcileAfter = TimeSpan.FromMinutes(2);

    /// <summary>How long to wait for the feed before reconciling without it (everything unknown is then left pending).</summary>
    public static readonly TimeSpan SyncTimeout = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The store opens in the background of start-up: wait for it (reconciliation writes completions).
        if (!await status.WaitUntilInitializedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }
        // Resolved here, not in the constructor: hosted services are all constructed before the cluster host has started.
        var cluster = services.GetRequiredService<IClusterState>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(SyncTimeout);
            if (!await cluster.WaitForSyncAsync(timeout.Token).ConfigureAwait(false))
            {
                stoppingToken.ThrowIfCancellationRequested();
                LogNotSynced(logger);
                return;
            }
            var snapshot = cluster.Current;
            var result = await log.ReconcileAsync(
                (entry, _) => Task.FromResult(AuditReconciliation.AfterStateObserved(entry, snapshot)),
                ReconcileAfter,
                stoppingToken).ConfigureAwait(false);
            if (result.Succeeded + result.Abandoned > 0)
            {
                LogReconciled(logger, result.Succeeded, result.Abandoned);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (AuditUnavailableException ex)
        {
            LogFailed(logger, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else (a store error, a bad entry) leaves the entries pending for the next start; a background
            // service that throws would stop the whole host.
            LogFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit reconciliation: {Succeeded} pending entries settled as succeeded, {Abandoned} as abandoned.")]
    private static partial void LogReconciled(ILogger logger, int succeeded, int abandoned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit reconciliation skipped: the cluster feed did not sync in time; pending entries stay pending until the next start.")]
    private static partial void LogNotSynced(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit reconciliation failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
