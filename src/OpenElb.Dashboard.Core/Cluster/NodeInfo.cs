namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>The effect of a node taint.</summary>
public enum TaintEffect
{
    /// <summary>New pods that do not tolerate the taint are not scheduled; running pods stay.</summary>
    NoSchedule,

    /// <summary>A soft preference only: never excludes a node.</summary>
    PreferNoSchedule,

    /// <summary>Pods that do not tolerate the taint are not scheduled and running ones are evicted.</summary>
    NoExecute,
}

/// <summary>A node taint.</summary>
/// <param name="Key">Taint key (a qualified name).</param>
/// <param name="Value">Taint value; empty when none.</param>
/// <param name="Effect">Taint effect.</param>
public sealed record Taint(string Key, string Value, TaintEffect Effect)
{
    /// <summary>Renders the taint the way kubectl does: <c>key=value:Effect</c>, or <c>key:Effect</c>.</summary>
    public override string ToString() => Value.Length == 0 ? $"{Key}:{Effect}" : $"{Key}={Value}:{Effect}";
}

/// <summary>
/// A slim, immutable view of a Kubernetes node: only what placement and topology need.
/// </summary>
/// <param name="Name">Node name.</param>
/// <param name="Labels">Node labels.</param>
/// <param name="Taints">Node taints, in the order the API server returned them.</param>
/// <param name="Ready">Whether the node's Ready condition is True.</param>
/// <param name="Unschedulable">Whether the node is cordoned (<c>spec.unschedulable</c>).</param>
/// <param name="InternalIp">The node's InternalIP address, when reported.</param>
/// <param name="ResourceVersion">The resourceVersion the record was read at (patch preconditions).</param>
public sealed record NodeInfo(
    string Name,
    LabelSet Labels,
    EquatableArray<Taint> Taints,
    bool Ready = true,
    bool Unschedulable = false,
    string? InternalIp = null,
    string? ResourceVersion = null)
{
    /// <summary>The node's zone (<c>topology.kubernetes.io/zone</c>), or <c>null</c>.</summary>
    public string? Zone => Labels.GetValueOrDefault(KnownLabels.Zone);
}
