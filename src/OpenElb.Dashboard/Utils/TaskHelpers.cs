namespace OpenElb.Dashboard.Utils;

/// <summary>Small task helpers.</summary>
public static class TaskHelpers
{
    /// <summary>Awaits <paramref name="task"/> (if any), ignoring its cancellation.</summary>
    public static async Task WaitIgnoreCancelAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
