namespace OpenElb.Dashboard.Simulator;

/// <summary>How to start a simulator. Immutable once passed to <see cref="Hosting.SimulatorHost.StartAsync"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>A shipped scenario name (<c>seed</c>, <c>demo</c>) or a path to a scenario YAML file.</summary>
    /// <remarks>Defaults to <c>seed</c>.</remarks>
    public string Scenario { get; init; } = "seed";

    /// <summary>The loopback port; 0 picks a free one (tests).</summary>
    public int Port { get; init; }

    /// <summary>The bearer token clients must send; a random one when null.</summary>
    public string? Token { get; init; }

    /// <summary>How many changes the store keeps for watches that resume from an older resourceVersion.</summary>
    public int HistoryCapacity { get; init; } = 1000;

    /// <summary>How long a watch without <c>timeoutSeconds</c> stays open.</summary>
    public TimeSpan DefaultWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK event while idle.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every speaker rewrites its BgpPeer status entries (upstream: about every 30 s); tests use less.</summary>
    public TimeSpan BgpStatusInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the DaemonSet controller makes a full pass besides reacting to watch events, fault changes and due
    /// pod lifecycle steps (which already cover every change it acts on). Default 5 minutes: at 5,000 nodes a pass
    /// copies every node and pod and took 0.3–0.5 s of CPU on both of a 2-core machine's cores, which at the former
    /// 5 s put a simulator-made stall under every tenth change a client timed (kube-controller-manager's own
    /// resync is hours, not seconds).
    /// </summary>
    public TimeSpan ControllerResyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new pod stays Pending before its containers run (the simulated kubelet); tests use less.</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a running pod takes to become Ready (its readiness probe passing); tests use less.</summary>
    public TimeSpan PodReadyDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a pod on a node with the crash-loop fault restarts (its restartCount grows).</summary>
    public TimeSpan CrashLoopRestartInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for creationTimestamps and ages.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
