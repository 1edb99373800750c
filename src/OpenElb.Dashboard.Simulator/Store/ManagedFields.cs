using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>Who is writing: the field manager and the operation recorded in <c>metadata.managedFields</c>.</summary>
/// <param name="Manager">The manager name (the <c>fieldManager</c> query parameter, or the User-Agent's first segment).</param>
/// <param name="Operation"><c>Update</c> (create, update and the non-apply patches) or <c>Apply</c>.</param>
public sealed record FieldManager(string Manager, string Operation = FieldManager.Update)
{
    /// <summary>The operation of create, update and non-apply patches.</summary>
    public const string Update = "Update";

    /// <summary>The longest manager name the API server accepts.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// The manager of a request as the API server defaults it: the <c>fieldManager</c> query parameter when given,
    /// otherwise the User-Agent up to its first '/', cut at <see cref="MaxLength"/>; null when neither says anything.
    /// </summary>
    public static FieldManager? FromRequest(string? fieldManager, string? userAgent)
    {
        if (!string.IsNullOrEmpty(fieldManager))
        {
            return new FieldManager(fieldManager);
        }
        var prefix = (userAgent ?? "").Split('/')[0].Trim();
        if (prefix.Length > MaxLength)
        {
            prefix = prefix[..MaxLength];
        }
        return prefix.Length == 0 ? null : new FieldManager(prefix);
    }
}

/// <summary>
/// Keeps <c>metadata.managedFields</c> the way the API server does for Update operations, closely enough for clients
/// that read who owns a field: one entry per (manager, operation) with <c>apiVersion</c>, <c>time</c>,
/// <c>fieldsType: FieldsV1</c> and a <c>fieldsV1</c> set. The set a write adds is the diff between the stored and the
/// new object (as the API server computes it for Update operations); fields it changed or removed are taken away from
/// every other manager, and a manager left with no fields loses its entry.
/// </summary>
/// <remarks>
/// Simplifications (documented, not needed by the dashboard): lists are atomic (<c>f:taints: {}</c>; the API server
/// keys some lists, e.g. containers, with <c>k:{…}</c>), maps and structs carry no <c>"."</c> entry, and a client's own
/// <c>managedFields</c> in a body are ignored (the stored ones are kept). Pure and stateless.
/// </remarks>
public static class ManagedFields
{
    private const string FieldsV1 = "FieldsV1";

