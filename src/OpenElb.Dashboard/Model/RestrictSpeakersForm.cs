using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Model;

/// <summary>How good a node is as one of a router's speaker nodes, best first (the proposal's first sort key).</summary>
public enum CandidateRank
{
    /// <summary>A live, Ready speaker with an established session to this router.</summary>
    Established,

    /// <summary>A live, Ready speaker, but no established session to this router (or the group has no sessions).</summary>
    SpeakerReady,

    /// <summary>No working speaker now, but the restricted placement would start one.</summary>
    NoSpeaker,

    /// <summary>The node is not Ready, or the restricted placement would still keep a speaker off it (e.g. an untolerated taint).</summary>
    CannotRunSpeaker,
}

/// <summary>What a <see cref="RestrictSpeakersWarning"/> is about.</summary>
public enum RestrictSpeakersWarningKind
{
    /// <summary>A router has fewer than two picked nodes: no redundancy (the seed's rule).</summary>
    FewerThanTwo,

    /// <summary>Two or more picks of a router, all in one zone: one failure domain.</summary>
    SameZone,

    /// <summary>A picked node would still run no speaker after the change.</summary>
    PickWontRunSpeaker,

    /// <summary>Nodes not picked already carry the label, so they keep (or get) a speaker: the change only adds labels.</summary>
    UnpickedCarryLabel,

    /// <summary>Node affinity replaces the existing required node affinity terms.</summary>
    AffinityReplaced,
}

/// <summary>One warning of the form.</summary>
/// <param name="Kind">What it is about.</param>
/// <param name="Subject">The router or node it is about, or <c>null</c>.</param>
/// <param name="Message">One sentence for people.</param>
public sealed record RestrictSpeakersWarning(RestrictSpeakersWarningKind Kind, string? Subject, string Message);

/// <summary>One node under one router, as the wizard offers it.</summary>
/// <param name="NodeName">The node.</param>
/// <param name="Zone">Its zone, or <c>null</c>.</param>
/// <param name="Speaker">Its speaker now.</param>
/// <param name="Session">Its session with this router (BgpPeer groups only).</param>
/// <param name="Rank">How good a pick it is.</param>
/// <param name="Proposed">Whether the proposal picks it for this router.</param>
/// <param name="OtherRouters">The other routers it sits under (a pick counts for all of them).</param>
public sealed record RestrictCandidate(
    string NodeName,
    string? Zone,
    SpeakerStatus Speaker,
    SessionHealth? Session,
    CandidateRank Rank,
    bool Proposed,
    IReadOnlyList<string> OtherRouters);

/// <summary>One router group and its candidate nodes, best first.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Kind">Where the group comes from.</param>
/// <param name="Neighbor">The BgpPeer's neighbor address, when a BgpPeer.</param>
/// <param name="Candidates">Nodes under the router, best first (rank, then name).</param>
/// <param name="Zones">The distinct known zones of the candidates, sorted.</param>
public sealed record RestrictRouter(
    string Name,
    RouterGroupKind Kind,
    string? Neighbor,
    IReadOnlyList<RestrictCandidate> Candidates,
    IReadOnlyList<string> Zones)
{
    /// <summary>The proposed nodes for this router, in pick order.</summary>
    public IEnumerable<string> Proposal => Candidates.Where(static c => c.Proposed).Select(static c => c.NodeName);
}

/// <summary>
/// The Restrict speakers wizard's inputs: per router, the nodes to keep speakers on (proposed: two per router, spread
/// over zones, working speakers first), the label that marks them and how the DaemonSet requires it. Builds the seed's
/// recipe as one <see cref="CompositeChange"/>. Picks are per node: a node under two routers counts for both.
/// Mutable; one per wizard; pure (no I/O).
/// </summary>
public sealed class RestrictSpeakersForm
{
    /// <summary>The query parameter that names the router to focus.</summary>
    public const string RouterParameter = "router";

    /// <summary>The seed guide's label value.</summary>
    public const string DefaultValue = "true";

