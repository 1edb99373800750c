using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Hosting;

/// <summary>Whether the audit store is usable; the pages say so when it is not (changes are then refused).</summary>
public sealed class AuditStatus
{
    /// <summary>Why the store is unusable, or <c>null</c> when it works.</summary>
    public string? Error { get; internal set; }

    /// <summary>Whether the store initialized.</summary>
    public bool IsAvailable => Error is null;
}

/// <summary>Applies the audit store's migrations at start-up. A broken store is reported, not fatal: views still work.</summary>
internal sealed partial class AuditStartup(SqliteAuditLog log, AuditStatus status, ILogger<AuditStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await log.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            status.Error = ex.Message;
            LogUnavailable(logger, ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit log is unavailable, so no change can be made until it is fixed: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);
}