    // Server-owned metadata that the API server never records in a field set.
    private static readonly HashSet<string> s_serverMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp",
    };

    /// <summary>
    /// Records <paramref name="manager"/>'s write of <paramref name="after"/> over <paramref name="before"/> (null for a
    /// create) in <paramref name="after"/>'s <c>metadata.managedFields</c>, starting from <paramref name="before"/>'s
    /// entries. Changes <paramref name="after"/> in place.
    /// </summary>
    public static void Record(JsonObject? before, JsonObject after, ResourceKind kind, FieldManager manager, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(manager);
        var set = new JsonObject();
        var removed = new JsonObject();
        Diff(Trackable(before), Trackable(after), set, removed);

        var entries = before is null ? [] : Entries(before);
        var time = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        JsonObject? own = null;
        foreach (var entry in entries)
        {
            if (entry["fieldsV1"] is not JsonObject fields)
            {
                continue;
            }
            var mine = entry["manager"]?.GetValue<string>() == manager.Manager && entry["operation"]?.GetValue<string>() == manager.Operation;
            Subtract(fields, removed);
            if (mine)
            {
                own = entry;
            }
            else
            {
                Subtract(fields, set);
            }
        }
        if (set.Count > 0)
        {
            if (own is null)
            {
                own = new JsonObject
                {
                    ["manager"] = manager.Manager,
                    ["operation"] = manager.Operation,
                    ["fieldsV1"] = new JsonObject(),
                };
                entries.Add(own);
            }
            Union((JsonObject)own["fieldsV1"]!, set);
        }
        if (own is not null && (set.Count > 0 || removed.Count > 0))
        {
            own["apiVersion"] = kind.ApiVersion;
            own["time"] = time;
            own["fieldsType"] = FieldsV1;
        }
        entries.RemoveAll(static e => e["fieldsV1"] is JsonObject { Count: 0 });

        var meta = ObjectStore.Metadata(after);
        if (entries.Count == 0)
        {
            meta.Remove("managedFields");
        }
        else
        {
            // Entries in a stable order: the API server keeps insertion order, which this list preserves.
            meta["managedFields"] = new JsonArray([.. entries.Select(static e => (JsonNode)e.DeepClone())]);
        }
    }

    /// <summary>Keeps <paramref name="before"/>'s managedFields on <paramref name="after"/> (a write that records no manager).</summary>
    public static void Carry(JsonObject before, JsonObject after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var meta = ObjectStore.Metadata(after);
        if (ObjectStore.Metadata(before)["managedFields"] is JsonArray fields)
        {
            meta["managedFields"] = fields.DeepClone();
        }
        else
        {
            meta.Remove("managedFields");
        }
    }

    private static List<JsonObject> Entries(JsonObject obj) =>
        ObjectStore.Metadata(obj)["managedFields"] is JsonArray array
            ? [.. array.OfType<JsonObject>().Select(static e => (JsonObject)e.DeepClone())]
            : [];

    /// <summary>The part of an object a field set describes: everything but status, apiVersion, kind and server metadata.</summary>
    private static JsonObject? Trackable(JsonObject? obj)
    {
        if (obj is null)
        {
            return null;
        }
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key is "status" or "apiVersion" or "kind")
            {
                continue;
            }
            if (key == "metadata" && value is JsonObject meta)
            {
                var kept = new JsonObject();
                foreach (var (metaKey, metaValue) in meta)
                {
                    if (!s_serverMetadata.Contains(metaKey))
                    {
                        kept[metaKey] = metaValue?.DeepClone();
                    }
                }
                result[key] = kept;
                continue;
            }
            result[key] = value?.DeepClone();
        }
        return result;
    }

    /// <summary>Fields set or changed go to <paramref name="set"/>, fields removed to <paramref name="removed"/> (as FieldsV1 trees).</summary>
    internal static void Diff(JsonObject? before, JsonObject? after, JsonObject set, JsonObject removed)
    {
        foreach (var (key, value) in after ?? [])
        {
            var name = "f:" + key;
            if (before is null || !before.TryGetPropertyValue(key, out var old))
            {
                set[name] = Leaves(value);
            }
            else if (old is JsonObject oldObject && value is JsonObject newObject)
            {
                var childSet = new JsonObject();
                var childRemoved = new JsonObject();
                Diff(oldObject, newObject, childSet, childRemoved);
                if (childSet.Count > 0)
                {
                    set[name] = childSet;
                }
                if (childRemoved.Count > 0)
                {
                    removed[name] = childRemoved;
                }
            }
            else if (!JsonNode.DeepEquals(old, value))
            {
                set[name] = new JsonObject();
            }
        }
        foreach (var (key, _) in before ?? [])
        {
            if (after is null || !after.ContainsKey(key))
            {
                removed["f:" + key] = new JsonObject();
            }
        }
    }

    private static JsonObject Leaves(JsonNode? value)
    {
        var result = new JsonObject();
        if (value is JsonObject obj)
        {
            foreach (var (key, child) in obj)
            {
                result["f:" + key] = Leaves(child);
            }
        }
        return result;
    }

    internal static void Union(JsonObject target, JsonObject add)
    {
        foreach (var (key, value) in add)
        {
            if (target[key] is JsonObject existing && value is JsonObject more)
            {
                Union(existing, more);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>Takes <paramref name="remove"/> out of <paramref name="target"/>: a leaf removes the whole subtree below it.</summary>
    internal static void Subtract(JsonObject target, JsonObject remove)
    {
        foreach (var (key, value) in remove)
        {
            if (target[key] is not JsonObject existing)
            {
                continue;
            }
            if (value is not JsonObject { Count: > 0 } children)
            {
                target.Remove(key);
            }
            else if (existing.Count > 0)
            {
                Subtract(existing, children);
                if (existing.Count == 0)
                {
                    target.Remove(key);
                }
            }
        }
    }
}
