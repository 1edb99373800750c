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
}
