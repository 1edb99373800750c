using System.Text;
using System.Text.Json;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Changes;

/// <summary>
/// Builds the exact JSON merge patch documents the planner sends. Maps merge key by key (<c>null</c> deletes); lists
/// without merge keys (taints, tolerations, nodeSelectorTerms) are written whole, with the resourceVersion that was read
/// inside <c>metadata</c> so the API server rejects the write (409) if the object changed since. Deterministic output.
/// </summary>
public static class PatchDocuments
{
    private static readonly JsonWriterOptions s_options = new() { Indented = false };

    /// <summary><c>{"metadata":{"labels":{…}}}</c> with the given sets and removals (removals as <c>null</c>).</summary>
    public static string NodeLabels(IReadOnlyDictionary<string, string?> changes) => Write(w =>
    {
        w.WriteStartObject("metadata");
        w.WriteStartObject("labels");
        foreach (var (key, value) in changes.OrderBy(static c => c.Key, StringComparer.Ordinal))
        {
            WriteNullableString(w, key, value);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary><c>{"metadata":{"resourceVersion":…},"spec":{"taints":[…]}}</c>: the whole new taint list (<c>null</c> when empty).</summary>
    public static string NodeTaints(IReadOnlyList<Taint> taints, string? resourceVersion) => Write(w =>
    {
        WriteResourceVersion(w, resourceVersion);
        w.WriteStartObject("spec");
        if (taints.Count == 0)
        {
            w.WriteNull("taints");
        }
        else
        {
            w.WriteStartArray("taints");
            foreach (var taint in taints)
            {
                WriteTaint(w, taint);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    /// <summary>
    /// The pod template placement patch for the speaker workload: only the parts that change. The nodeSelector is merged
    /// key by key; required affinity terms and tolerations are written whole.
    /// </summary>
    public static string Placement(SpeakerPlacement before, SpeakerPlacement after, string? resourceVersion) => Write(w =>
    {
        WriteResourceVersion(w, resourceVersion);
        w.WriteStartObject("spec");
        w.WriteStartObject("template");
        w.WriteStartObject("spec");
        if (!before.NodeSelector.Equals(after.NodeSelector))
        {
            if (after.NodeSelector.Count == 0)
            {
                w.WriteNull("nodeSelector");
            }
            else
            {
                w.WriteStartObject("nodeSelector");
                var keys = before.NodeSelector.Keys.Union(after.NodeSelector.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
                foreach (var key in keys)
                {
                    var value = after.NodeSelector.GetValueOrDefault(key);
                    if (value != before.NodeSelector.GetValueOrDefault(key))
                    {
                        WriteNullableString(w, key, value);
                    }
                }
                w.WriteEndObject();
            }
        }
        if (!Equals(before.RequiredNodeAffinity, after.RequiredNodeAffinity))
        {
            w.WriteStartObject("affinity");
            w.WriteStartObject("nodeAffinity");
            if (after.RequiredNodeAffinity is { } terms)
            {
                w.WriteStartObject("requiredDuringSchedulingIgnoredDuringExecution");
                w.WriteStartArray("nodeSelectorTerms");
                foreach (var term in terms)
                {
                    WriteTerm(w, term);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("requiredDuringSchedulingIgnoredDuringExecution");
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        if (!before.Tolerations.Equals(after.Tolerations))
        {
            if (after.Tolerations.IsEmpty)
            {
                w.WriteNull("tolerations");
            }
            else
            {
                w.WriteStartArray("tolerations");
                foreach (var toleration in after.Tolerations)
                {
                    WriteToleration(w, toleration);
                }
                w.WriteEndArray();
            }
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteResourceVersion(Utf8JsonWriter w, string? resourceVersion)
    {
        if (resourceVersion is null)
        {
            return;
        }
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", resourceVersion);
        w.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteTaint(Utf8JsonWriter w, Taint taint)
    {
        w.WriteStartObject();
        w.WriteString("key", taint.Key);
        if (taint.Value.Length > 0)
        {
            w.WriteString("value", taint.Value);
        }
        w.WriteString("effect", taint.Effect.ToString());
        w.WriteEndObject();
    }

    private static void WriteToleration(Utf8JsonWriter w, Toleration toleration)
    {
        w.WriteStartObject();
        if (toleration.Key.Length > 0)
        {
            w.WriteString("key", toleration.Key);
        }
        w.WriteString("operator", toleration.Operator.ToString());
        if (toleration.Value.Length > 0)
        {
            w.WriteString("value", toleration.Value);
        }
        if (toleration.Effect is { } effect)
        {
            w.WriteString("effect", effect.ToString());
        }
        if (toleration.TolerationSeconds is { } seconds)
        {
            w.WriteNumber("tolerationSeconds", seconds);
        }
        w.WriteEndObject();
    }

    private static void WriteTerm(Utf8JsonWriter w, NodeSelectorTerm term)
    {
        w.WriteStartObject();
        WriteRequirements(w, "matchExpressions", term.MatchExpressions);
        WriteRequirements(w, "matchFields", term.MatchFields);
        w.WriteEndObject();
    }

    private static void WriteRequirements(Utf8JsonWriter w, string name, EquatableArray<NodeSelectorRequirement> requirements)
    {
        if (requirements.IsEmpty)
        {
            return;
        }
        w.WriteStartArray(name);
        foreach (var requirement in requirements)
        {
            w.WriteStartObject();
            w.WriteString("key", requirement.Key);
            w.WriteString("operator", requirement.Operator);
            if (!requirement.Values.IsEmpty)
            {
                w.WriteStartArray("values");
                foreach (var value in requirement.Values)
                {
                    w.WriteStringValue(value);
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>Renders a placement as the OpenELB Helm chart's <c>speaker.*</c> values (YAML), for Helm-managed speakers.</summary>
public static class HelmValues
{
    /// <summary>The <c>speaker:</c> block with nodeSelector, affinity and tolerations.</summary>
    public static string For(SpeakerPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var sb = new StringBuilder();
        sb.Append("speaker:\n");
        if (placement.NodeSelector.Count == 0)
        {
            sb.Append("  nodeSelector: {}\n");
        }
        else
        {
            sb.Append("  nodeSelector:\n");
            foreach (var (key, value) in placement.NodeSelector)
            {
                sb.Append("    ").Append(key).Append(": ").Append(Quote(value)).Append('\n');
            }
        }
        if (placement.RequiredNodeAffinity is { } terms)
        {
            sb.Append("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n");
            foreach (var term in terms)
            {
                var first = true;
                foreach (var (section, requirements) in new[] { ("matchExpressions", term.MatchExpressions), ("matchFields", term.MatchFields) })
                {
                    if (requirements.IsEmpty)
                    {
                        continue;
                    }
                    sb.Append(first ? "        - " : "          ").Append(section).Append(":\n");
                    first = false;
                    foreach (var r in requirements)
                    {
                        sb.Append("            - key: ").Append(r.Key).Append('\n');
                        sb.Append("              operator: ").Append(r.Operator).Append('\n');
                        if (!r.Values.IsEmpty)
                        {
                            sb.Append("              values: [").Append(string.Join(", ", r.Values.Select(Quote))).Append("]\n");
                        }
                    }
                }
                if (first)
                {
                    sb.Append("        - {}\n");
                }
            }
        }
        else
        {
            sb.Append("  affinity: {}\n");
        }
        if (placement.Tolerations.IsEmpty)
        {
            sb.Append("  tolerations: []\n");
        }
        else
        {
            sb.Append("  tolerations:\n");
            foreach (var t in placement.Tolerations)
            {
                sb.Append("    - ");
                var lines = new List<string>();
                if (t.Key.Length > 0)
                {
                    lines.Add($"key: {Quote(t.Key)}");
                }
                lines.Add($"operator: {t.Operator}");
                if (t.Value.Length > 0)
                {
                    lines.Add($"value: {Quote(t.Value)}");
                }
                if (t.Effect is { } effect)
                {
                    lines.Add($"effect: {effect}");
                }
                if (t.TolerationSeconds is { } seconds)
                {
                    lines.Add($"tolerationSeconds: {seconds}");
                }
                sb.Append(string.Join("\n      ", lines)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// The placement as <c>helm upgrade --reuse-values</c> flags: <c>--set-string</c> for every string (label values
    /// like <c>"true"</c> stay strings), <c>--set</c> for numbers, each list and map written whole; dots in keys and
    /// commas in values escaped as Helm requires. Each flag is one shell word, single-quoted.
    /// </summary>
    public static EquatableArray<string> SetFlags(SpeakerPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var flags = new List<string>();
        if (placement.NodeSelector.Count == 0)
        {
            flags.Add(Flag("--set", "speaker.nodeSelector", "null"));
        }
        foreach (var (key, value) in placement.NodeSelector)
        {
            flags.Add(Flag("--set-string", "speaker.nodeSelector." + EscapeKey(key), value));
        }
        if (placement.RequiredNodeAffinity is not { } terms)
        {
            flags.Add(Flag("--set", "speaker.affinity", "null"));
        }
        else
        {
            const string prefix = "speaker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
            for (var t = 0; t < terms.Count; t++)
            {
                foreach (var (section, requirements) in new[] { ("matchExpressions", terms[t].MatchExpressions), ("matchFields", terms[t].MatchFields) })
                {
                    for (var r = 0; r < requirements.Count; r++)
                    {
                        var at = $"{prefix}[{t}].{section}[{r}]";
                        flags.Add(Flag("--set-string", at + ".key", requirements[r].Key));
                        flags.Add(Flag("--set-string", at + ".operator", requirements[r].Operator));
                        for (var v = 0; v < requirements[r].Values.Count; v++)
                        {
                            flags.Add(Flag("--set-string", $"{at}.values[{v}]", requirements[r].Values[v]));
                        }
                    }
                }
            }
        }
        if (placement.Tolerations.IsEmpty)
        {
            flags.Add(Flag("--set", "speaker.tolerations", "null"));
        }
        for (var i = 0; i < placement.Tolerations.Count; i++)
        {
            var t = placement.Tolerations[i];
            var at = $"speaker.tolerations[{i}]";
            if (t.Key.Length > 0)
            {
                flags.Add(Flag("--set-string", at + ".key", t.Key));
            }
            flags.Add(Flag("--set-string", at + ".operator", t.Operator.ToString()));
            if (t.Value.Length > 0)
            {
                flags.Add(Flag("--set-string", at + ".value", t.Value));
            }
            if (t.Effect is { } effect)
            {
                flags.Add(Flag("--set-string", at + ".effect", effect.ToString()));
            }
            if (t.TolerationSeconds is { } seconds)
            {
                flags.Add(Flag("--set", at + ".tolerationSeconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        return [.. flags];
    }

    // Helm's --set parser splits keys on '.' and values on ','; both are escaped with a backslash. Label keys and
    // values cannot contain a single quote, so single-quoting makes each flag one shell word.
    private static string Flag(string option, string path, string value) =>
        $"{option} '{path}={value.Replace(",", "\\,", StringComparison.Ordinal)}'";

    private static string EscapeKey(string key) => key.Replace(".", "\\.", StringComparison.Ordinal);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
