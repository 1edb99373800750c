using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Changes;

/// <summary>A change the user asks for. Planning turns it into a <see cref="ChangePlan"/>; nothing is applied here.</summary>
public abstract record ChangeRequest
{
    /// <summary>One line for people and for the audit log.</summary>
    public abstract string Describe();
}

/// <summary>Adds or overwrites (<paramref name="Set"/>) and removes (<paramref name="Remove"/>) labels on nodes.</summary>
/// <param name="Nodes">Node names.</param>
/// <param name="Set">Labels to add or overwrite.</param>
/// <param name="Remove">Label keys to remove.</param>
public sealed record SetNodeLabels(EquatableArray<string> Nodes, LabelSet Set, EquatableArray<string> Remove) : ChangeRequest
{
    /// <summary>Sets one label on nodes (<c>kubectl label nodes … key=value --overwrite</c>).</summary>
    public static SetNodeLabels Add(string key, string value, params string[] nodes) =>
        new(new([.. nodes]), LabelSet.Of((key, value)), EquatableArray<string>.Empty);

    /// <summary>Removes one label from nodes (<c>kubectl label nodes … key-</c>).</summary>
    public static SetNodeLabels Delete(string key, params string[] nodes) =>
        new(new([.. nodes]), LabelSet.Empty, EquatableArray.Create(key));

    /// <inheritdoc />
    public override string Describe()
    {
        var parts = Set.Select(static p => $"{p.Key}={p.Value}").Concat(Remove.Select(static k => $"{k}-"));
        return $"Label {Nodes.Count} node(s): {string.Join(" ", parts)}";
    }
}

/// <summary>Names taints to remove: a key and, optionally, one effect (<c>null</c> = every effect of that key).</summary>
/// <param name="Key">Taint key.</param>
/// <param name="Effect">Effect, or <c>null</c> for all.</param>
public sealed record TaintRef(string Key, TaintEffect? Effect = null)
{
    /// <summary>Whether <paramref name="taint"/> is one this reference names.</summary>
    public bool Matches(Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return string.Equals(taint.Key, Key, StringComparison.Ordinal) && (Effect is null || Effect == taint.Effect);
    }

    /// <inheritdoc />
    public override string ToString() => Effect is null ? $"{Key}-" : $"{Key}:{Effect}-";
}

/// <summary>
/// Adds taints (a taint with the same key and effect is overwritten) and removes taints on nodes.
/// Removals apply first, then additions.
/// </summary>
/// <param name="Nodes">Node names.</param>
/// <param name="Add">Taints to add or overwrite.</param>
/// <param name="Remove">Taints to remove.</param>
public sealed record SetNodeTaints(EquatableArray<string> Nodes, EquatableArray<Taint> Add, EquatableArray<TaintRef> Remove) : ChangeRequest
{
    /// <summary>Adds one taint to nodes (<c>kubectl taint nodes … key=value:Effect</c>).</summary>
    public static SetNodeTaints Adding(Taint taint, params string[] nodes) =>
        new(new([.. nodes]), EquatableArray.Create(taint), EquatableArray<TaintRef>.Empty);

    /// <summary>Removes taints from nodes (<c>kubectl taint nodes … key:Effect-</c>).</summary>
    public static SetNodeTaints Removing(TaintRef taint, params string[] nodes) =>
        new(new([.. nodes]), EquatableArray<Taint>.Empty, EquatableArray.Create(taint));

    /// <inheritdoc />
    public override string Describe() =>
        $"Taint {Nodes.Count} node(s): {string.Join(" ", Add.Select(static t => t.ToString()).Concat(Remove.Select(static r => r.ToString())))}";
}

/// <summary>Which parts of the speaker placement a <see cref="SetSpeakerPlacement"/> replaces.</summary>
[Flags]
public enum PlacementParts
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The pod template nodeSelector (written as a merge patch: removed keys become null).</summary>
    NodeSelector = 1,

    /// <summary>The required node affinity terms (written whole).</summary>
    NodeAffinity = 2,

    /// <summary>The tolerations (written whole: the list has no merge key).</summary>
    Tolerations = 4,

    /// <summary>All three.</summary>
    All = NodeSelector | NodeAffinity | Tolerations,
}

/// <summary>Replaces parts of the speaker DaemonSet's placement, each part whole.</summary>
/// <param name="Placement">The intended placement; only <paramref name="Parts"/> of it are used.</param>
/// <param name="Parts">Which parts to replace.</param>
public sealed record SetSpeakerPlacement(SpeakerPlacement Placement, PlacementParts Parts = PlacementParts.All) : ChangeRequest
{
    /// <summary>Applies the selected parts of this request to <paramref name="current"/>.</summary>
    public SpeakerPlacement ApplyTo(SpeakerPlacement current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new SpeakerPlacement(
            Parts.HasFlag(PlacementParts.NodeSelector) ? Placement.NodeSelector : current.NodeSelector,
            Parts.HasFlag(PlacementParts.NodeAffinity) ? Placement.RequiredNodeAffinity : current.RequiredNodeAffinity,
            Parts.HasFlag(PlacementParts.Tolerations) ? Placement.Tolerations : current.Tolerations);
    }

    /// <inheritdoc />
    public override string Describe() => $"Set speaker placement ({Parts})";
}

/// <summary>Deletes the speaker pods on nodes so the DaemonSet recreates them (OpenELB then re-evaluates BgpPeer selectors).</summary>
/// <param name="Nodes">Node names.</param>
public sealed record RestartSpeakers(EquatableArray<string> Nodes) : ChangeRequest
{
    /// <inheritdoc />
    public override string Describe() => $"Restart speakers on {Nodes.Count} node(s)";
}

/// <summary>Several changes applied in order, planned as one correlated change.</summary>
/// <param name="Title">What the whole change is for.</param>
/// <param name="Steps">The steps, in order.</param>
public sealed record CompositeChange(string Title, EquatableArray<ChangeRequest> Steps) : ChangeRequest
{
    /// <summary>
    /// The seed's recipe as one change: label <paramref name="nodes"/> with <paramref name="key"/>=<paramref name="value"/>,
    /// then require that label in the speaker placement, by nodeSelector (merged into the existing one) or by node
    /// affinity (one term with an In requirement).
    /// </summary>
    public static CompositeChange RestrictSpeakersTo(SpeakerPlacement current, string key, string value, bool useAffinity, params string[] nodes)
    {
        ArgumentNullException.ThrowIfNull(current);
        ChangeRequest placement = useAffinity
            ? new SetSpeakerPlacement(
                current with { RequiredNodeAffinity = EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of(key, SelectorOperators.In, value))) },
                PlacementParts.NodeAffinity)
            : new SetSpeakerPlacement(
                current with { NodeSelector = current.NodeSelector.With([KeyValuePair.Create(key, value)]) },
                PlacementParts.NodeSelector);
        return new CompositeChange(
            $"Restrict speakers to {nodes.Length} node(s) labelled {key}={value}",
            EquatableArray.Create(SetNodeLabels.Add(key, value, nodes), placement));
    }

    /// <inheritdoc />
    public override string Describe() => Title;
}