    /// <summary>How many speaker nodes each router should keep (the seed's "at least two").</summary>
    public const int PerRouter = 2;

    private readonly ClusterSnapshot _snapshot;
    private readonly SortedSet<string> _picked = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _proposed = new(StringComparer.Ordinal);

    /// <summary>Builds the candidates and the proposal from one snapshot and its topology, and picks the proposal.</summary>
    public RestrictSpeakersForm(ClusterSnapshot snapshot, ClusterTopology topology)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(topology);
        _snapshot = snapshot;
        Routers = Propose(snapshot, topology, RestrictedPlacement(snapshot.Speaker?.Placement, KnownLabels.SeedSpeakerLabel, DefaultValue, useAffinity: false), _proposed);
        _picked.UnionWith(_proposed);
    }

    /// <summary>The routers, sorted by name.</summary>
    public IReadOnlyList<RestrictRouter> Routers { get; }

    /// <summary>The label key (defaults to the seed's <c>openelb-speaker</c>).</summary>
    public string Key { get; set; } = KnownLabels.SeedSpeakerLabel;

    /// <summary>The label value (defaults to the seed's <c>true</c>).</summary>
    public string Value { get; set; } = DefaultValue;

    /// <summary>Require the label by node affinity instead of the nodeSelector.</summary>
    public bool UseAffinity { get; set; }

    /// <summary>
    /// Also remove the label from the nodes not picked that carry it (default), as the last step: otherwise they keep
    /// their speakers and the restriction does not hold.
    /// </summary>
    public bool RemoveFromOthers { get; set; } = true;

    /// <summary>Nodes not picked that carry the label (with the value): they keep a speaker unless it is removed.</summary>
    public IReadOnlyList<string> UnpickedCarrying => [.. _snapshot.Nodes
        .Where(n => !_picked.Contains(n.Name) && n.Labels.TryGetValue(Key, out var v) && string.Equals(v, Value, StringComparison.Ordinal))
        .Select(static n => n.Name)];

    /// <summary>Whether the cluster has a speaker workload to restrict.</summary>
    public bool HasSpeaker => _snapshot.Speaker is not null;

    /// <summary>The picked nodes (the union over routers), sorted.</summary>
    public IReadOnlyList<string> PickedNodes => [.. _picked];

    /// <summary>The proposed nodes (the union over routers), sorted.</summary>
    public IReadOnlyList<string> ProposedNodes => [.. _proposed];

    /// <summary>Whether <paramref name="node"/> is picked.</summary>
    public bool IsPicked(string node) => _picked.Contains(node);

    /// <summary>Picks or unpicks <paramref name="node"/> (for every router it sits under).</summary>
    public void SetPicked(string node, bool picked)
    {
        if (picked)
        {
            _picked.Add(node);
        }
        else
        {
            _picked.Remove(node);
        }
    }

    /// <summary>Restores the proposal.</summary>
    public void AcceptProposal()
    {
        _picked.Clear();
        _picked.UnionWith(_proposed);
    }

    /// <summary>The picked nodes of one router, in candidate order.</summary>
    public IReadOnlyList<RestrictCandidate> PicksOf(RestrictRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        return router.Candidates.Where(c => _picked.Contains(c.NodeName)).ToArray();
    }

    /// <summary>Why the key is invalid (Core's exact reasons), or empty.</summary>
    public IReadOnlyList<string> KeyErrors => Messages(KubernetesValidation.ValidateKey(Key, "key"));

    /// <summary>Why the value is invalid (Core's exact reasons), or empty.</summary>
    public IReadOnlyList<string> ValueErrors => Messages(KubernetesValidation.ValidateValue(Value, "value"));

    /// <summary>Whether the inputs make a request worth previewing.</summary>
    public bool CanPreview => HasSpeaker && _picked.Count > 0 && KeyErrors.Count == 0 && ValueErrors.Count == 0;

    /// <summary>What deserves a second look before previewing, routers first (in name order), then nodes.</summary>
    public IReadOnlyList<RestrictSpeakersWarning> Warnings
    {
        get
        {
            var warnings = new List<RestrictSpeakersWarning>();
            foreach (var router in Routers)
            {
                var picks = PicksOf(router);
                if (picks.Count < PerRouter)
                {
                    warnings.Add(new(RestrictSpeakersWarningKind.FewerThanTwo, router.Name,
                        $"{router.Name} has {Words.Count(picks.Count, "picked node")}: the seed asks for at least {PerRouter} per router, or one failure takes its traffic down."));
                }
                else if (picks.All(p => p.Zone is not null && string.Equals(p.Zone, picks[0].Zone, StringComparison.Ordinal)))
                {
                    warnings.Add(new(RestrictSpeakersWarningKind.SameZone, router.Name,
                        router.Zones.Count > 1
                            ? $"{router.Name}'s picks are all in zone {picks[0].Zone}, though its nodes span {string.Join(", ", router.Zones)}: one zone failure takes its traffic down."
                            : $"{router.Name}'s picks are all in zone {picks[0].Zone}: one failure domain."));
                }
            }
            if (KeyErrors.Count > 0 || ValueErrors.Count > 0)
            {
                return warnings;
            }
            var placement = RestrictedPlacement(_snapshot.Speaker?.Placement, Key, Value, UseAffinity);
            if (placement is not null)
            {
                foreach (var name in _picked)
                {
                    if (_snapshot.FindNode(name) is { } node && WouldRun(node, placement, Key, Value) is { ShouldRun: false } decision)
                    {
                        warnings.Add(new(RestrictSpeakersWarningKind.PickWontRunSpeaker, name, $"{name} would still run no speaker: {decision.Describe()}"));
                    }
                }
            }
            var carrying = UnpickedCarrying;
            if (carrying.Count > 0 && !RemoveFromOthers)
            {
                warnings.Add(new(RestrictSpeakersWarningKind.UnpickedCarryLabel, null,
                    $"Not picked but already labelled {Key}={Value}, so they keep a speaker (the label stays on them): {string.Join(", ", carrying)}."));
            }
            if (UseAffinity && _snapshot.Speaker?.Placement.RequiredNodeAffinity is { IsEmpty: false } terms)
            {
                warnings.Add(new(RestrictSpeakersWarningKind.AffinityReplaced, null,
                    $"The speaker's required node affinity ({Words.Count(terms.Count, "term")}) is replaced by one term requiring {Key}={Value}."));
            }
            return warnings;
        }
    }

    /// <summary>The change request: label the picked nodes, then require the label in the speaker placement.</summary>
    /// <exception cref="InvalidOperationException">There is no speaker workload (see <see cref="HasSpeaker"/>).</exception>
    public CompositeChange ToRequest()
    {
        var speaker = _snapshot.Speaker ?? throw new InvalidOperationException("No speaker workload to restrict.");
        var restrict = CompositeChange.RestrictSpeakersTo(speaker.Placement, Key, Value, UseAffinity, [.. _picked]);
        var others = UnpickedCarrying;
        // Speakers are lost last: the picked nodes gain theirs and the placement holds before the others lose the label.
        return RemoveFromOthers && others.Count > 0
            ? restrict with
            {
                Title = $"{restrict.Title}, and remove the label from {others.Count} other node(s)",
                Steps = [.. restrict.Steps, SetNodeLabels.Delete(Key, [.. others])],
            }
            : restrict;
    }

    /// <summary>The link that opens the wizard focused on <paramref name="router"/>.</summary>
    public static string Link(string router) => $"wizards/restrict-speakers?{RouterParameter}={Uri.EscapeDataString(router)}";

    // The placement the change would leave, applied to the current one exactly as CompositeChange.RestrictSpeakersTo does.
    private static SpeakerPlacement? RestrictedPlacement(SpeakerPlacement? current, string key, string value, bool useAffinity)
    {
        if (current is null)
        {
            return null;
        }
        var request = CompositeChange.RestrictSpeakersTo(current, key, value, useAffinity);
        return request.Steps.OfType<SetSpeakerPlacement>().Single().ApplyTo(current);
    }

    private static PlacementDecision WouldRun(NodeInfo node, SpeakerPlacement placement, string key, string value) =>
        SpeakerScheduling.Evaluate(node with { Labels = node.Labels.With([KeyValuePair.Create(key, value)]) }, placement);

    private static RestrictRouter[] Propose(ClusterSnapshot snapshot, ClusterTopology topology, SpeakerPlacement? placement, SortedSet<string> proposed)
    {
        var byNode = topology.Nodes.ToDictionary(static n => n.Node.Name, StringComparer.Ordinal);
        var result = new RestrictRouter[topology.Groups.Count];
        // Groups come sorted by name, so the proposal is deterministic; a node picked for an earlier router counts
        // for every later router it also sits under.
        for (var g = 0; g < topology.Groups.Count; g++)
        {
            var group = topology.Groups[g];
            var ranked = group.SelectedNodes
                .Select(name => Rate(snapshot, group, name, byNode.GetValueOrDefault(name), placement))
                .OrderBy(static c => c.Rank)
                .ThenBy(static c => c.NodeName, StringComparer.Ordinal)
                .ToList();
            var zones = ranked.Select(static c => c.Zone).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var chosen = ranked.Where(c => proposed.Contains(c.NodeName)).ToList();
            while (chosen.Count < PerRouter)
            {
                var rest = ranked.Where(c => !chosen.Contains(c)).ToList();
                if (rest.Count == 0)
                {
                    break;
                }
                var next = zones.Length > 1
                    ? rest.FirstOrDefault(c => c.Zone is not null && !chosen.Any(p => string.Equals(p.Zone, c.Zone, StringComparison.Ordinal))) ?? rest[0]
                    : rest[0];
                chosen.Add(next);
            }
            foreach (var c in chosen)
            {
                proposed.Add(c.NodeName);
            }
            var chosenNames = chosen.Select(static c => c.NodeName).ToHashSet(StringComparer.Ordinal);
            var candidates = ranked
                .Select(c => c with
                {
                    Proposed = chosenNames.Contains(c.NodeName),
                    OtherRouters = byNode.TryGetValue(c.NodeName, out var n)
                        ? n.Routers.Where(i => i != g).Select(i => topology.Groups[i].Name).ToArray()
                        : [],
                })
                .ToArray();
            result[g] = new RestrictRouter(group.Name, group.Kind, group.Peer?.NeighborAddress, candidates, zones);
        }
        return result;
    }

    private static RestrictCandidate Rate(ClusterSnapshot snapshot, RouterGroup group, string name, NodeTopology? view, SpeakerPlacement? placement)
    {
        var node = view?.Node ?? snapshot.FindNode(name);
        var speaker = view?.Speaker ?? SpeakerStatus.None;
        SessionHealth? session = group.Kind == RouterGroupKind.BgpPeer
            ? group.Sessions.FirstOrDefault(s => string.Equals(s.NodeName, name, StringComparison.Ordinal))?.Health ?? SessionHealth.NoSpeaker
            : null;
        var rank = node is null || !node.Ready || (placement is not null && !WouldRun(node, placement, KnownLabels.SeedSpeakerLabel, DefaultValue).ShouldRun)
            ? CandidateRank.CannotRunSpeaker
            : speaker != SpeakerStatus.Ready ? CandidateRank.NoSpeaker
            : session == SessionHealth.Established ? CandidateRank.Established
            : CandidateRank.SpeakerReady;
        return new RestrictCandidate(name, node?.Zone, speaker, session, rank, Proposed: false, OtherRouters: []);
    }

    private static string[] Messages(IEnumerable<ValidationError> errors) => errors.Select(static e => e.Message).ToArray();
}
