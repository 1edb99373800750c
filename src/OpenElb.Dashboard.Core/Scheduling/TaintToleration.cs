using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Scheduling;

/// <summary>Taint and toleration matching with Kubernetes' exact semantics (<c>Toleration.ToleratesTaint</c>). Pure and thread-safe.</summary>
public static class TaintToleration
{
    /// <summary>
    /// The tolerations the DaemonSet controller adds to every daemon pod by itself
    /// (<c>AddOrUpdateDaemonPodTolerations</c>); network-unavailable only for host-network pods.
    /// </summary>
    public static IReadOnlyList<Toleration> DaemonSetAutoTolerations(bool hostNetwork)
    {
        return hostNetwork ? s_autoWithHostNetwork : s_auto;
    }

    private static readonly Toleration[] s_auto =
    [
        new("node.kubernetes.io/not-ready", TolerationOperator.Exists, Effect: TaintEffect.NoExecute),
        new("node.kubernetes.io/unreachable", TolerationOperator.Exists, Effect: TaintEffect.NoExecute),
        new("node.kubernetes.io/disk-pressure", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
        new("node.kubernetes.io/memory-pressure", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
        new("node.kubernetes.io/pid-pressure", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
        new("node.kubernetes.io/unschedulable", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
    ];

    private static readonly Toleration[] s_autoWithHostNetwork =
    [
        .. s_auto,
        new("node.kubernetes.io/network-unavailable", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
    ];

    /// <summary>
    /// Whether <paramref name="toleration"/> tolerates <paramref name="taint"/>: effects match (an empty toleration effect
    /// matches all), and either Exists with the same key (an empty key with Exists matches every key) or Equal with the
    /// same key and value. A NoSchedule toleration does not tolerate a NoExecute taint.
    /// </summary>
    public static bool Tolerates(Toleration toleration, Taint taint)
    {
        ArgumentNullException.ThrowIfNull(toleration);
        ArgumentNullException.ThrowIfNull(taint);
        if (toleration.Effect is { } effect && effect != taint.Effect)
        {
            return false;
        }
        if (toleration.Key.Length > 0 && !string.Equals(toleration.Key, taint.Key, StringComparison.Ordinal))
        {
            return false;
        }
        return toleration.Operator switch
        {
            TolerationOperator.Exists => true,
            // As Kubernetes' ToleratesTaint: an empty key with Equal compares values only. The API rejects such a
            // toleration, and validation here does too, but the matcher mirrors the scheduler, not the validator.
            TolerationOperator.Equal => string.Equals(toleration.Value, taint.Value, StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>Whether any of <paramref name="tolerations"/> tolerates <paramref name="taint"/>.</summary>
    public static bool IsTolerated(Taint taint, IEnumerable<Toleration> tolerations)
    {
        ArgumentNullException.ThrowIfNull(tolerations);
        foreach (var toleration in tolerations)
        {
            if (Tolerates(toleration, taint))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The first taint (in node order) with an effect in <paramref name="effects"/> that none of the tolerations
    /// tolerates, or <c>null</c> (<c>FindMatchingUntoleratedTaint</c>).
    /// </summary>
    public static Taint? FindUntolerated(IReadOnlyList<Taint> taints, IReadOnlyList<Toleration> tolerations, params TaintEffect[] effects)
    {
        ArgumentNullException.ThrowIfNull(taints);
        ArgumentNullException.ThrowIfNull(tolerations);
        foreach (var taint in taints)
        {
            if (Array.IndexOf(effects, taint.Effect) >= 0 && !IsTolerated(taint, tolerations))
            {
                return taint;
            }
        }
        return null;
    }
}
