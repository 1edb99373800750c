using System.Globalization;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>How things are said on screen: one place, so every page says them the same way.</summary>
public static class Words
{
    /// <summary>A BgpPeer node selector in words; <c>null</c> selects every node with a speaker.</summary>
    public static string Selector(LabelSelector? selector)
    {
        if (selector is null)
        {
            return "every node with a speaker (no node selector)";
        }
        var parts = selector.MatchLabels.Select(static p => $"{p.Key}={p.Value}")
            .Concat(selector.MatchExpressions.Select(static r => Requirement(r.Key, r.Operator, r.Values)))
            .ToList();
        return parts.Count == 0 ? "every node (empty node selector)" : "nodes labelled " + string.Join(" and ", parts);
    }

    /// <summary>One selector requirement, e.g. <c>zone in (a, b)</c>.</summary>
    public static string Requirement(string key, string op, IReadOnlyList<string> values) => op switch
    {
        SelectorOperators.In => $"{key} in ({string.Join(", ", values)})",
        SelectorOperators.NotIn => $"{key} not in ({string.Join(", ", values)})",
        SelectorOperators.Exists => $"{key} present",
        SelectorOperators.DoesNotExist => $"{key} absent",
        SelectorOperators.Gt => $"{key} > {(values.Count > 0 ? values[0] : "")}",
        SelectorOperators.Lt => $"{key} < {(values.Count > 0 ? values[0] : "")}",
        _ => $"{key} {op} ({string.Join(", ", values)})",
    };

    /// <summary>The speaker placement in words: "runs on nodes labelled …, with required affinity …; tolerates …".</summary>
    public static string Placement(SpeakerPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var where = new List<string>();
        if (placement.NodeSelector.Count > 0)
        {
            where.Add("nodes labelled " + string.Join(" and ", placement.NodeSelector.Select(static p => $"{p.Key}={p.Value}")));
        }
        if (placement.RequiredNodeAffinity is { } terms)
        {
            where.Add(terms.Count == 0
                ? "no node at all (the required node affinity has no term)"
                : "nodes matching " + string.Join(" or ", terms.Select(Term)));
        }
        var runs = where.Count == 0 ? "Runs on every node" : "Runs on " + string.Join(", and ", where);
        var tolerates = placement.Tolerations.Count == 0
            ? "tolerates no taints (beyond the ones the DaemonSet controller adds)"
            : "tolerates " + string.Join(", ", placement.Tolerations.Select(static t => t.ToString()));
        return $"{runs}; {tolerates}.";
    }

    private static string Term(NodeSelectorTerm term)
    {
        var parts = term.MatchExpressions.Select(static r => Requirement(r.Key, r.Operator, r.Values))
            .Concat(term.MatchFields.Select(static r => "field " + Requirement(r.Key, r.Operator, r.Values)))
            .ToList();
        return parts.Count == 0 ? "(an empty term, which matches no node)" : "(" + string.Join(" and ", parts) + ")";
    }

    /// <summary>The redundancy verdict as a word.</summary>
    public static string Redundancy(RedundancyState state) => state switch
    {
        RedundancyState.Ok => "OK",
        RedundancyState.Degraded => "Degraded",
        _ => "Critical",
    };

    /// <summary>The redundancy verdict with its reason, e.g. "Degraded: 1 of 3 sessions established".</summary>
    public static string RedundancyDetail(RouterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var verdict = Redundancy(group.Redundancy);
        if (group.Kind == RouterGroupKind.BgpPeer)
        {
            if (group.Peer?.AdminDown == true)
            {
                return $"{verdict}: the peer is administratively down";
            }
            return $"{verdict}: {Count(group.Established, "session")} established of {group.Expected} expected";
        }
        return $"{verdict}: {Count(group.SpeakerNodes.Count, "speaker")} ready";
    }

