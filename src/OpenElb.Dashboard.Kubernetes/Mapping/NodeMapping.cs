using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Kubernetes.Mapping;

/// <summary>Maps <see cref="V1Node"/> to Core's slim <see cref="NodeInfo"/>. Pure and thread-safe.</summary>
public static class NodeMapping
{
    /// <summary>Maps a node; only what placement and topology need is kept.</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Ready: the <c>Ready</c> condition is <c>True</c>. A node without that condition (just registered, or its
    /// status not yet written) is not Ready, as the node lifecycle controller sees it.</item>
    /// <item>Taints with an effect other than NoSchedule, PreferNoSchedule or NoExecute are skipped: the API server
    /// rejects such effects, and Core cannot represent one, so only a future Kubernetes effect could reach this.</item>
    /// <item>InternalIp: the first <c>InternalIP</c> address.</item>
    /// </list>
    /// </remarks>
    public static NodeInfo ToNodeInfo(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var metadata = node.Metadata ?? new V1ObjectMeta();
        // Shared: the speaker pod on this node refers to the same name instance (see PodMapping).
        var name = StringPool.Share(metadata.Name ?? string.Empty);
        return new NodeInfo(
            name,
            MappingHelpers.Labels(metadata.Labels, name),
            ToTaints(node.Spec?.Taints),
            Ready: IsReady(node.Status?.Conditions),
            Unschedulable: node.Spec?.Unschedulable ?? false,
            InternalIp: InternalIp(node.Status?.Addresses),
            ResourceVersion: metadata.ResourceVersion);
    }

    /// <summary>Parses a taint effect exactly as the API spells it; <c>null</c> for anything else.</summary>
    internal static TaintEffect? ParseEffect(string? effect) => effect switch
    {
        "NoSchedule" => TaintEffect.NoSchedule,
        "PreferNoSchedule" => TaintEffect.PreferNoSchedule,
        "NoExecute" => TaintEffect.NoExecute,
        _ => null,
    };

    private static EquatableArray<Taint> ToTaints(IList<V1Taint>? taints)
    {
        if (taints is null || taints.Count == 0)
        {
            return EquatableArray<Taint>.Empty;
        }
        var result = new List<Taint>(taints.Count);
        foreach (var taint in taints)
        {
            if (taint is not null && ParseEffect(taint.Effect) is { } effect)
            {
                result.Add(new Taint(StringPool.Share(taint.Key ?? string.Empty), StringPool.Share(taint.Value ?? string.Empty), effect));
            }
        }
        return new([.. result]);
    }

    private static bool IsReady(IList<V1NodeCondition>? conditions)
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

    private static string? InternalIp(IList<V1NodeAddress>? addresses)
    {
        if (addresses is null)
        {
            return null;
        }
        foreach (var address in addresses)
        {
            if (address is not null && string.Equals(address.Type, "InternalIP", StringComparison.Ordinal))
            {
                return MappingHelpers.NullIfEmpty(address.Address);
            }
        }
        return null;
    }
}
