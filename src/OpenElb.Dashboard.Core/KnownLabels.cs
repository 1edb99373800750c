namespace OpenElb.Dashboard.Core;

/// <summary>Label keys and values the dashboard reads; the strings are OpenELB's and Kubernetes' own.</summary>
public static class KnownLabels
{
    /// <summary>The conventional rack label; BgpPeers select their rack's nodes with it.</summary>
    public const string Rack = "openelb.kubesphere.io/rack";

    /// <summary>The well-known zone label (failure domain).</summary>
    public const string Zone = "topology.kubernetes.io/zone";

    /// <summary>The node's host name label.</summary>
    public const string Hostname = "kubernetes.io/hostname";

    /// <summary>The node's operating system label; the kubectl manifest's speaker nodeSelector uses it.</summary>
    public const string Os = "kubernetes.io/os";

    /// <summary>The label the seed guide uses to mark speaker nodes.</summary>
    public const string SeedSpeakerLabel = "openelb-speaker";

    /// <summary>Labels <c>app</c> and <c>component</c> identify OpenELB's workloads; never change them on pods.</summary>
    public const string App = "app";

    /// <summary>See <see cref="App"/>.</summary>
    public const string Component = "component";

    /// <summary>Value of <see cref="App"/> on OpenELB 0.6 workloads.</summary>
    public const string AppOpenElb = "openelb";

    /// <summary>Value of <see cref="Component"/> on the speaker DaemonSet and its pods.</summary>
    public const string ComponentSpeaker = "speaker";

    /// <summary>Value of <see cref="App"/> on the legacy (&lt;= 0.5) <c>openelb-manager</c> Deployment.</summary>
    public const string AppLegacyManager = "openelb-manager";

    /// <summary>Helm's managed-by label.</summary>
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    /// <summary>Helm's release-name annotation.</summary>
    public const string HelmReleaseAnnotation = "meta.helm.sh/release-name";
}