    /// <summary>"1 session", "2 sessions".</summary>
    public static string Count(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");

    /// <summary>A speaker status as words.</summary>
    public static string Speaker(SpeakerStatus status) => status switch
    {
        SpeakerStatus.Ready => "speaker ready",
        SpeakerStatus.Pending => "speaker starting",
        SpeakerStatus.NotReady => "speaker not ready",
        SpeakerStatus.Terminating => "speaker terminating",
        SpeakerStatus.Failed => "speaker failed",
        _ => "no speaker",
    };

    /// <summary>A session's health as words.</summary>
    public static string Session(NodeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Health switch
        {
            SessionHealth.Established => "session established",
            SessionHealth.Down => "session " + (session.Entry is { State: not BgpSessionState.Unknown } entry ? entry.State.ToString().ToUpperInvariant() : "down"),
            SessionHealth.Stale => "stale session entry",
            SessionHealth.Unknown => "no session status",
            _ => "no session",
        };
    }

    /// <summary>A severity as a word.</summary>
    public static string Severity(FindingSeverity severity) => severity.ToString();

    /// <summary>The kind of router group, for headings.</summary>
    public static string GroupTitle(RouterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Kind switch
        {
            RouterGroupKind.BgpPeer => group.Name,
            RouterGroupKind.Label => "Rack " + group.Name,
            _ => "Whole cluster",
        };
    }

    /// <summary>An age, e.g. "3 s", "5 min", "2 h", "4 d".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }
        return age.TotalSeconds < 60 ? $"{(int)age.TotalSeconds} s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }

    // Routers, findings and speakers pages.

    /// <summary>The kind of remedy in words, e.g. "Label nodes".</summary>
    public static string RemedyKind(RemedyKind kind) => kind switch
    {
        Core.Findings.RemedyKind.LabelNodes => "Label nodes",
        Core.Findings.RemedyKind.TaintNodes => "Taint or untaint nodes",
        Core.Findings.RemedyKind.SetSpeakerPlacement => "Change the speaker placement (nodeSelector, affinity, tolerations)",
        Core.Findings.RemedyKind.RestrictSpeakers => "Restrict speakers to chosen nodes per router",
        Core.Findings.RemedyKind.RestartSpeakers => "Restart speakers so OpenELB re-reads the BgpPeer selectors",
        Core.Findings.RemedyKind.EditBgpConfiguration => "Edit the BgpPeer or BgpConf (outside the dashboard, e.g. kubectl edit)",
        _ => "No change from the dashboard fixes this",
    };

    /// <summary>What a finding rule checks, as a phrase for the "nothing found" state.</summary>
    public static string Rule(string ruleId) => ruleId switch
    {
        FindingRules.SpeakerMissing => "an OpenELB speaker workload exists",
        FindingRules.RouterNoSession => "every router has an established session",
        FindingRules.RouterFewSessions => "every router has at least two established sessions",
        FindingRules.RouterFewSpeakers => "every router has at least two nodes with a ready speaker",
        FindingRules.SelectedNodeWithoutSpeaker => "nodes a router selects are allowed a speaker",
        FindingRules.SpeakersShareZone => "a router's speakers are not all in one zone",
        FindingRules.RouterSessionLoad => "no router without a node selector carries too many sessions",
        FindingRules.Layer2AcrossRouters => "Layer2/VIP pools are not used across several routers or racks",
        FindingRules.Layer2FewSpeakers => "every Layer2/VIP group has at least two speakers",
        FindingRules.StaleSessionEntries => "no session status entry is left from a speaker that is gone",
        FindingRules.SessionsNeedRestart => "no speaker still peers with a router that no longer selects its node",
        FindingRules.BgpConfMissing => "the BgpConf named default exists in BGP mode",
        FindingRules.PeerAdminDown => "no BgpPeer is administratively down",
        FindingRules.RackWithoutAsPerRack => "rack labels come with BgpConf spec.asPerRack",
        _ => ruleId,
    };

    /// <summary>A BGP session state as GoBGP writes it (ESTABLISHED, IDLE, …), or "no state reported".</summary>
    public static string SessionState(BgpSessionState state) =>
        state == BgpSessionState.Unknown ? "no state reported" : state.ToString().ToUpperInvariant();

    /// <summary>Why a node does or doesn't run a speaker, as a short phrase.</summary>
    public static string PlacementReason(Core.Scheduling.PlacementReason reason) => reason switch
    {
        Core.Scheduling.PlacementReason.Eligible => "Eligible: the placement allows a speaker",
        Core.Scheduling.PlacementReason.NodeSelectorMismatch => "Excluded by the nodeSelector",
        Core.Scheduling.PlacementReason.NodeAffinityMismatch => "Excluded by the required node affinity",
        Core.Scheduling.PlacementReason.UntoleratedNoSchedule => "Excluded by a NoSchedule taint (running speakers stay until replaced)",
        Core.Scheduling.PlacementReason.UntoleratedNoExecute => "Excluded by a NoExecute taint (speakers are evicted)",
        _ => "No speaker workload",
    };

    /// <summary>A point in time with its age, e.g. "2026-11-30 11:00:00 UTC (1 h ago)".</summary>
    public static string Since(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC (" + Age(now - at) + " ago)";
}
