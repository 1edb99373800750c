using System.Globalization;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// Server-side printing (<c>meta.k8s.io/v1 Table</c>) for <c>kubectl get</c>: the columns kubectl shows for nodes,
/// pods and DaemonSets (priority 1 columns appear with <c>-o wide</c>), and NAME/AGE for every other kind.
/// </summary>
internal static class TableBuilder
{
    public static bool IsRequested(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));

    public static JsonObject Build(ResourceKind kind, IEnumerable<JsonObject> items, long resourceVersion, bool includeObject, DateTimeOffset now)
    {
        var columns = Columns(kind);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = Cells(kind, item, now);
            JsonNode rowObject = includeObject
                ? item
                : new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = item["metadata"]?.DeepClone(),
                };
            rows.Add(new JsonObject { ["cells"] = new JsonArray(cells), ["object"] = rowObject });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Name == "Name" ? "name" : "",
                ["description"] = "",
                ["priority"] = c.Priority,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    private static (string Name, string Type, int Priority)[] Columns(ResourceKind kind)
    {
        if (kind == ResourceCatalog.Nodes)
        {
            return [("Name", "string", 0), ("Status", "string", 0), ("Roles", "string", 0), ("Age", "string", 0), ("Version", "string", 0),
                ("Internal-IP", "string", 1), ("External-IP", "string", 1), ("OS-Image", "string", 1), ("Kernel-Version", "string", 1), ("Container-Runtime", "string", 1)];
        }
        if (kind == ResourceCatalog.Pods)
        {
            return [("Name", "string", 0), ("Ready", "string", 0), ("Status", "string", 0), ("Restarts", "string", 0), ("Age", "string", 0),
                ("IP", "string", 1), ("Node", "string", 1), ("Nominated Node", "string", 1), ("Readiness Gates", "string", 1)];
        }
        if (kind == ResourceCatalog.DaemonSets)
        {
            return [("Name", "string", 0), ("Desired", "integer", 0), ("Current", "integer", 0), ("Ready", "integer", 0), ("Up-to-date", "integer", 0),
                ("Available", "integer", 0), ("Node Selector", "string", 0), ("Age", "string", 0), ("Containers", "string", 1), ("Images", "string", 1), ("Selector", "string", 1)];
        }
        return [("Name", "string", 0), ("Age", "string", 0)];
    }

    private static JsonNode?[] Cells(ResourceKind kind, JsonObject item, DateTimeOffset now)
    {
        var name = Str(item["metadata"]?["name"]);
        var age = Age(item, now);
        if (kind == ResourceCatalog.Nodes)
        {
            var ready = (item["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => Str(c?["type"]) == "Ready");
            var status = Str(ready?["status"]) == "True" ? "Ready" : "NotReady";
            if (item["spec"]?["unschedulable"]?.GetValue<bool>() == true)
            {
                status += ",SchedulingDisabled";
            }
            var roles = (item["metadata"]?["labels"] as JsonObject)?
                .Select(l => l.Key)
                .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
                .Select(k => k["node-role.kubernetes.io/".Length..])
                .ToList() ?? [];
            var addresses = item["status"]?["addresses"] as JsonArray;
            string Address(string type) => Str(addresses?.FirstOrDefault(a => Str(a?["type"]) == type)?["address"], "<none>");
            var info = item["status"]?["nodeInfo"];
            return [name, status, roles.Count == 0 ? "<none>" : string.Join(',', roles), age, Str(info?["kubeletVersion"]),
                Address("InternalIP"), Address("ExternalIP"), Str(info?["osImage"], "<unknown>"), Str(info?["kernelVersion"], "<unknown>"), Str(info?["containerRuntimeVersion"], "<unknown>")];
        }
        if (kind == ResourceCatalog.Pods)
        {
            var statuses = item["status"]?["containerStatuses"] as JsonArray ?? [];
            var total = (item["spec"]?["containers"] as JsonArray)?.Count ?? 0;
            var readyCount = statuses.Count(s => s?["ready"]?.GetValue<bool>() == true);
            var restarts = statuses.Sum(s => Int(s?["restartCount"]));
            return [name, $"{readyCount}/{total}", Str(item["status"]?["phase"], "Pending"), restarts.ToString(CultureInfo.InvariantCulture), age,
                Str(item["status"]?["podIP"], "<none>"), Str(item["spec"]?["nodeName"], "<none>"), "<none>", "<none>"];
        }
        if (kind == ResourceCatalog.DaemonSets)
        {
            var status = item["status"];
            long Count(string field) => Int(status?[field]);
            var selector = item["spec"]?["template"]?["spec"]?["nodeSelector"] as JsonObject;
            var containers = item["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? [];
            var matchLabels = item["spec"]?["selector"]?["matchLabels"] as JsonObject;
            return [name, Count("desiredNumberScheduled"), Count("currentNumberScheduled"), Count("numberReady"), Count("updatedNumberScheduled"),
                Count("numberAvailable"), Pairs(selector), age,
                string.Join(',', containers.Select(c => Str(c?["name"]))), string.Join(',', containers.Select(c => Str(c?["image"]))), Pairs(matchLabels)];
        }
        return [name, age];
    }

    // Numbers parsed from JSON or YAML may be backed by int, long or JsonElement; their text is uniform.
    private static long Int(JsonNode? node) =>
        node is JsonValue && long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string Pairs(JsonObject? map) =>
        map is null || map.Count == 0 ? "<none>" : string.Join(',', map.Select(p => $"{p.Key}={Str(p.Value)}"));

    private static string Str(JsonNode? node, string fallback = "") =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : fallback;

    private static string Age(JsonObject item, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(Str(item["metadata"]?["creationTimestamp"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
        {
            return "<unknown>";
        }
        var age = now - created;
        return age.TotalDays >= 2 ? $"{(int)age.TotalDays}d"
            : age.TotalHours >= 2 ? $"{(int)age.TotalHours}h"
            : age.TotalMinutes >= 2 ? $"{(int)age.TotalMinutes}m"
            : $"{Math.Max(0, (int)age.TotalSeconds)}s";
    }
}
