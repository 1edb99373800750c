using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>One finding as the findings list shows it.</summary>
/// <param name="Finding">The finding.</param>
/// <param name="RouterHref">Where the affected router links to (router detail, or the nodes of a rack group); <c>null</c> when it has no page.</param>
/// <param name="ShownNodes">The first affected nodes.</param>
/// <param name="HiddenNodes">How many affected nodes are not listed ("and N more").</param>
/// <param name="RemedyKindText">The kind of remedy in words.</param>
public sealed record FindingRow(Finding Finding, string? RouterHref, IReadOnlyList<string> ShownNodes, int HiddenNodes, string RemedyKindText)
{
    /// <summary>The wizard that makes the remedy, pre-filled with the finding's router or nodes; <c>null</c> when none does.</summary>
    public string? RemedyHref => Finding.Remedy.Kind switch
    {
        RemedyKind.LabelNodes when Finding.Nodes.Count > 0 => LabelNodesForm.Link(Finding.Nodes),
        RemedyKind.TaintNodes when Finding.Nodes.Count > 0 => TaintNodesForm.Link(Finding.Nodes),
        RemedyKind.RestartSpeakers when Finding.Nodes.Count > 0 => ChangePreviewText.RestartLink(Finding.Nodes),
        RemedyKind.SetSpeakerPlacement => "wizards/speaker-placement",
        RemedyKind.RestrictSpeakers => Finding.Router is { } router
            ? $"wizards/restrict-speakers?router={Uri.EscapeDataString(router)}"
            : "wizards/restrict-speakers",
        _ => null,
    };

    /// <summary>The words of the remedy link.</summary>
    public string RemedyAction => Finding.Remedy.Kind switch
    {
        RemedyKind.LabelNodes => "Label these nodes…",
        RemedyKind.TaintNodes => "Taint these nodes…",
        RemedyKind.RestartSpeakers => "Restart these speakers…",
        RemedyKind.SetSpeakerPlacement => "Change the speaker placement…",
        _ => "Restrict speakers…",
    };

    /// <summary>Where the hidden nodes link to: the nodes page filtered by the router, when there is one.</summary>
    public string MoreNodesHref => Finding.Router is { } router ? $"nodes?router={Uri.EscapeDataString(router)}" : "nodes";
}

/// <summary>The findings of one severity.</summary>
/// <param name="Severity">The severity.</param>
/// <param name="Rows">Its findings, by router then rule.</param>
public sealed record FindingGroup(FindingSeverity Severity, IReadOnlyList<FindingRow> Rows);

/// <summary>One severity filter option.</summary>
/// <param name="Severity">The severity.</param>
/// <param name="Count">How many findings have it (regardless of the filter).</param>
/// <param name="Selected">Whether the filter includes it.</param>
/// <param name="Query">The <c>severity</c> query value after toggling this option (<c>null</c>: no filter).</param>
public sealed record SeverityOption(FindingSeverity Severity, int Count, bool Selected, string? Query);

/// <summary>What the findings page shows.</summary>
/// <param name="Groups">Groups of the severities that pass the filter and have findings, most severe first.</param>
/// <param name="Options">The filter options, one per severity, most severe first.</param>
/// <param name="Total">All findings.</param>
/// <param name="Shown">Findings that pass the filter.</param>
/// <param name="Filtered">Whether a filter is in effect.</param>
/// <param name="IgnoredFilterValues">Values of the query that are no severity.</param>
public sealed record FindingsPageModel(
    IReadOnlyList<FindingGroup> Groups,
    IReadOnlyList<SeverityOption> Options,
    int Total,
    int Shown,
    bool Filtered,
    IReadOnlyList<string> IgnoredFilterValues);

/// <summary>Groups, sorts and filters findings for the findings page. Pure: unit-tested without a renderer.</summary>
public static class FindingsModel
{
    /// <summary>How many affected nodes a finding lists before "and N more".</summary>
    public const int NodesPerFinding = 8;

