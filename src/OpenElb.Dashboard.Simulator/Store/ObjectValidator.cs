using System.Text.Json.Nodes;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>
/// The subset of API-server validation that the product's writes can trip: names, labels, taints and tolerations.
/// Failures are 422 Invalid, as on a real cluster, so that the dashboard's dry-run preview sees the same answer.
/// </summary>
internal static class ObjectValidator
{
    private static readonly string[] s_effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public static void Validate(ResourceKind kind, JsonObject obj)
    {
        var errors = new List<string>();
        var meta = obj["metadata"] as JsonObject;
        var name = meta?["name"]?.GetValue<string>() ?? "";
        errors.AddRange(KubernetesValidation.SubdomainErrors(name).Select(e => $"metadata.name: Invalid value: {e}"));
        if (meta?["labels"] is JsonObject labels)
        {
            ValidateLabels(labels, "metadata.labels", errors);
        }
        else if (meta?["labels"] is not null)
        {
            errors.Add("metadata.labels: Invalid value: must be a map of strings");
        }

        if (kind == ResourceCatalog.Nodes && obj["spec"]?["taints"] is JsonArray taints)
        {
            for (var i = 0; i < taints.Count; i++)
            {
                var path = $"spec.taints[{i}]";
                var key = taints[i]?["key"]?.GetValue<string>();
                errors.AddRange(KubernetesValidation.QualifiedNameErrors(key).Select(e => $"{path}.key: Invalid value: {e}"));
                var effect = taints[i]?["effect"]?.GetValue<string>();
                if (effect is null || !s_effects.Contains(effect))
                {
                    errors.Add($"{path}.effect: Unsupported value: \"{effect}\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
                }
            }
        }

        var podSpec = kind == ResourceCatalog.Pods ? obj["spec"] : obj["spec"]?["template"]?["spec"];
        if (podSpec?["nodeSelector"] is JsonObject nodeSelector)
        {
            ValidateLabels(nodeSelector, "spec.template.spec.nodeSelector", errors);
        }
        if (podSpec?["tolerations"] is JsonArray tolerations)
        {
            for (var i = 0; i < tolerations.Count; i++)
            {
                var op = tolerations[i]?["operator"]?.GetValue<string>() ?? "";
                if (op is not ("" or "Equal" or "Exists"))
                {
                    errors.Add($"spec.template.spec.tolerations[{i}].operator: Unsupported value: \"{op}\"");
                }
                if (op == "Exists" && !string.IsNullOrEmpty(tolerations[i]?["value"]?.GetValue<string>()))
                {
                    errors.Add($"spec.template.spec.tolerations[{i}].operator: Invalid value: value must be empty when `operator` is 'Exists'");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(kind, name, string.Join(", ", errors));
        }
    }

    private static void ValidateLabels(JsonObject labels, string path, List<string> errors)
    {
        foreach (var (key, value) in labels)
        {
            errors.AddRange(KubernetesValidation.QualifiedNameErrors(key).Select(e => $"{path}: Invalid value: \"{key}\": {e}"));
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
            {
                errors.Add($"{path}: Invalid value: \"{key}\": value must be a string");
                continue;
            }
            errors.AddRange(KubernetesValidation.LabelValueErrors(text).Select(e => $"{path}: Invalid value: \"{text}\": {e}"));
        }
    }
}
