namespace OpenElb.Dashboard.Core.Abstractions;

/// <summary>Helpers over <see cref="IClusterState"/>.</summary>
public static class ClusterStateExtensions
{
    /// <summary>
    /// Waits until every kind has completed its initial list (or is unavailable). Returns false when
    /// <paramref name="cancellationToken"/> is cancelled first (use a token with a timeout); never throws for that.
    /// </summary>
    public static async Task<bool> WaitForSyncAsync(this IClusterState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var scope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscription = state.Subscribe(scope.Token);
        try
        {
            if (subscription.Initial.Health.IsSynced)
            {
                return true;
            }
            await foreach (var update in subscription.Updates.ConfigureAwait(false))
            {
                if (update.Health.IsSynced)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Cancelling is what removes a subscription whose stream was never read; disposing the source would not.
            await scope.CancelAsync().ConfigureAwait(false);
        }
        return false;
    }
}
