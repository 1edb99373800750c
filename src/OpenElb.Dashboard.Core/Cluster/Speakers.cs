namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>The kind of workload that runs OpenELB's speakers.</summary>
public enum SpeakerWorkloadKind
{
    /// <summary>OpenELB 0.6+: the <c>app=openelb,component=speaker</c> DaemonSet, one speaker per eligible node.</summary>
    DaemonSet,

    /// <summary>OpenELB &lt;= 0.5: the <c>openelb-manager</c> Deployment; speakers are its replicas. Shown read-only.</summary>
    LegacyManagerDeployment,
}

/// <summary>The speaker workload (normally the speaker DaemonSet): its placement and rollout status.</summary>
/// <param name="Namespace">Namespace (discovered by label, never assumed).</param>
/// <param name="Name">Name.</param>
/// <param name="Placement">Pod template placement.</param>
/// <param name="Kind">DaemonSet, or the legacy manager Deployment.</param>
/// <param name="HostNetwork">Whether pods use the host network (adds the network-unavailable auto-toleration).</param>
/// <param name="HelmRelease">The Helm release that manages the object, or <c>null</c> when it is not Helm-managed.</param>
/// <param name="Generation">metadata.generation.</param>
/// <param name="ObservedGeneration">status.observedGeneration.</param>
/// <param name="DesiredScheduled">status.desiredNumberScheduled (legacy: spec.replicas).</param>
/// <param name="CurrentScheduled">status.currentNumberScheduled.</param>
/// <param name="Ready">status.numberReady.</param>
/// <param name="Updated">status.updatedNumberScheduled.</param>
/// <param name="ResourceVersion">The resourceVersion the record was read at.</param>
public sealed record SpeakerDaemonSet(
    string Namespace,
    string Name,
    SpeakerPlacement Placement,
    SpeakerWorkloadKind Kind = SpeakerWorkloadKind.DaemonSet,
    bool HostNetwork = true,
    string? HelmRelease = null,
    long Generation = 1,
    long ObservedGeneration = 1,
    int DesiredScheduled = 0,
    int CurrentScheduled = 0,
    int Ready = 0,
    int Updated = 0,
    string? ResourceVersion = null)
{
    /// <summary>Whether Helm manages the object: the next <c>helm upgrade</c> overwrites placement edits.</summary>
    public bool HelmManaged => HelmRelease is not null;

    /// <summary>Whether the controller has not yet acted on the latest spec.</summary>
    public bool RolloutPending => ObservedGeneration < Generation || Updated < DesiredScheduled;

    /// <summary><c>namespace/name</c>.</summary>
    public string Id => $"{Namespace}/{Name}";
}

/// <summary>Pod phase, as the API reports it.</summary>
public enum PodPhase
{
    /// <summary>Accepted, containers not yet running.</summary>
    Pending,

    /// <summary>Bound to a node and at least one container running.</summary>
    Running,

    /// <summary>All containers terminated successfully.</summary>
    Succeeded,

    /// <summary>All containers terminated, at least one in failure.</summary>
    Failed,

    /// <summary>State unknown.</summary>
    Unknown,
}

/// <summary>A speaker pod, slimmed to what the views need.</summary>
/// <param name="Namespace">Namespace.</param>
/// <param name="Name">Pod name.</param>
/// <param name="NodeName">The node it is bound to; empty while unscheduled.</param>
/// <param name="Phase">Pod phase.</param>
/// <param name="Ready">Whether the Ready condition is True (GoBGP's gRPC is up; says nothing of sessions).</param>
/// <param name="Restarts">Sum of container restart counts.</param>
/// <param name="StartTime">status.startTime.</param>
/// <param name="Terminating">Whether metadata.deletionTimestamp is set.</param>
public sealed record SpeakerPod(
    string Namespace,
    string Name,
    string NodeName,
    PodPhase Phase,
    bool Ready,
    int Restarts = 0,
    DateTimeOffset? StartTime = null,
    bool Terminating = false)
{
    /// <summary>Whether this pod counts as a live, working speaker: running, ready and not terminating.</summary>
    public bool IsLive => Phase == PodPhase.Running && Ready && !Terminating;
}
