using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Simulator.Controllers;

/// <summary>
/// Reads stored objects into Core's scheduling records, so that the controllers decide placement with exactly the
/// semantics the dashboard previews. The simulator keeps its own small converters: it must not depend on the
/// Kubernetes adapter. Pure and thread-safe.
/// </summary>
internal static class SchedulingJson
{
    /// <summary>A node's labels, taints, readiness and cordon state.</summary>
    public static NodeInfo Node(JsonObject node)
    {
        var taints = new List<Taint>();
        if (node["spec"]?["taints"] is JsonArray taintArray)
        {
            foreach (var taint in taintArray)
            {
                if (Enum.TryParse<TaintEffect>(Text(taint?["effect"]), ignoreCase: false, out var effect))
                {
                    taints.Add(new Taint(Text(taint?["key"]) ?? "", Text(taint?["value"]) ?? "", effect));
                }
            }
        }
        var internalIp = (node["status"]?["addresses"] as JsonArray)?
            .FirstOrDefault(a => Text(a?["type"]) == "InternalIP") is { } address ? Text(address["address"]) : null;
        return new NodeInfo(
            Name(node),
            Labels(node["metadata"]?["labels"]),
            taints.ToEquatableArray(),
            Ready: ConditionStatus(node, "Ready") == "True",
            Unschedulable: Bool(node["spec"]?["unschedulable"]),
            InternalIp: internalIp);
    }

    /// <summary>The nodeSelector, required node affinity and tolerations of a pod spec (a DaemonSet's template spec).</summary>
    public static SpeakerPlacement Placement(JsonNode? podSpec)
    {
        EquatableArray<NodeSelectorTerm>? affinity = null;
        if (podSpec?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"] is JsonObject required)
        {
            affinity = ((required["nodeSelectorTerms"] as JsonArray) ?? [])
                .Select(t => new NodeSelectorTerm(Requirements(t?["matchExpressions"]), Requirements(t?["matchFields"])))
                .ToEquatableArray();
        }
        var tolerations = ((podSpec?["tolerations"] as JsonArray) ?? [])
            .Select(t => new Toleration(
                Text(t?["key"]) ?? "",
                Text(t?["operator"]) == "Exists" ? TolerationOperator.Exists : TolerationOperator.Equal,
                Text(t?["value"]) ?? "",
                Enum.TryParse<TaintEffect>(Text(t?["effect"]), ignoreCase: false, out var effect) ? effect : null,
                t?["tolerationSeconds"] is { } seconds ? Long(seconds) : null))
            .ToEquatableArray();
        return new SpeakerPlacement(Labels(podSpec?["nodeSelector"]), affinity, tolerations);
    }

    /// <summary>The status of the condition of <paramref name="type"/> (<c>True</c>, <c>False</c>, <c>Unknown</c>), or null.</summary>
    public static string? ConditionStatus(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => Text(c?["type"]) == type) is { } condition
            ? Text(condition["status"])
            : null;

    public static string Name(JsonObject obj) => Text(obj["metadata"]?["name"]) ?? "";

    public static string Namespace(JsonObject obj) => Text(obj["metadata"]?["namespace"]) ?? "";

    public static string Uid(JsonObject obj) => Text(obj["metadata"]?["uid"]) ?? "";

    public static LabelSet Labels(JsonNode? map) =>
        map is JsonObject obj ? LabelSet.From(obj.Select(p => KeyValuePair.Create(p.Key, Text(p.Value) ?? ""))) : LabelSet.Empty;

    /// <summary>A scalar as text: strings as they are, other values as their JSON (so <c>true</c> reads <c>"true"</c>).</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    // ToJsonString: a parsed number is a JsonElement, a created one an int or long; only the text is uniform.
    public static long Long(JsonNode? node) =>
        node is JsonValue && long.TryParse(Text(node), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static bool Bool(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    private static EquatableArray<NodeSelectorRequirement> Requirements(JsonNode? list) =>
        ((list as JsonArray) ?? [])
            .Select(r => new NodeSelectorRequirement(
                Text(r?["key"]) ?? "",
                Text(r?["operator"]) ?? "",
                ((r?["values"] as JsonArray) ?? []).Select(v => Text(v) ?? "").ToEquatableArray()))
            .ToEquatableArray();
}
