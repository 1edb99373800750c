using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// A parsed <c>labelSelector</c> or <c>fieldSelector</c> query value: requirements ANDed together. Immutable.
/// Label selectors support the equality-based (<c>=</c>, <c>==</c>, <c>!=</c>) and set-based (<c>in</c>, <c>notin</c>,
/// <c>key</c>, <c>!key</c>) forms; field selectors only the equality-based ones, as in Kubernetes.
/// </summary>
public sealed class Selector
{
    private static readonly HashSet<string> s_supportedFields = ["metadata.name", "metadata.namespace", "spec.nodeName"];

    private readonly IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private Selector(IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    /// <summary>The selector that matches everything.</summary>
    public static Selector Everything { get; } = new([]);

    public bool Matches(IReadOnlyDictionary<string, string> values) => _requirements.All(r => r(values));

    /// <summary>Parses a label selector; throws 400 BadRequest on a syntax error.</summary>
    public static Selector ParseLabels(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseLabelRequirement(part.Trim()));
        }
        return new Selector(requirements);
    }

    /// <summary>Parses a field selector over <c>metadata.name</c>, <c>metadata.namespace</c> and <c>spec.nodeName</c>.</summary>
    public static Selector ParseFields(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var part in text.Split(','))
        {
            var (key, op, value) = SplitEquality(part.Trim())
                ?? throw ApiException.BadRequest($"invalid field selector: '{part}'");
            if (!s_supportedFields.Contains(key))
            {
                throw ApiException.BadRequest($"\"{key}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\", \"spec.nodeName\"");
            }
            // A missing field (a pod without spec.nodeName) compares as the empty string, like the API server.
            requirements.Add(op == "!="
                ? v => (v.TryGetValue(key, out var actual) ? actual : "") != value
                : v => (v.TryGetValue(key, out var actual) ? actual : "") == value);
        }
        return new Selector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseLabelRequirement(string part)
    {
        if (part.Length == 0)
        {
            throw ApiException.BadRequest("unable to parse requirement: empty requirement");
        }
        var setMatch = ParseSet(part);
        if (setMatch is not null)
        {
            return setMatch;
        }
        if (SplitEquality(part) is { } eq)
        {
            return eq.Op == "!="
                ? l => !l.TryGetValue(eq.Key, out var v) || v != eq.Value
                : l => l.TryGetValue(eq.Key, out var v) && v == eq.Value;
        }
        if (part.StartsWith('!'))
        {
            var key = part[1..].Trim();
            return l => !l.ContainsKey(key);
        }
        if (part.Contains(' ', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"unable to parse requirement: '{part}'");
        }
        return l => l.ContainsKey(part);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool>? ParseSet(string part)
    {
        var open = part.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }
        if (!part.EndsWith(')'))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{part}', expected: ')'");
        }
        var head = part[..open].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (head.Length != 2 || head[1] is not ("in" or "notin"))
        {
            throw ApiException.BadRequest($"unable to parse requirement: '{part}'");
        }
        var key = head[0];
        var values = part[(open + 1)..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (values.Count == 0)
        {
            throw ApiException.BadRequest($"for 'in', 'notin' operators, values set can't be empty: '{part}'");
        }
        return head[1] == "in"
            ? l => l.TryGetValue(key, out var v) && values.Contains(v)
            : l => !l.TryGetValue(key, out var v) || !values.Contains(v);
    }

    private static (string Key, string Op, string Value)? SplitEquality(string part)
    {
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var index = part.IndexOf(op, StringComparison.Ordinal);
            if (index > 0)
            {
                return (part[..index].Trim(), op, part[(index + op.Length)..].Trim());
            }
        }
        return null;
    }

    // Commas separate requirements except inside the parentheses of a set.
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')')
            {
                depth--;
            }
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
