namespace OpenElb.Dashboard.Core;

/// <summary>
/// Field manager names as they appear in <c>metadata.managedFields</c>: the dashboard's own, sent as the
/// <c>fieldManager</c> of every write, and the ones kubectl uses by default.
/// </summary>
public static class KnownFieldManagers
{
    /// <summary>The dashboard's own writes. Observed changes owned by this manager were made (and audited) by the dashboard.</summary>
    public const string Dashboard = "openelb-dashboard";

    /// <summary><c>kubectl label</c>.</summary>
    public const string KubectlLabel = "kubectl-label";

    /// <summary><c>kubectl taint</c>.</summary>
    public const string KubectlTaint = "kubectl-taint";

    /// <summary><c>kubectl patch</c>.</summary>
    public const string KubectlPatch = "kubectl-patch";
}
