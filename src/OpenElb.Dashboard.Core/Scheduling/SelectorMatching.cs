using System.Globalization;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Core.Scheduling;

/// <summary>
/// Label selector and node selector matching with Kubernetes' exact semantics (apimachinery <c>labels.Requirement</c>,
/// component-helpers <c>nodeaffinity</c>). Pure and thread-safe.
/// </summary>
public static class SelectorMatching
{
    /// <summary>The only field <c>matchFields</c> supports.</summary>
    public const string NodeNameField = "metadata.name";

    /// <summary>
    /// Whether a BgpPeer-style label selector selects <paramref name="labels"/>, as OpenELB's speaker decides it:
    /// no selector selects every node, an empty selector selects every node, and an invalid selector
    /// (bad key, unknown operator, In/NotIn without values, Exists/DoesNotExist with values) selects none.
    /// </summary>
    public static bool Matches(LabelSelector? selector, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (selector is null)
        {
            return true;
        }
        return IsValid(selector) && MatchesValid(selector, labels);
    }

    /// <summary>
    /// <see cref="Matches"/> for a selector already known to be valid (<see cref="IsValid"/>): skips re-validating it on
    /// every node, which dominates when one selector is tested against thousands of nodes.
    /// </summary>
    internal static bool MatchesValid(LabelSelector selector, LabelSet labels)
    {
        if (!labels.ContainsAll(selector.MatchLabels))
        {
            return false;
        }
        foreach (var requirement in selector.MatchExpressions)
        {
            if (!RequirementMatches(requirement.Key, requirement.Operator, requirement.Values, labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the selector would be accepted by <c>metav1.LabelSelectorAsSelector</c>.</summary>
    public static bool IsValid(LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        foreach (var (key, value) in selector.MatchLabels)
        {
            if (!KubernetesValidation.IsQualifiedName(key) || !KubernetesValidation.IsLabelValue(value))
            {
                return false;
            }
        }
        foreach (var requirement in selector.MatchExpressions)
        {
            if (requirement.Operator is not (SelectorOperators.In or SelectorOperators.NotIn or SelectorOperators.Exists or SelectorOperators.DoesNotExist)
                || !IsValidRequirement(requirement.Key, requirement.Operator, requirement.Values))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether the pod-template <c>nodeSelector</c> map selects the node: every pair must be present with the same value.
    /// </summary>
    public static bool NodeSelectorMatches(LabelSet nodeSelector, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(nodeSelector);
        return labels.ContainsAll(nodeSelector);
    }

    /// <summary>
    /// Whether required node affinity selects <paramref name="node"/>: terms are ORed; an empty list, an empty term, or a
    /// term with any invalid requirement matches nothing, while other terms still count.
    /// </summary>
    public static bool NodeAffinityMatches(IReadOnlyList<NodeSelectorTerm> terms, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(node);
        foreach (var term in terms)
        {
            if (TermMatches(term, node))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether one node selector term matches: every requirement holds (ANDed), and the term is valid and non-empty.</summary>
    public static bool TermMatches(NodeSelectorTerm term, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(node);
        if (term.MatchExpressions.IsEmpty && term.MatchFields.IsEmpty)
        {
            return false;
        }
        // Validate the whole term first: one invalid requirement makes the term match nothing (a parse error in
        // Kubernetes), even when an earlier requirement already fails.
        foreach (var requirement in term.MatchExpressions)
        {
            if (!IsValidRequirement(requirement.Key, requirement.Operator, requirement.Values))
            {
                return false;
            }
        }
        foreach (var requirement in term.MatchFields)
        {
            if (!IsValidFieldRequirement(requirement))
            {
                return false;
            }
        }
        foreach (var requirement in term.MatchExpressions)
        {
            if (!RequirementMatches(requirement.Key, requirement.Operator, requirement.Values, node.Labels))
            {
                return false;
            }
        }
        foreach (var requirement in term.MatchFields)
        {
            var equal = string.Equals(node.Name, requirement.Values[0], StringComparison.Ordinal);
            if (requirement.Operator == SelectorOperators.In ? !equal : equal)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsValidFieldRequirement(NodeSelectorRequirement requirement) =>
        requirement.Key == NodeNameField
        && requirement.Operator is SelectorOperators.In or SelectorOperators.NotIn
        && requirement.Values.Count == 1;

    /// <summary>Whether a requirement would be accepted by <c>labels.NewRequirement</c>.</summary>
    internal static bool IsValidRequirement(string key, string op, EquatableArray<string> values)
    {
        if (!KubernetesValidation.IsQualifiedName(key))
        {
            return false;
        }
        switch (op)
        {
            case SelectorOperators.In or SelectorOperators.NotIn:
                if (values.IsEmpty)
                {
                    return false;
                }
                break;
            case SelectorOperators.Exists or SelectorOperators.DoesNotExist:
                if (!values.IsEmpty)
                {
                    return false;
                }
                break;
            case SelectorOperators.Gt or SelectorOperators.Lt:
                return values.Count == 1 && KubernetesValidation.TryParseSelectorInteger(values[0], out _);
            default:
                return false;
        }
        foreach (var value in values)
        {
            if (!KubernetesValidation.IsLabelValue(value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Evaluates a valid requirement against labels (<c>labels.Requirement.Matches</c>).</summary>
    internal static bool RequirementMatches(string key, string op, EquatableArray<string> values, LabelSet labels)
    {
        var has = labels.TryGetValue(key, out var actual);
        switch (op)
        {
            case SelectorOperators.In:
                return has && Contains(values, actual!);
            case SelectorOperators.NotIn:
                return !has || !Contains(values, actual!);
            case SelectorOperators.Exists:
                return has;
            case SelectorOperators.DoesNotExist:
                return !has;
            case SelectorOperators.Gt or SelectorOperators.Lt:
                // Integers, not strings: "10" > "9". A node value that is not an integer never matches.
                if (!has || !KubernetesValidation.TryParseSelectorInteger(values[0], out var bound)
                    || !long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }
                return op == SelectorOperators.Gt ? number > bound : number < bound;
            default:
                return false;
        }
    }

    private static bool Contains(EquatableArray<string> values, string value)
    {
        foreach (var candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
