using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Kubernetes.Mapping;

/// <summary>Maps speaker <see cref="V1Pod"/>s to Core's <see cref="SpeakerPod"/>. Pure and thread-safe.</summary>
public static class PodMapping
{
    /// <summary>Maps a pod.</summary>
    /// <remarks>
    /// A missing phase maps to Pending (the API server's default at creation); an unrecognised one to Unknown.
    /// Restarts sum <c>status.containerStatuses[].restartCount</c> (regular containers, like kubectl's RESTARTS).
    /// A set <c>metadata.deletionTimestamp</c> means Terminating. NodeName is empty while unscheduled.
    /// </remarks>
    public static SpeakerPod ToSpeakerPod(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod.Metadata ?? new V1ObjectMeta();
        var status = pod.Status;
        return new SpeakerPod(
            StringPool.Share(metadata.NamespaceProperty ?? string.Empty),
            metadata.Name ?? string.Empty,
            StringPool.Share(pod.Spec?.NodeName ?? string.Empty),
            ParsePhase(status?.Phase),
            IsReady(status?.Conditions),
            Restarts: Restarts(status?.ContainerStatuses),
            StartTime: MappingHelpers.ToUtc(status?.StartTime),
            Terminating: metadata.DeletionTimestamp is not null);
    }

    internal static PodPhase ParsePhase(string? phase) => phase switch
    {
        null or "" or "Pending" => PodPhase.Pending,
        "Running" => PodPhase.Running,
        "Succeeded" => PodPhase.Succeeded,
        "Failed" => PodPhase.Failed,
        _ => PodPhase.Unknown,
    };

    private static bool IsReady(IList<V1PodCondition>? conditions)
    {
        if (conditions is null)
        {
            return false;
        }
        foreach (var condition in conditions)
        {
            if (condition is not null && string.Equals(condition.Type, "Ready", StringComparison.Ordinal))
            {
                return string.Equals(condition.Status, "True", StringComparison.Ordinal);
            }
        }
        return false;
    }

    private static int Restarts(IList<V1ContainerStatus>? statuses)
    {
        if (statuses is null)
        {
            return 0;
        }
        var total = 0;
        foreach (var status in statuses)
        {
            if (status is not null)
            {
                total += status.RestartCount;
            }
        }
        return total;
    }
}
