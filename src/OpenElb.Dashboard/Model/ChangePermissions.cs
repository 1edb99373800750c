using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes;

namespace OpenElb.Dashboard.Model;

/// <summary>What the dashboard's Kubernetes identity may change, as access reviews answered.</summary>
/// <param name="Results">One answer per check: patch nodes, patch the speaker DaemonSet, delete speaker pods.</param>
/// <param name="CheckedAt">When the reviews were made.</param>
public sealed record PermissionSet(IReadOnlyList<AccessResult> Results, DateTimeOffset CheckedAt)
{
    /// <summary>No answers (no cluster connected).</summary>
    public static PermissionSet None { get; } = new([], DateTimeOffset.MinValue);

    /// <summary>The answers that deny writing objects of these kinds (Node, DaemonSet, Pod).</summary>
    public IReadOnlyList<AccessResult> DeniedFor(IEnumerable<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var resources = kinds.Select(ChangePermissions.ResourceOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. Results.Where(r => r.Answer == AccessAnswer.Denied && resources.Contains(r.Check.Resource))];
    }

    /// <summary>The answers that could not be had, for objects of these kinds.</summary>
    public IReadOnlyList<AccessResult> UnknownFor(IEnumerable<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var resources = kinds.Select(ChangePermissions.ResourceOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. Results.Where(r => r.Answer == AccessAnswer.Unknown && resources.Contains(r.Check.Resource))];
    }
}

/// <summary>
/// Asks the API server (SelfSubjectAccessReview) whether the dashboard's identity may make each kind of change the
/// wizards make, and keeps the answers for <see cref="MaxAge"/>. The wizards disable what is denied; the API server
/// stays the authority (a write it refuses is recorded as Denied). A singleton; thread-safe.
/// </summary>
public sealed class ChangePermissions(ClusterHost clusterHost, LiveViewService liveViews, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, PermissionSet> _cached = new(StringComparer.Ordinal);

    /// <summary>How many identities' answers are kept.</summary>
    public const int MaxIdentities = 256;

    /// <summary>How long answers are reused.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The resource a write to an object of <paramref name="kind"/> needs, as reviewed.</summary>
    public static string? ResourceOf(string kind) => kind switch
    {
        "Node" => "nodes",
        "DaemonSet" => "daemonsets",
        "Pod" => "pods",
        _ => null,
    };

    /// <summary>The checks: patch nodes, patch daemonsets and delete pods in <paramref name="speakerNamespace"/>.</summary>
    public static IReadOnlyList<AccessCheck> Checks(string speakerNamespace) =>
    [
        new("patch", "", "nodes"),
        new("patch", "apps", "daemonsets", speakerNamespace),
        new("delete", "", "pods", speakerNamespace),
    ];

    /// <summary>
    /// The answers for the dashboard's own identity, or for <paramref name="identity"/> when writes are made as the
    /// signed-in user; reviewed again when older than <see cref="MaxAge"/>. Kept per identity (at most
    /// <see cref="MaxIdentities"/>), so one user's answers are never shown to another.
    /// </summary>
    public async Task<PermissionSet> GetAsync(CancellationToken cancellationToken, KubernetesIdentity? identity = null)
    {
        if (clusterHost.Session?.Access is not { } reviewer)
        {
            return PermissionSet.None;
        }
        var key = identity is null ? "" : identity.User + "\n" + string.Join("\n", identity.Groups);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (_cached.TryGetValue(key, out var cached) && cached.Results.Count > 0 && now - cached.CheckedAt < MaxAge)
            {
                return cached;
            }
            var speakerNamespace = liveViews.Current.Snapshot.Speaker?.Namespace ?? "openelb-system";
            var results = await Task.WhenAll(Checks(speakerNamespace).Select(c => reviewer.ReviewAsync(c, cancellationToken, identity))).ConfigureAwait(false);
            if (_cached.Count >= MaxIdentities)
            {
                // Forget everything older than MaxAge; if all are fresh, the oldest.
                foreach (var stale in _cached.Where(e => now - e.Value.CheckedAt >= MaxAge).Select(static e => e.Key).ToList())
                {
                    _cached.Remove(stale);
                }
                if (_cached.Count >= MaxIdentities)
                {
                    _cached.Remove(_cached.MinBy(static e => e.Value.CheckedAt).Key);
                }
            }
            return _cached[key] = new PermissionSet(results, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
