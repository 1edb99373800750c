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
    private PermissionSet _cached = PermissionSet.None;

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

    /// <summary>The answers, reviewed again when older than <see cref="MaxAge"/>.</summary>
    public async Task<PermissionSet> GetAsync(CancellationToken cancellationToken)
    {
        if (clusterHost.Session?.Access is not { } reviewer)
        {
            return PermissionSet.None;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (_cached.Results.Count > 0 && now - _cached.CheckedAt < MaxAge)
            {
                return _cached;
            }
            var speakerNamespace = liveViews.Current.Snapshot.Speaker?.Namespace ?? "openelb-system";
            var results = await Task.WhenAll(Checks(speakerNamespace).Select(c => reviewer.ReviewAsync(c, cancellationToken))).ConfigureAwait(false);
            _cached = new PermissionSet(results, now);
            return _cached;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
