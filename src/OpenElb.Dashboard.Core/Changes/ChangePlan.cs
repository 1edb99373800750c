using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Core.Changes;

/// <summary>What happens to a node's speaker.</summary>
public enum SpeakerOutcome
{
    /// <summary>No speaker before, one after.</summary>
    Gains,

    /// <summary>A speaker before, none after.</summary>
    Loses,

    /// <summary>A speaker before and after (it may restart on the way: see <see cref="NodePlan.Restarted"/>).</summary>
    Keeps,

    /// <summary>No speaker before or after.</summary>
    StaysWithout,
}

/// <summary>The predicted effect of a plan on one node.</summary>
/// <param name="NodeName">The node.</param>
/// <param name="Outcome">Gains, loses, keeps or stays without a speaker.</param>
/// <param name="Before">The placement decision now.</param>
/// <param name="After">The placement decision after the change.</param>
/// <param name="Restarted">Whether its speaker pod is replaced (rolling update or restart step).</param>
/// <param name="RoutersBefore">Routers the node sits under now.</param>
/// <param name="RoutersAfter">Routers the node sits under after the change.</param>
/// <param name="NeedsRestart">Its speaker keeps running but its router membership changes: OpenELB only notices after a restart.</param>
public sealed record NodePlan(
    string NodeName,
    SpeakerOutcome Outcome,
    PlacementDecision Before,
    PlacementDecision After,
    bool Restarted,
    EquatableArray<string> RoutersBefore,
    EquatableArray<string> RoutersAfter,
    bool NeedsRestart)
{
    /// <summary>Why, in one sentence.</summary>
    public string Why => Outcome switch
    {
        SpeakerOutcome.Gains or SpeakerOutcome.Keeps => After.Describe(),
        SpeakerOutcome.Loses => After.ShouldRun ? "Its speaker is replaced and not recreated." : After.Describe(),
        _ => After.Describe(),
    };
}

/// <summary>A router's state before and after a plan.</summary>
/// <param name="Name">Router (BgpPeer or group) name.</param>
/// <param name="SpeakerNodesBefore">Nodes under it with a speaker now.</param>
/// <param name="SpeakerNodesAfter">Nodes under it with a speaker after.</param>
/// <param name="ExpectedBefore">Sessions expected now.</param>
/// <param name="ExpectedAfter">Sessions expected after.</param>
/// <param name="EstablishedBefore">Established sessions now.</param>
/// <param name="EstablishedAfter">Established sessions predicted after.</param>
/// <param name="RedundancyBefore">Verdict now.</param>
/// <param name="RedundancyAfter">Verdict after.</param>
public sealed record RouterImpact(
    string Name,
    EquatableArray<string> SpeakerNodesBefore,
    EquatableArray<string> SpeakerNodesAfter,
    int ExpectedBefore,
    int ExpectedAfter,
    int EstablishedBefore,
    int EstablishedAfter,
    RedundancyState RedundancyBefore,
    RedundancyState RedundancyAfter);

/// <summary>How a patch is sent.</summary>
public enum PatchKind
{
    /// <summary>JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    MergePatch,

    /// <summary>Delete the object.</summary>
    Delete,
}