    private static readonly FindingSeverity[] s_severities = Enum.GetValues<FindingSeverity>();

    /// <summary>
    /// Parses the <c>severity</c> query value: severity names, case-insensitive, separated by commas. An empty value, or one
    /// with no valid name, means no filter (all severities).
    /// </summary>
    public static (IReadOnlySet<FindingSeverity> Severities, IReadOnlyList<string> Ignored) ParseFilter(string? query)
    {
        var selected = new HashSet<FindingSeverity>();
        var ignored = new List<string>();
        foreach (var part in (query ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Enum.TryParse accepts numbers too ("0"); only names are part of the URL contract.
            if (!int.TryParse(part, out _) && Enum.TryParse<FindingSeverity>(part, ignoreCase: true, out var severity) && Enum.IsDefined(severity))
            {
                selected.Add(severity);
            }
            else
            {
                ignored.Add(part);
            }
        }
        return (selected, ignored);
    }

    /// <summary>The query value for a set of severities, most severe first (<c>null</c> when empty: no filter).</summary>
    public static string? FormatFilter(IEnumerable<FindingSeverity> severities)
    {
        var set = severities.ToHashSet();
        return set.Count == 0 ? null : string.Join(',', s_severities.Where(set.Contains).Select(static s => s.ToString().ToLowerInvariant()));
    }

    /// <summary>Builds the page for <paramref name="view"/> and the <c>severity</c> query value.</summary>
    public static FindingsPageModel Build(DashboardView view, string? severityQuery)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (filter, ignored) = ParseFilter(severityQuery);
        var counts = new int[s_severities.Length];
        foreach (var finding in view.Findings)
        {
            counts[(int)finding.Severity]++;
        }

        var groups = new List<FindingGroup>();
        var shown = 0;
        foreach (var severity in s_severities)
        {
            if (filter.Count > 0 && !filter.Contains(severity))
            {
                continue;
            }
            var rows = view.Findings
                .Where(f => f.Severity == severity)
                // Cluster-wide findings first, then by router and rule; ordinal so the order never depends on culture.
                .OrderBy(static f => f.Router is null ? 0 : 1)
                .ThenBy(static f => f.Router, StringComparer.Ordinal)
                .ThenBy(static f => f.RuleId, StringComparer.Ordinal)
                .Select(f => Row(view.Topology, f))
                .ToList();
            if (rows.Count > 0)
            {
                groups.Add(new FindingGroup(severity, rows));
                shown += rows.Count;
            }
        }

        var options = s_severities.Select(s =>
        {
            var selected = filter.Contains(s);
            var toggled = selected ? filter.Where(x => x != s) : filter.Append(s);
            return new SeverityOption(s, counts[(int)s], selected, FormatFilter(toggled));
        }).ToList();
        return new FindingsPageModel(groups, options, view.Findings.Count, shown, filter.Count > 0, ignored);
    }

    /// <summary>The row of one finding.</summary>
    public static FindingRow Row(ClusterTopology topology, Finding finding)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(finding);
        return new FindingRow(
            finding,
            RouterHref(topology, finding.Router),
            [.. finding.Nodes.Take(NodesPerFinding)],
            Math.Max(0, finding.Nodes.Count - NodesPerFinding),
            Words.RemedyKind(finding.Remedy.Kind));
    }

    /// <summary>The page of a router group: BgpPeers have a detail page; rack groups link to their nodes.</summary>
    public static string? RouterHref(ClusterTopology topology, string? router)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (router is null)
        {
            return null;
        }
        return topology.FindGroup(router)?.Kind switch
        {
            RouterGroupKind.BgpPeer => $"routers/{Uri.EscapeDataString(router)}",
            RouterGroupKind.Label => $"nodes?router={Uri.EscapeDataString(router)}",
            _ => null,
        };
    }

    /// <summary>What the evaluator checked, for the "no findings" state.</summary>
    public static IReadOnlyList<string> CheckedRules => [.. FindingRules.All.Select(Words.Rule)];
}
