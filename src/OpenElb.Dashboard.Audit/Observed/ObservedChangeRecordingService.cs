using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenElb.Dashboard.Audit.Observed;

/// <summary>
/// Runs <see cref="ObservedChangeRecorder"/> for the life of the host. It resolves the recorder (and with it the
/// cluster state, the field-manager lookup and the audit log) only once the application has started, so that the
/// cluster host and the audit store's start-up have run whatever the registration order. A failure is logged and
/// ends recording; it never stops the host.
/// </summary>
internal sealed partial class ObservedChangeRecordingService(IServiceProvider services, ILogger<ObservedChangeRecordingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken).ConfigureAwait(false);
            var recorder = services.GetRequiredService<ObservedChangeRecorder>();
            await recorder.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // BackgroundService's default would stop the whole host: the dashboard must keep serving without drift records.
            LogFailed(logger, ex);
        }
    }

    private async Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IHostApplicationLifetime>() is not { } lifetime || lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Observed-change recording stopped; drift is no longer recorded in the audit log.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
