using System.Globalization;
using System.Text.RegularExpressions;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Validation;

/// <summary>
/// Kubernetes' own validation rules (apimachinery <c>validation.IsQualifiedName</c>, <c>IsValidLabelValue</c>,
/// <c>IsDNS1123Subdomain</c>, and core validation of taints, tolerations and node selector requirements),
/// reproduced so a wizard can reject bad input before anything is sent. Pure and thread-safe.
/// </summary>
public static partial class KubernetesValidation
{
    /// <summary>Maximum length of a qualified name's name part and of a label value.</summary>
    public const int MaxNameLength = 63;

    /// <summary>Maximum length of a DNS-1123 subdomain (a qualified name's prefix).</summary>
    public const int MaxSubdomainLength = 253;

    // \z, not $: .NET's $ also matches before a final '\n' (Go's, which Kubernetes uses, does not), so "true\n" would pass.
    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();

    /// <summary>
    /// Checks a label key, taint key or selector key: an optional DNS-subdomain prefix (≤ 253) and '/', then a name
    /// (≤ 63, alphanumeric at both ends, '-', '_' and '.' inside). Returns every problem, empty when valid.
    /// </summary>
    public static IReadOnlyList<string> QualifiedNameErrors(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return ["must not be empty"];
        }
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errors.Add("the prefix before '/' must not be empty");
                }
                else
                {
                    errors.AddRange(SubdomainErrors(prefix).Select(static e => "prefix " + e));
                }
                break;
            default:
                return [$"'{value}' has more than one '/': a key is an optional DNS subdomain prefix and '/', then a name (e.g. 'example.com/my-key')"];
        }
        if (name.Length == 0)
        {
            errors.Add("the name part must not be empty");
        }
        else
        {
            if (name.Length > MaxNameLength)
            {
                errors.Add($"the name part '{name}' is {name.Length} characters long; at most {MaxNameLength} are allowed");
            }
            if (!QualifiedNamePart().IsMatch(name))
            {
                errors.Add($"the name part '{name}' must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit");
            }
        }
        return errors;
    }

    /// <summary>Whether <paramref name="value"/> is a valid qualified name (label key).</summary>
    public static bool IsQualifiedName(string? value)
    {
        // Allocation-free fast path for the common, valid case; the error list is only built to explain a failure.
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        if (slash >= 0 && (slash == 0 || slash > MaxSubdomainLength || !Dns1123Subdomain().IsMatch(value.AsSpan(0, slash))))
        {
            return false;
        }
        return name.Length is > 0 and <= MaxNameLength && QualifiedNamePart().IsMatch(name);
    }

    /// <summary>Checks a label value or taint value: empty, or ≤ 63 characters, alphanumeric at both ends, '-', '_' and '.' inside.</summary>
    public static IReadOnlyList<string> LabelValueErrors(string? value)
    {
        value ??= string.Empty;
        var errors = new List<string>();
        if (value.Length > MaxNameLength)
        {
            errors.Add($"value '{value}' is {value.Length} characters long; at most {MaxNameLength} are allowed");
        }
        if (!LabelValuePattern().IsMatch(value))
        {
            errors.Add($"value '{value}' must be empty or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit");
        }
        return errors;
    }

    /// <summary>Whether <paramref name="value"/> is a valid label value (empty is valid).</summary>
    public static bool IsLabelValue(string? value) =>
        value is null || (value.Length <= MaxNameLength && LabelValuePattern().IsMatch(value));

    /// <summary>Checks a DNS-1123 subdomain: ≤ 253 characters, lower-case letters, digits, '-' and '.', alphanumeric at both ends of each part.</summary>
    public static IReadOnlyList<string> SubdomainErrors(string value)
    {
        var errors = new List<string>();
        if (value.Length > MaxSubdomainLength)
        {
            errors.Add($"'{value}' is {value.Length} characters long; at most {MaxSubdomainLength} are allowed");
        }
        if (!Dns1123Subdomain().IsMatch(value))
        {
            errors.Add($"'{value}' must be a DNS subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
        return errors;
    }

    /// <summary>
    /// Parses a selector value for Gt/Lt the way Kubernetes does: a valid label value that parses as a base-10 64-bit
    /// integer (so, in practice, an unsigned integer: a sign is not a valid label value).
    /// </summary>
    public static bool TryParseSelectorInteger(string value, out long result)
    {
        result = 0;
        return IsLabelValue(value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>Validates a label key with its path.</summary>
    public static IEnumerable<ValidationError> ValidateKey(string? key, string path) =>
        QualifiedNameErrors(key).Select(e => new ValidationError(path, $"key '{key}': {e}"));

    /// <summary>Validates a label value with its path.</summary>
    public static IEnumerable<ValidationError> ValidateValue(string? value, string path) =>
        LabelValueErrors(value).Select(e => new ValidationError(path, e));

    /// <summary>Validates a taint as the API server would on a node update.</summary>
    public static IEnumerable<ValidationError> ValidateTaint(Taint taint, string path)
    {
        ArgumentNullException.ThrowIfNull(taint);
        foreach (var error in ValidateKey(taint.Key, path + ".key"))
        {
            yield return error;
        }
        foreach (var error in ValidateValue(taint.Value, path + ".value"))
        {
            yield return error;
        }
        if (!Enum.IsDefined(taint.Effect))
        {
            yield return new ValidationError(path + ".effect", $"effect '{taint.Effect}' is not one of NoSchedule, PreferNoSchedule, NoExecute");
        }
    }

    /// <summary>Parses a taint effect name exactly as the API spells it (case-sensitive).</summary>
    public static bool TryParseTaintEffect(string? text, out TaintEffect effect)
    {
        switch (text)
        {
            case nameof(TaintEffect.NoSchedule):
                effect = TaintEffect.NoSchedule;
                return true;
            case nameof(TaintEffect.PreferNoSchedule):
                effect = TaintEffect.PreferNoSchedule;
                return true;
            case nameof(TaintEffect.NoExecute):
                effect = TaintEffect.NoExecute;
                return true;
            default:
                effect = default;
                return false;
        }
    }

    /// <summary>Validates a taint list: each taint, and no two with the same key and effect.</summary>
    public static IEnumerable<ValidationError> ValidateTaints(IReadOnlyList<Taint> taints, string path)
    {
        ArgumentNullException.ThrowIfNull(taints);
        var seen = new HashSet<(string, TaintEffect)>();
        for (var i = 0; i < taints.Count; i++)
        {
            foreach (var error in ValidateTaint(taints[i], $"{path}[{i}]"))
            {
                yield return error;
            }
            if (!seen.Add((taints[i].Key, taints[i].Effect)))
            {
                yield return new ValidationError($"{path}[{i}]", $"taint '{taints[i].Key}:{taints[i].Effect}' appears twice: a key and effect pair must be unique");
            }
        }
    }

    /// <summary>Validates a toleration as the API server would in a pod template.</summary>
    public static IEnumerable<ValidationError> ValidateToleration(Toleration toleration, string path)
    {
        ArgumentNullException.ThrowIfNull(toleration);
        if (toleration.Key.Length > 0)
        {
            foreach (var error in ValidateKey(toleration.Key, path + ".key"))
            {
                yield return error;
            }
        }
        else if (toleration.Operator != TolerationOperator.Exists)
        {
            yield return new ValidationError(path + ".operator", "an empty key requires operator Exists (it then tolerates every taint)");
        }
        if (toleration.Operator == TolerationOperator.Exists && toleration.Value.Length > 0)
        {
            yield return new ValidationError(path + ".value", $"value '{toleration.Value}' must be empty when operator is Exists");
        }
        if (toleration.Operator == TolerationOperator.Equal)
        {
            foreach (var error in ValidateValue(toleration.Value, path + ".value"))
            {
                yield return error;
            }
        }
        if (toleration.TolerationSeconds is not null && toleration.Effect != TaintEffect.NoExecute)
        {
            yield return new ValidationError(path + ".tolerationSeconds", "tolerationSeconds is only allowed with effect NoExecute");
        }
    }

    /// <summary>
    /// Validates a node selector requirement (<c>matchExpressions</c>, or <c>matchFields</c> when
    /// <paramref name="isField"/>): key, operator, and the operator/values consistency Kubernetes enforces.
    /// </summary>
    public static IEnumerable<ValidationError> ValidateNodeSelectorRequirement(NodeSelectorRequirement requirement, string path, bool isField = false)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        if (isField)
        {
            if (requirement.Key != "metadata.name")
            {
                yield return new ValidationError(path + ".key", $"field '{requirement.Key}' is not supported: matchFields only supports 'metadata.name' (the node's name)");
            }
            if (requirement.Operator is not (SelectorOperators.In or SelectorOperators.NotIn))
            {
                yield return new ValidationError(path + ".operator", $"operator '{requirement.Operator}' is not supported in matchFields: use In or NotIn");
            }
            else if (requirement.Values.Count != 1)
            {
                yield return new ValidationError(path + ".values", $"matchFields with {requirement.Operator} needs exactly one value (a node name), not {requirement.Values.Count}");
            }
            yield break;
        }

        foreach (var error in ValidateKey(requirement.Key, path + ".key"))
        {
            yield return error;
        }
        switch (requirement.Operator)
        {
            case SelectorOperators.In or SelectorOperators.NotIn:
                if (requirement.Values.IsEmpty)
                {
                    yield return new ValidationError(path + ".values", $"operator {requirement.Operator} needs at least one value");
                }
                break;
            case SelectorOperators.Exists or SelectorOperators.DoesNotExist:
                if (!requirement.Values.IsEmpty)
                {
                    yield return new ValidationError(path + ".values", $"operator {requirement.Operator} takes no values, but {requirement.Values.Count} were given");
                }
                break;
            case SelectorOperators.Gt or SelectorOperators.Lt:
                if (requirement.Values.Count != 1)
                {
                    yield return new ValidationError(path + ".values", $"operator {requirement.Operator} needs exactly one value, not {requirement.Values.Count}");
                }
                else if (!TryParseSelectorInteger(requirement.Values[0], out _))
                {
                    yield return new ValidationError(path + ".values[0]", $"operator {requirement.Operator} compares integers, and '{requirement.Values[0]}' is not a whole number");
                }
                yield break;
            default:
                yield return new ValidationError(path + ".operator", $"operator '{requirement.Operator}' is not one of In, NotIn, Exists, DoesNotExist, Gt, Lt");
                yield break;
        }
        for (var i = 0; i < requirement.Values.Count; i++)
        {
            foreach (var error in ValidateValue(requirement.Values[i], $"{path}.values[{i}]"))
            {
                yield return error;
            }
        }
    }

    /// <summary>Validates a label selector requirement (BgpPeer nodeSelector): In/NotIn/Exists/DoesNotExist only.</summary>
    public static IEnumerable<ValidationError> ValidateLabelSelectorRequirement(LabelSelectorRequirement requirement, string path)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        if (requirement.Operator is SelectorOperators.Gt or SelectorOperators.Lt)
        {
            return [new ValidationError(path + ".operator", $"operator '{requirement.Operator}' is not valid in a label selector: use In, NotIn, Exists or DoesNotExist")];
        }
        return ValidateNodeSelectorRequirement(new NodeSelectorRequirement(requirement.Key, requirement.Operator, requirement.Values), path);
    }

    /// <summary>Validates a whole speaker placement (nodeSelector, required affinity terms, tolerations).</summary>
    public static IEnumerable<ValidationError> ValidatePlacement(SpeakerPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        foreach (var (key, value) in placement.NodeSelector)
        {
            foreach (var error in ValidateKey(key, $"nodeSelector[{key}]"))
            {
                yield return error;
            }
            foreach (var error in ValidateValue(value, $"nodeSelector[{key}]"))
            {
                yield return error;
            }
        }
        if (placement.RequiredNodeAffinity is { } terms)
        {
            if (terms.IsEmpty)
            {
                yield return new ValidationError("affinity.nodeSelectorTerms", "required node affinity needs at least one term: an empty list would match no node");
            }
            for (var t = 0; t < terms.Count; t++)
            {
                var termPath = $"affinity.nodeSelectorTerms[{t}]";
                if (terms[t].MatchExpressions.IsEmpty && terms[t].MatchFields.IsEmpty)
                {
                    yield return new ValidationError(termPath, "a term needs at least one requirement: an empty term matches no node");
                }
                for (var r = 0; r < terms[t].MatchExpressions.Count; r++)
                {
                    foreach (var error in ValidateNodeSelectorRequirement(terms[t].MatchExpressions[r], $"{termPath}.matchExpressions[{r}]"))
                    {
                        yield return error;
                    }
                }
                for (var r = 0; r < terms[t].MatchFields.Count; r++)
                {
                    foreach (var error in ValidateNodeSelectorRequirement(terms[t].MatchFields[r], $"{termPath}.matchFields[{r}]", isField: true))
                    {
                        yield return error;
                    }
                }
            }
        }
        for (var i = 0; i < placement.Tolerations.Count; i++)
        {
            foreach (var error in ValidateToleration(placement.Tolerations[i], $"tolerations[{i}]"))
            {
                yield return error;
            }
        }
    }
}
