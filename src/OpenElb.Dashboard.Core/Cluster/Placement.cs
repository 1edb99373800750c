namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>Well-known operator names for node selector requirements and label selector requirements.</summary>
public static class SelectorOperators
{
    /// <summary>The label's value is one of the values.</summary>
    public const string In = "In";

    /// <summary>The label is absent, or its value is none of the values.</summary>
    public const string NotIn = "NotIn";

    /// <summary>The label is present.</summary>
    public const string Exists = "Exists";

    /// <summary>The label is absent.</summary>
    public const string DoesNotExist = "DoesNotExist";

    /// <summary>The label's value, as an integer, is greater than the single value (node selectors only).</summary>
    public const string Gt = "Gt";

    /// <summary>The label's value, as an integer, is less than the single value (node selectors only).</summary>
    public const string Lt = "Lt";

    /// <summary>All six node selector operators, in Kubernetes' documentation order.</summary>
    public static IReadOnlyList<string> NodeSelectorOperators { get; } = [In, NotIn, Exists, DoesNotExist, Gt, Lt];

    /// <summary>The four label selector operators (no Gt/Lt).</summary>
    public static IReadOnlyList<string> LabelSelectorOperators { get; } = [In, NotIn, Exists, DoesNotExist];
}

/// <summary>
/// One requirement of a node selector term (<c>matchExpressions</c> or <c>matchFields</c>). The operator is kept as the
/// string the API returned, so an unknown operator is represented faithfully (it makes its term match nothing).
/// </summary>
/// <param name="Key">Label key, or for <c>matchFields</c> the field (only <c>metadata.name</c> is supported).</param>
/// <param name="Operator">One of <see cref="SelectorOperators.NodeSelectorOperators"/>, or anything else (invalid).</param>
/// <param name="Values">The values.</param>
public sealed record NodeSelectorRequirement(string Key, string Operator, EquatableArray<string> Values)
{
    /// <summary>Creates a requirement with the given values.</summary>
    public static NodeSelectorRequirement Of(string key, string op, params string[] values) => new(key, op, new([.. values]));

    /// <inheritdoc />
    public override string ToString() => Values.IsEmpty ? $"{Key} {Operator}" : $"{Key} {Operator} ({string.Join(",", Values)})";
}

/// <summary>
/// A node selector term: its requirements are ANDed. A term with no requirements matches nothing.
/// </summary>
/// <param name="MatchExpressions">Requirements on node labels.</param>
/// <param name="MatchFields">Requirements on node fields (only <c>metadata.name</c>, with In/NotIn and one value).</param>
public sealed record NodeSelectorTerm(EquatableArray<NodeSelectorRequirement> MatchExpressions, EquatableArray<NodeSelectorRequirement> MatchFields)
{
    /// <summary>A term with the given label requirements and no field requirements.</summary>
    public static NodeSelectorTerm Of(params NodeSelectorRequirement[] matchExpressions) =>
        new(new([.. matchExpressions]), EquatableArray<NodeSelectorRequirement>.Empty);
}

/// <summary>How a toleration compares the taint value.</summary>
public enum TolerationOperator
{
    /// <summary>Key and value must equal the taint's (the default when the API leaves it empty).</summary>
    Equal,

    /// <summary>Only the key must equal the taint's; with an empty key it tolerates every taint.</summary>
    Exists,
}

/// <summary>A pod toleration.</summary>
/// <param name="Key">Taint key to tolerate; empty with <see cref="TolerationOperator.Exists"/> tolerates every key.</param>
/// <param name="Operator">Equal (default) or Exists.</param>
/// <param name="Value">Value for Equal; empty otherwise.</param>
/// <param name="Effect">Effect to tolerate; <c>null</c> tolerates every effect.</param>
/// <param name="TolerationSeconds">For NoExecute: how long a pod stays bound after the taint appears; <c>null</c> = forever.</param>
public sealed record Toleration(
    string Key,
    TolerationOperator Operator = TolerationOperator.Equal,
    string Value = "",
    TaintEffect? Effect = null,
    long? TolerationSeconds = null)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var key = Key.Length == 0 ? "*" : Key;
        var what = Operator == TolerationOperator.Exists ? $"{key} Exists" : $"{key}={Value}";
        var text = Effect is { } effect ? $"{what}:{effect}" : $"{what}:*";
        return TolerationSeconds is { } seconds ? $"{text} for {seconds}s" : text;
    }
}

/// <summary>
/// Where the speaker workload may run: the pod template's nodeSelector, required node affinity and tolerations.
/// </summary>
/// <param name="NodeSelector">Pod template <c>nodeSelector</c>; every pair must match the node's labels.</param>
/// <param name="RequiredNodeAffinity">
/// Pod template <c>requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms</c>, ORed; <c>null</c> when the
/// template sets no required node affinity (an empty list, by contrast, matches no node).
/// </param>
/// <param name="Tolerations">Pod template tolerations, as written (without those the DaemonSet controller adds).</param>
public sealed record SpeakerPlacement(
    LabelSet NodeSelector,
    EquatableArray<NodeSelectorTerm>? RequiredNodeAffinity,
    EquatableArray<Toleration> Tolerations)
{
    /// <summary>No restriction at all: every node that has no untolerated taint.</summary>
    public static SpeakerPlacement Unrestricted { get; } = new(LabelSet.Empty, null, EquatableArray<Toleration>.Empty);

    /// <summary>
    /// The kubectl manifest's (<c>deploy/openelb.yaml</c>) placement: nodeSelector <c>kubernetes.io/os=linux</c> and
    /// tolerations for the master and control-plane NoSchedule taints.
    /// </summary>
    public static SpeakerPlacement KubectlManifestDefault { get; } = new(
        LabelSet.Of((KnownLabels.Os, "linux")),
        null,
        EquatableArray.Create(
            new Toleration("node-role.kubernetes.io/master", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
            new Toleration("node-role.kubernetes.io/control-plane", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule)));
}
