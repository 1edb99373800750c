using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;

namespace OpenElb.Dashboard.Core.Topology;

/// <summary>
/// An inverted index from label pairs to node positions, so that a selector with an equality requirement is evaluated on
/// its candidates only instead of every node. Built once per snapshot in O(nodes × indexed keys); read-only afterwards.
/// </summary>
internal sealed class NodeLabelIndex
{
    private readonly Dictionary<string, Dictionary<string, List<int>>> _postings = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<NodeInfo> _nodes;

    /// <summary>Indexes every label key of every node (for selectors not known in advance).</summary>
    public NodeLabelIndex(IReadOnlyList<NodeInfo> nodes)
        : this(nodes, nodes.SelectMany(static n => n.Labels.Keys))
    {
    }

    /// <summary>Indexes the label keys that <paramref name="selectors"/> can use for a candidate lookup, and only those.</summary>
    public NodeLabelIndex(IReadOnlyList<NodeInfo> nodes, IEnumerable<LabelSelector?> selectors)
        : this(nodes, selectors.SelectMany(static s => s is null
            ? []
            : s.MatchLabels.Keys.Concat(s.MatchExpressions.Where(static e => e.Operator == SelectorOperators.In).Select(static e => e.Key))))
    {
    }

    private NodeLabelIndex(IReadOnlyList<NodeInfo> nodes, IEnumerable<string> keys)
    {
        _nodes = nodes;
        foreach (var key in keys)
        {
            _postings.TryAdd(key, new Dictionary<string, List<int>>(StringComparer.Ordinal));
        }
        if (_postings.Count == 0)
        {
            return;
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var (key, byValue) in _postings)
            {
                if (!nodes[i].Labels.TryGetValue(key, out var value))
                {
                    continue;
                }
                if (!byValue.TryGetValue(value, out var list))
                {
                    list = [];
                    byValue[value] = list;
                }
                list.Add(i);
            }
        }
    }

    /// <summary>Positions (ascending) of the nodes <paramref name="selector"/> selects, with the exact semantics of <see cref="SelectorMatching.Matches"/>.</summary>
    public List<int> Select(LabelSelector? selector)
    {
        var result = new List<int>();
        if (selector is null || selector.IsEmpty)
        {
            result.AddRange(Enumerable.Range(0, _nodes.Count));
            return result;
        }
        if (!SelectorMatching.IsValid(selector))
        {
            return result;
        }
        // Validity was checked once above; each node is then matched without re-validating the selector.
        foreach (var i in Candidates(selector) ?? Enumerable.Range(0, _nodes.Count))
        {
            if (SelectorMatching.MatchesValid(selector, _nodes[i].Labels))
            {
                result.Add(i);
            }
        }
        return result;
    }

    /// <summary>A sorted superset of the matches from the most selective equality or In requirement, or <c>null</c> to scan all.</summary>
    private IEnumerable<int>? Candidates(LabelSelector selector)
    {
        List<int>? best = null;
        foreach (var (key, value) in selector.MatchLabels)
        {
            if (!_postings.ContainsKey(key))
            {
                continue; // not indexed: a selector the index was not built for; other pairs or a scan decide
            }
            var list = Postings(key, value);
            if (best is null || list.Count < best.Count)
            {
                best = list;
            }
        }
        if (best is not null)
        {
            return best;
        }
        foreach (var requirement in selector.MatchExpressions)
        {
            if (requirement.Operator == SelectorOperators.In && _postings.ContainsKey(requirement.Key))
            {
                var union = new SortedSet<int>();
                foreach (var value in requirement.Values)
                {
                    union.UnionWith(Postings(requirement.Key, value));
                }
                return union;
            }
        }
        return null;
    }

    private List<int> Postings(string key, string value) =>
        _postings.TryGetValue(key, out var byValue) && byValue.TryGetValue(value, out var list) ? list : [];
}
