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
    private ImmutableDictionary<string, ImmutableHashSet<ResourceAccess>> _deniedPermissionsByUser =
        ImmutableDictionary.Create<string, ImmutableHashSet<ResourceAccess>>(StringComparer.Ordinal);
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

    /// <summary>
    /// Permissions other users lack, by user name: requests authorized as that user (impersonated with
    /// <c>Impersonate-User</c>, or the simulator's own user) get 403 Forbidden for them, and SelfSubjectAccessReviews
    /// made as that user answer allowed=false. Every other user may do everything. Empty by default.
    /// </summary>
    public ImmutableDictionary<string, ImmutableHashSet<ResourceAccess>> DeniedPermissionsByUser
    {
        get => Volatile.Read(ref _deniedPermissionsByUser);
        set => Volatile.Write(ref _deniedPermissionsByUser, value);
    }

    /// <summary>Adds a per-user denial (see <see cref="DeniedPermissionsByUser"/>). Thread-safe.</summary>
    public void DenyUser(string user, ResourceAccess permission) =>
        ImmutableInterlocked.AddOrUpdate(ref _deniedPermissionsByUser, user, _ => [permission], (_, existing) => existing.Add(permission));

    /// <summary>Removes a per-user denial; a user left with none is removed. Thread-safe.</summary>
    public void AllowUser(string user, ResourceAccess permission)
    {
        ImmutableDictionary<string, ImmutableHashSet<ResourceAccess>> current, updated;
        do
        {
            current = Volatile.Read(ref _deniedPermissionsByUser);
            if (!current.TryGetValue(user, out var denied))
            {
                return;
            }
            var remaining = denied.Remove(permission);
            updated = remaining.IsEmpty ? current.Remove(user) : current.SetItem(user, remaining);
        }
        while (Interlocked.CompareExchange(ref _deniedPermissionsByUser, updated, current) != current);
    }

    /// <summary>
    /// Whether <paramref name="user"/> lacks <paramref name="permission"/>: its per-user denials, plus
    /// <see cref="DeniedPermissions"/> when it is the simulator's own user (<paramref name="self"/>).
    /// </summary>
    public bool IsDenied(string user, string self, ResourceAccess permission) =>
        (DeniedPermissionsByUser.TryGetValue(user, out var denied) && denied.Contains(permission))
        || (string.Equals(user, self, StringComparison.Ordinal) && DeniedPermissions.Contains(permission));

    /// <summary>Raised after any fault changes, so controllers can react at once instead of at their next tick.</summary>
    public event EventHandler? Changed;

    /// <summary>Notifies <see cref="Changed"/> subscribers; call after setting properties.</summary>
    public void NotifyChanged() => Changed?.Invoke(this, EventArgs.Empty);
}
