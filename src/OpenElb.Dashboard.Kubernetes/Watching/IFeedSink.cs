using OpenElb.Dashboard.Core.Abstractions;

namespace OpenElb.Dashboard.Kubernetes.Watching;

/// <summary>What a <see cref="KindWatcher"/> reports to the feed.</summary>
internal interface IFeedSink
{
    /// <summary>The lock that guards every watcher's records and health.</summary>
    Lock Gate { get; }

    /// <summary>Records changes (possibly none: a sync or recovery); call while holding <see cref="Gate"/>.</summary>
    void Changed(IReadOnlyList<ClusterChange> changes);

    /// <summary>Records a failure or unavailability of a watcher, and when it is tried again.</summary>
    void ReportHealth(KindWatcher watcher, SyncState state, string error, TimeSpan retryIn);
}