/// <summary>A Kubernetes object a patch targets.</summary>
/// <param name="Kind">Kind: Node, DaemonSet, Deployment, Pod.</param>
/// <param name="Namespace">Namespace, <c>null</c> for cluster-scoped objects.</param>
/// <param name="Name">Name.</param>
public sealed record ObjectRef(string Kind, string? Namespace, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>One write the plan sends, exactly.</summary>
/// <param name="Step">Index of the request step it belongs to (0 for a single request).</param>
/// <param name="Target">The object.</param>
/// <param name="Kind">Merge patch or delete.</param>
/// <param name="Body">The patch document (JSON); empty for a delete.</param>
/// <param name="ResourceVersion">The resourceVersion the body is guarded by (also inside the body), or <c>null</c>.</param>
/// <param name="Summary">What it changes, in words.</param>
public sealed record PlannedPatch(int Step, ObjectRef Target, PatchKind Kind, string Body, string? ResourceVersion, string Summary)
{
    /// <summary>The fields the patch changes, before → after, in path order (empty for a delete).</summary>
    public EquatableArray<FieldChange> Fields { get; init; } = EquatableArray<FieldChange>.Empty;
}

/// <summary>
/// The predicted effect of a change request on a snapshot, and the exact writes that make it. Immutable.
/// When <see cref="Errors"/> is not empty the plan is invalid: it carries no patches and no predictions.
/// </summary>
/// <param name="SnapshotVersion">The snapshot version the plan was made from.</param>
/// <param name="Request">The request.</param>
/// <param name="Errors">Validation errors; empty when the request is valid.</param>
/// <param name="Warnings">Things the user must know before applying (Helm, evictions, removed tolerations, the taint caveat).</param>
/// <param name="Nodes">Per node, in name order.</param>
/// <param name="Routers">Per router, in name order.</param>
/// <param name="FindingsAdded">Findings the change introduces.</param>
/// <param name="FindingsCleared">Findings the change clears.</param>
/// <param name="PodTemplateChanges">Whether the speaker pod template changes, so every speaker restarts one by one.</param>
/// <param name="Patches">The writes, in order.</param>
/// <param name="HelmValues">For a Helm-managed speaker whose placement changes: the equivalent chart values (YAML).</param>
public sealed record ChangePlan(
    long SnapshotVersion,
    ChangeRequest Request,
    EquatableArray<ValidationError> Errors,
    EquatableArray<string> Warnings,
    EquatableArray<NodePlan> Nodes,
    EquatableArray<RouterImpact> Routers,
    EquatableArray<Finding> FindingsAdded,
    EquatableArray<Finding> FindingsCleared,
    bool PodTemplateChanges,
    EquatableArray<PlannedPatch> Patches,
    string? HelmValues)
{
    /// <summary>For a Helm-managed speaker whose placement changes: the same values as <c>helm upgrade --set</c> flags.</summary>
    public EquatableArray<string> HelmSetFlags { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Whether the request passed validation.</summary>
    public bool IsValid => Errors.IsEmpty;

    /// <summary>Whether the plan changes nothing.</summary>
    public bool IsNoOp => IsValid && Patches.IsEmpty;

    /// <summary>Routers whose established sessions drop below the minimum (the guard: ask for typed confirmation).</summary>
    public IEnumerable<RouterImpact> RoutersDroppingBelow(int minimum = 2) =>
        Routers.Where(r => r.EstablishedAfter < minimum && r.EstablishedAfter < r.EstablishedBefore);

    /// <summary>Whether any router drops below the minimum.</summary>
    public bool DropsBelowMinimum(int minimum = 2) => RoutersDroppingBelow(minimum).Any();

    /// <summary>Nodes whose speaker must be restarted for OpenELB to follow the new router membership.</summary>
    public IEnumerable<string> NodesNeedingRestart => Nodes.Where(static n => n.NeedsRestart).Select(static n => n.NodeName);

    /// <summary>Nodes that gain a speaker.</summary>
    public IEnumerable<NodePlan> Gaining => Nodes.Where(static n => n.Outcome == SpeakerOutcome.Gains);

    /// <summary>Nodes that lose a speaker.</summary>
    public IEnumerable<NodePlan> Losing => Nodes.Where(static n => n.Outcome == SpeakerOutcome.Loses);

    /// <summary>An invalid plan.</summary>
    public static ChangePlan Invalid(long snapshotVersion, ChangeRequest request, IEnumerable<ValidationError> errors) =>
        new(snapshotVersion, request, errors.ToEquatableArray(), EquatableArray<string>.Empty, EquatableArray<NodePlan>.Empty,
            EquatableArray<RouterImpact>.Empty, EquatableArray<Finding>.Empty, EquatableArray<Finding>.Empty, false,
            EquatableArray<PlannedPatch>.Empty, null);
}
