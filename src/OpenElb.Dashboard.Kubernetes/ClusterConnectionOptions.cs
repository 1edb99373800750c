namespace OpenElb.Dashboard.Kubernetes;

/// <summary>How the dashboard finds its cluster.</summary>
public enum ClusterMode
{
    /// <summary>In-cluster when running in a pod, else the kubeconfig when one exists, else the caller falls back to demo.</summary>
    Auto,

    /// <summary>A kubeconfig: <see cref="ClusterConnectionOptions.Kubeconfig"/>, else <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    Kubeconfig,

    /// <summary>The pod's service account.</summary>
    InCluster,

    /// <summary>The built-in simulator; it has no configuration of its own (connect with the kubeconfig it writes).</summary>
    Demo,
}

/// <summary>Cluster connection settings (bound from configuration).</summary>
public sealed class ClusterConnectionOptions
{
    /// <summary>Where OpenELB's kubectl manifest installs it.</summary>
    public const string DefaultOpenElbNamespace = "openelb-system";

    /// <summary>The connection mode. <remarks>Defaults to <see cref="ClusterMode.Auto"/>.</remarks></summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Auto;

    /// <summary>Explicit kubeconfig path; <c>null</c> = <c>KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Kubeconfig context; <c>null</c> = the file's current-context.</summary>
    public string? Context { get; set; }

    /// <summary>
    /// The namespace OpenELB runs in (a Helm install: the release namespace). Speaker pods are listed, watched and
    /// restarted only there, which is all the least-privilege RBAC grants. Empty = every namespace (needs cluster-wide
    /// pod access). Defaults to <see cref="DefaultOpenElbNamespace"/>. The speaker DaemonSet itself is still found by its
    /// labels in any namespace.
    /// </summary>
    public string? OpenElbNamespace { get; set; } = DefaultOpenElbNamespace;
}

/// <summary>
/// The cluster configuration is missing or unusable. The message is one sentence fit to show a user: it names files
/// and contexts but never credentials, and carries no stack trace worth showing.
/// </summary>
public sealed class ClusterConfigurationException : Exception
{
    public ClusterConfigurationException()
    {
    }

    public ClusterConfigurationException(string message)
        : base(message)
    {
    }

    public ClusterConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether no configuration was found at all, so the caller should fall back to demo mode.</summary>
    public bool NoConfigurationFound { get; init; }
}
