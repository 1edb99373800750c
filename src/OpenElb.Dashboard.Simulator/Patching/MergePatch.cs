using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Patching;

/// <summary>
/// JSON merge patch (RFC 7386) and Kubernetes strategic merge patch. Both are pure functions that return a new node.
/// </summary>
/// <remarks>
/// Strategic merge differs from a merge patch only for lists that carry a merge key in the Kubernetes types; the
/// product's fields (labels and nodeSelector maps; taints, tolerations and nodeSelectorTerms lists, which have no
/// merge key) therefore behave exactly as in a merge patch: maps merge, those lists are replaced whole.
/// </remarks>
public static class MergePatch
{
    // Lists that Kubernetes merges element-wise by a key (patchMergeKey in the API types) rather than replacing.
    private static readonly Dictionary<string, string> s_mergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["env"] = "name",
        ["conditions"] = "type",
        ["addresses"] = "type",
        ["ports"] = "containerPort",
    };

    /// <summary>Applies an RFC 7386 merge patch: objects merge recursively, <c>null</c> deletes, anything else replaces.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => Merge(target, patch, strategic: false);

    /// <summary>Applies a strategic merge patch with the list semantics of the fields the simulator serves.</summary>
    public static JsonNode? ApplyStrategic(JsonNode? target, JsonNode? patch) => Merge(target, patch, strategic: true);

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch, bool strategic)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        if (strategic && patchObject["$patch"]?.GetValue<string>() == "replace")
        {
            var replacement = (JsonObject)patchObject.DeepClone();
            replacement.Remove("$patch");
            return replacement;
        }
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (strategic && key.StartsWith('$'))
            {
                // Directives such as $setElementOrder/… and $retainKeys only steer ordering and pruning; the
                // simulator keeps the patch's own order, which is what those directives restore.
                continue;
            }
            if (value is null)
            {
                result.Remove(key);
            }
            else if (strategic && value is JsonArray patchList && s_mergeKeys.TryGetValue(key, out var mergeKey) && result[key] is JsonArray existingList)
            {
                result[key] = MergeList(existingList, patchList, mergeKey);
            }
            else
            {
                result[key] = Merge(result[key], value, strategic);
            }
        }
        return result;
    }

    private static JsonArray MergeList(JsonArray existing, JsonArray patch, string mergeKey)
    {
        var result = new JsonArray(existing.Select(e => e?.DeepClone()).ToArray());
        foreach (var item in patch)
        {
            var key = item?[mergeKey]?.ToJsonString();
            var index = key is null ? -1 : IndexOf(result, mergeKey, key);
            var delete = item?["$patch"]?.GetValue<string>() == "delete";
            if (delete)
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                result[index] = Merge(result[index], item, strategic: true);
            }
            else
            {
                result.Add(item?.DeepClone());
            }
        }
        return result;
    }

    private static int IndexOf(JsonArray list, string mergeKey, string keyJson)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i]?[mergeKey]?.ToJsonString() == keyJson)
            {
                return i;
            }
        }
        return -1;
    }
}
