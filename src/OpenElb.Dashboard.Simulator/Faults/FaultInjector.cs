using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Faults;

/// <summary>
/// Applies <see cref="FaultState.RefuseConnectionsUntil"/> and <see cref="FaultState.ResponseDelay"/> to API requests.
/// While refusing, every request's connection is aborted (clients see a connection error, not an HTTP status); when a
/// refusal starts (announced by <see cref="FaultState.NotifyChanged"/>), every request in flight, open watch streams
/// included, is aborted too. One per simulator; thread-safe.
/// </summary>
internal sealed class FaultInjector : IDisposable
{
    private readonly FaultState _faults;
    private readonly ObjectStore _store;
    private readonly TimeProvider _time;

    // Cancelled (and replaced) when a refusal starts; every request in flight is registered on the current one.
    private CancellationTokenSource _inFlight = new();

    public FaultInjector(FaultState faults, ObjectStore store, TimeProvider time)
    {
        _faults = faults;
        _store = store;
        _time = time;
        _faults.Changed += OnFaultsChanged;
    }

    /// <summary>Whether connections are being refused at this moment.</summary>
    public bool Refusing => _faults.RefuseConnectionsUntil is { } until && _time.GetUtcNow() < until;

    /// <summary>The middleware: put it before authentication, as a refused connection never reaches it.</summary>
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (Refusing)
        {
            context.Abort();
            return;
        }
        var inFlight = Volatile.Read(ref _inFlight);
        using (inFlight.Token.UnsafeRegister(static c => ((HttpContext)c!).Abort(), context))
        {
            // Check again after registering: a refusal that started between the first check and the registration
            // cancelled an older source, which this request is not on.
            if (Refusing)
            {
                context.Abort();
                return;
            }
            if (_faults.ResponseDelay is { Ticks: > 0 } delay)
            {
                await Task.Delay(delay, _time, context.RequestAborted);
            }
            await next();
        }
    }

    /// <summary>Stops following <see cref="FaultState.Changed"/>; call when the server has stopped.</summary>
    public void Dispose()
    {
        _faults.Changed -= OnFaultsChanged;
        Volatile.Read(ref _inFlight).Dispose();
    }

    private void OnFaultsChanged(object? sender, EventArgs e)
    {
        if (!Refusing)
        {
            return;
        }
        // Abort the requests in flight, long watches among them: to their clients the server went away mid-stream.
        // Closing the store's watches as well ends the watch loops at once instead of at their next write.
        var previous = Interlocked.Exchange(ref _inFlight, new CancellationTokenSource());
        // Not disposed: a request may be about to register on it, and registering on a cancelled source aborts at once.
        previous.Cancel();
        _store.CloseAllWatches();
    }
}
