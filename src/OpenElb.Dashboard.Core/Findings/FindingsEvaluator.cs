using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Core.Findings;

/// <summary>
/// Checks a snapshot against the redundancy and placement rules of openelb-reference (the seed's guidance made
/// checkable). Pure, deterministic (sorted by severity, rule, router) and thread-safe.
/// </summary>
public static class FindingsEvaluator
{
    /// <summary>Evaluates every rule; <paramref name="topology"/> must have been built from <paramref name="snapshot"/>.</summary>
    public static EquatableArray<Finding> Evaluate(ClusterSnapshot snapshot, ClusterTopology topology, FindingsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(topology);
        options ??= FindingsOptions.Default;
        var findings = new List<Finding>();
        var min = options.MinSpeakersPerRouter;
        var bgpMode = !snapshot.Peers.IsEmpty || snapshot.Eips.Any(static e => !e.Disabled && e.Protocol == EipProtocol.Bgp);
        var layer2Eips = snapshot.Eips.Where(static e => !e.Disabled && e.Protocol is EipProtocol.Layer2 or EipProtocol.Vip).ToArray();

        if (snapshot.Speaker is null && !snapshot.Nodes.IsEmpty)
        {
            findings.Add(new Finding(
                FindingRules.SpeakerMissing,
                FindingSeverity.Critical,
                null,
                EquatableArray<string>.Empty,
                "No OpenELB speaker workload was found (a DaemonSet labelled app=openelb,component=speaker, or the legacy openelb-manager Deployment), so no node announces Service IPs.",
                new Remedy(RemedyKind.None, "Install OpenELB, or check that the dashboard may list DaemonSets in its namespace.")));
        }

        if (bgpMode && snapshot.BgpConf is null)
        {
            findings.Add(new Finding(
                FindingRules.BgpConfMissing,
                FindingSeverity.Critical,
                null,
                EquatableArray<string>.Empty,
                "BGP is in use but the BgpConf named 'default' is missing, so the speakers start no BGP server and establish no session.",
                new Remedy(RemedyKind.EditBgpConfiguration, "Create the BgpConf 'default' with the cluster's AS and listen port.")));
        }

        foreach (var group in topology.Groups)
        {
            if (group.Kind == RouterGroupKind.BgpPeer)
            {
                EvaluatePeer(snapshot, topology, group, options, findings);
            }
            else if (layer2Eips.Length > 0 && !group.SelectedNodes.IsEmpty && group.SpeakerNodes.Count < min)
            {
                findings.Add(new Finding(
                    FindingRules.Layer2FewSpeakers,
                    group.SpeakerNodes.Count == 0 ? FindingSeverity.Critical : FindingSeverity.Warning,
                    group.Name,
                    group.SpeakerNodes,
                    $"{Describe(group)} has {Count(group.SpeakerNodes.Count, "ready speaker")}; Layer2/VIP needs at least {min} speakers on different nodes under the same router.",
                    new Remedy(RemedyKind.RestrictSpeakers, $"Allow speakers on at least {min} nodes of {Describe(group)}.")));
            }
        }

        if (layer2Eips.Length > 0 && SpansSeveralRouters(snapshot, topology, options))
        {
            findings.Add(new Finding(
                FindingRules.Layer2AcrossRouters,
                FindingSeverity.Warning,
                null,
                EquatableArray<string>.Empty,
                $"Layer2/VIP Eips ({string.Join(", ", layer2Eips.Select(static e => e.Name))}) are in use while the nodes sit under more than one router or rack; Layer2 only works when all nodes share one router.",
                new Remedy(RemedyKind.EditBgpConfiguration, "Use BGP mode for clusters spread across routers, or restrict Layer2 speakers to the nodes of one router.")));
        }

        if (bgpMode && snapshot.BgpConf is { AsPerRack.IsEmpty: true } && UsesRackLabels(snapshot, options))
        {
            findings.Add(new Finding(
                FindingRules.RackWithoutAsPerRack,
                FindingSeverity.Advisory,
                null,
                EquatableArray<string>.Empty,
                $"Nodes or BgpPeers use the rack label '{options.RackLabel}', but BgpConf 'default' has no asPerRack, so next hops are not filtered per rack.",
                new Remedy(RemedyKind.EditBgpConfiguration, "Set spec.asPerRack in BgpConf 'default' (rack label value to AS).")));
        }

        findings.Sort(static (a, b) =>
        {
            var c = a.Severity.CompareTo(b.Severity);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.RuleId, b.RuleId);
            }
            return c != 0 ? c : string.CompareOrdinal(a.Router, b.Router);
        });
        return new([.. findings]);
    }

    private static void EvaluatePeer(ClusterSnapshot snapshot, ClusterTopology topology, RouterGroup group, FindingsOptions options, List<Finding> findings)
    {
        var peer = group.Peer!;
        var min = options.MinSpeakersPerRouter;
        var name = Describe(group);
        if (peer.AdminDown)
        {
            findings.Add(new Finding(
                FindingRules.PeerAdminDown,
                FindingSeverity.Warning,
                group.Name,
                group.SpeakerNodes,
                $"{name} is administratively down (spec.conf.adminDown): none of its {Count(group.SpeakerNodes.Count, "speaker")} keeps a session.",
                new Remedy(RemedyKind.EditBgpConfiguration, $"Clear spec.conf.adminDown on BgpPeer '{peer.Name}' when the maintenance is over.")));
            return;
        }

        // Placement view of the router: which selected nodes the speaker placement allows at all.
        var allowed = new List<string>();
        var excluded = new List<string>();
        foreach (var nodeName in group.SelectedNodes)
        {
            // The topology already holds each node's placement decision (same snapshot): reuse it, don't re-evaluate.
            // A running speaker stays while the controller lets it continue (an untolerated NoSchedule taint does not
            // evict it), so such a node still counts as allowed; the finding names nodes that have or get no speaker.
            var placement = topology.Nodes[snapshot.IndexOfNode(nodeName)].Placement;
            var keeps = snapshot.HasSpeakerPod(nodeName) ? placement.ShouldContinueRunning : placement.ShouldRun;
            (keeps ? allowed : excluded).Add(nodeName);
        }
        var placementShort = allowed.Count < min;
        var restrictRemedy = new Remedy(
            RemedyKind.RestrictSpeakers,
            $"Allow speakers on at least {min} nodes under {peer.Name} (label them and add the label to the speaker nodeSelector), in different zones where possible.");

        if (group.Established == 0)
        {
            findings.Add(new Finding(
                FindingRules.RouterNoSession,
                FindingSeverity.Critical,
                group.Name,
                group.SpeakerNodes,
                group.SpeakerNodes.IsEmpty
                    ? $"{name} has no established BGP session: no node under it runs a ready speaker."
                    : $"{name} has no established BGP session: {Count(group.SpeakerNodes.Count, "speaker")} under it ({Names(group.SpeakerNodes)}), none established.",
                group.SpeakerNodes.IsEmpty
                    ? restrictRemedy
                    : new Remedy(RemedyKind.None, $"Check the router at {peer.NeighborAddress} (AS {peer.PeerAs}) and the speakers' BGP settings; the sessions are not coming up.")));
        }
        else if (group.Established < min)
        {
            findings.Add(new Finding(
                FindingRules.RouterFewSessions,
                FindingSeverity.Warning,
                group.Name,
                EstablishedNodes(group),
                group.Established == 1
                    ? $"{name} has only one established BGP session: one failure takes its traffic down (at least {min} are needed)."
                    : $"{name} has only {group.Established} established BGP sessions (at least {min} are needed).",
                group.SpeakerNodes.Count >= min
                    ? new Remedy(RemedyKind.None, $"Find out why the other {Count(group.SpeakerNodes.Count - group.Established, "speaker")} under {peer.Name} did not establish.")
                    : restrictRemedy));
        }

        if (group.SpeakerNodes.Count < min)
        {
            findings.Add(new Finding(
                FindingRules.RouterFewSpeakers,
                FindingSeverity.Warning,
                group.Name,
                group.SpeakerNodes,
                placementShort
                    ? $"{name} has {Count(group.SpeakerNodes.Count, "ready speaker")}, and the speaker placement allows only {Count(allowed.Count, "node")} under it: it can never be redundant."
                    : $"{name} has {Count(group.SpeakerNodes.Count, "ready speaker")} although the placement allows {allowed.Count}: speakers are missing or not ready.",
                placementShort
                    ? restrictRemedy
                    : new Remedy(RemedyKind.None, $"Check the speaker pods on {string.Join(", ", allowed.Except(group.SpeakerNodes, StringComparer.Ordinal).Take(5))}.")));
        }

        if (excluded.Count > 0)
        {
            findings.Add(new Finding(
                FindingRules.SelectedNodeWithoutSpeaker,
                placementShort ? FindingSeverity.Warning : FindingSeverity.Info,
                group.Name,
                new([.. excluded]),
                $"{Count(excluded.Count, "node")} selected by {name} {(excluded.Count == 1 ? "is" : "are")} excluded by the speaker placement ({Names(excluded)})" +
                    (placementShort ? $", leaving fewer than {min} speakers under it." : "; intended when speakers are restricted."),
                placementShort
                    ? restrictRemedy
                    : new Remedy(RemedyKind.None, "Nothing to do if the restriction is intended.")));
        }

        if (group.SpeakerNodes.Count >= min && SingleZone(snapshot, group.SpeakerNodes, options.ZoneLabel) is { } zone)
        {
            findings.Add(new Finding(
                FindingRules.SpeakersShareZone,
                FindingSeverity.Advisory,
                group.Name,
                group.SpeakerNodes,
                $"All {group.SpeakerNodes.Count} speakers under {name} are in zone '{zone}': one zone failure takes every session down.",
                new Remedy(RemedyKind.RestrictSpeakers, $"Place one of {peer.Name}'s speakers on a node in another zone.")));
        }

        if ((peer.NodeSelector is null || peer.NodeSelector.IsEmpty) && group.Expected > options.MaxSessionsPerRouter)
        {
            findings.Add(new Finding(
                FindingRules.RouterSessionLoad,
                FindingSeverity.Advisory,
                group.Name,
                EquatableArray<string>.Empty,
                $"{name} has no node selector, so every speaker peers with it: {group.Expected} sessions (more than {options.MaxSessionsPerRouter}) load the router.",
                new Remedy(RemedyKind.RestrictSpeakers, $"Restrict speakers to two or three nodes per router (the seed's recommendation) or give BgpPeer '{peer.Name}' a node selector.")));
        }

        var stale = group.Sessions.Where(static s => s.Health == SessionHealth.Stale).Select(static s => s.NodeName).ToArray();
        if (stale.Length > 0)
        {
            findings.Add(new Finding(
                FindingRules.StaleSessionEntries,
                FindingSeverity.Info,
                group.Name,
                new(stale),
                $"{name} status lists {Count(stale.Length, "node")} without a live speaker ({Names(stale)}); OpenELB never removes such entries, so they are not counted as sessions.",
                new Remedy(RemedyKind.None, "Nothing to do: the entries are leftovers of speakers that moved or stopped.")));
        }

        var unselectedLive = group.Sessions
            .Where(static s => !s.Selected && s.Health is SessionHealth.Established or SessionHealth.Down)
            .Select(static s => s.NodeName)
            .ToArray();
        if (unselectedLive.Length > 0)
        {
            findings.Add(new Finding(
                FindingRules.SessionsNeedRestart,
                FindingSeverity.Warning,
                group.Name,
                new(unselectedLive),
                $"{Count(unselectedLive.Length, "speaker")} still peer with {name} although its selector no longer selects {(unselectedLive.Length == 1 ? "that node" : "those nodes")}: OpenELB does not re-evaluate selectors when nodes are relabelled.",
                new Remedy(RemedyKind.RestartSpeakers, $"Restart the speakers on {Names(unselectedLive)}.")));
        }
    }

    /// <summary>The zone all <paramref name="nodes"/> share, or <c>null</c> when they differ or one has none.</summary>
    private static string? SingleZone(ClusterSnapshot snapshot, EquatableArray<string> nodes, string zoneLabel)
    {
        string? shared = null;
        foreach (var name in nodes)
        {
            var zone = snapshot.FindNode(name)?.Labels.GetValueOrDefault(zoneLabel);
            if (zone is null || (shared is not null && !string.Equals(shared, zone, StringComparison.Ordinal)))
            {
                return null;
            }
            shared = zone;
        }
        return shared;
    }

    private static EquatableArray<string> EstablishedNodes(RouterGroup group) =>
        new([.. group.Sessions.Where(static s => s.Selected && s.Health == SessionHealth.Established).Select(static s => s.NodeName)]);

    private static bool SpansSeveralRouters(ClusterSnapshot snapshot, ClusterTopology topology, FindingsOptions options)
    {
        // Routers that select different sets of nodes put the nodes under different routers; several routers that
        // all select the same nodes (e.g. a redundant pair) do not.
        var distinctSelections = topology.Groups
            .Where(static g => g.Kind == RouterGroupKind.BgpPeer && !g.SelectedNodes.IsEmpty)
            .Select(static g => g.SelectedNodes)
            .Distinct()
            .Count();
        if (distinctSelections > 1)
        {
            return true;
        }
        string? firstRack = null;
        foreach (var node in snapshot.Nodes)
        {
            if (node.Labels.TryGetValue(options.RackLabel, out var rack))
            {
                if (firstRack is null)
                {
                    firstRack = rack;
                }
                else if (!string.Equals(firstRack, rack, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool UsesRackLabels(ClusterSnapshot snapshot, FindingsOptions options) =>
        snapshot.Nodes.Any(n => n.Labels.ContainsKey(options.RackLabel))
        || snapshot.Peers.Any(p => p.NodeSelector is { } s
            && (s.MatchLabels.ContainsKey(options.RackLabel) || s.MatchExpressions.Any(e => e.Key == options.RackLabel)));

    private static string Describe(RouterGroup group) => group switch
    {
        { Kind: RouterGroupKind.BgpPeer, Peer: { } peer } => $"Router {peer.Name} ({peer.NeighborAddress})",
        { Kind: RouterGroupKind.Label } => $"Rack {group.Name}",
        _ => "The cluster",
    };

    /// <summary>Up to five node names, then "and N more": messages stay one sentence at 5,000 nodes.</summary>
    private static string Names(IReadOnlyCollection<string> names) =>
        names.Count <= 5 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(5))} and {names.Count - 5} more";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
