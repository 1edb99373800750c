using System.Collections.Immutable;

namespace OpenElb.Dashboard.Simulator.Faults;

/// <summary>
/// The faults currently injected into a simulator: read by the API middleware and the controllers, set through the
/// admin endpoint, the CLI or directly by tests. Thread-safe: every property swaps an immutable value.
/// </summary>
public sealed class FaultState
{
    private ImmutableHashSet<string> _routersDown = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _crashLoopNodes = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _notReadyNodes = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<ResourceAccess> _deniedPermissions = [];
    private long _refuseUntilTicks;
    private long _responseDelayTicks;

    /// <summary>Until when every API connection is refused (aborted); <c>null</c> when not refusing.</summary>
    public DateTimeOffset? RefuseConnectionsUntil
    {
        get => Interlocked.Read(ref _refuseUntilTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
        set => Interlocked.Exchange(ref _refuseUntilTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>A delay added before every API response (slow responses). Zero when none.</summary>
    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));
        set => Interlocked.Exchange(ref _responseDelayTicks, value.Ticks);
    }

    /// <summary>BgpPeer names whose router is down: no speaker establishes a session with them.</summary>
    public ImmutableHashSet<string> RoutersDown
    {
        get => Volatile.Read(ref _routersDown);
        set => Volatile.Write(ref _routersDown, value);
    }

    /// <summary>Nodes whose speaker pod crash-loops (restarts, never stays Ready).</summary>
    public ImmutableHashSet<string> CrashLoopNodes
    {
        get => Volatile.Read(ref _crashLoopNodes);
        set => Volatile.Write(ref _crashLoopNodes, value);
    }

    /// <summary>Nodes reported NotReady (their Ready condition False, with the not-ready NoExecute taint).</summary>
    public ImmutableHashSet<string> NotReadyNodes
    {
        get => Volatile.Read(ref _notReadyNodes);
        set => Volatile.Write(ref _notReadyNodes, value);
    }

    /// <summary>
    /// Permissions the simulator's identity lacks: requests using them get 403 Forbidden, and SelfSubjectAccessReviews
    /// for them answer allowed=false. Empty by default (the token may do everything).
    /// </summary>
    public ImmutableHashSet<ResourceAccess> DeniedPermissions
    {
        get => Volatile.Read(ref _deniedPermissions);
        set => Volatile.Write(ref _deniedPermissions, value);
    }

    /// <summary>Raised after any fault changes, so controllers can react at once instead of at their next tick.</summary>
    public event EventHandler? Changed;

    /// <summary>Notifies <see cref="Changed"/> subscribers; call after setting properties.</summary>
    public void NotifyChanged() => Changed?.Invoke(this, EventArgs.Empty);
}
