namespace OpenElb.Dashboard.Kubernetes.Watching;

/// <summary>Tuning of the cluster feed; the defaults suit a real cluster.</summary>
public sealed class ClusterStateOptions
{
    /// <summary>
    /// The shortest time between two updates: a change after a quiet window is published at once, the events within a
    /// window after an update are collected into one update at its end. Default 100 ms.
    /// </summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of a watch request's server-side timeout (jittered down by up to 20 %). Default 300 s.</summary>
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>First retry delay after an error. Default 0.5 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest retry delay. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retry interval for kinds the API does not serve (OpenELB not installed). Default 30 s.</summary>
    public TimeSpan UnavailableRetry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many updates a slow subscriber may have queued before older ones are dropped. Default 32.</summary>
    public int SubscriberQueueLength { get; set; } = 32;

    /// <summary>
    /// The namespace whose speaker (and legacy manager) pods are listed and watched. Default
    /// <see cref="ClusterConnectionOptions.DefaultOpenElbNamespace"/>. The least-privilege RBAC grants pods only there;
    /// <c>null</c> or empty watches every namespace (needs cluster-wide pod access).
    /// </summary>
    public string? SpeakerNamespace { get; set; } = ClusterConnectionOptions.DefaultOpenElbNamespace;
}
