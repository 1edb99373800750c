using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>Which part of an object a write may change.</summary>
public enum WriteTarget
{
    /// <summary>The main resource: everything but <c>status</c>, which is kept from the stored object.</summary>
    Main,

    /// <summary>The <c>status</c> subresource: only <c>status</c> changes.</summary>
    Status,
}

/// <summary>
/// The simulator's ground truth: every object as a <see cref="JsonObject"/>, one global monotonic resourceVersion,
/// and a bounded history of changes for watches. Thread-safe: every read and write takes one lock, so a watch
/// registration and the history it replays are consistent. Objects handed out are copies; callers may mutate them.
/// </summary>
public sealed class ObjectStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKind, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly int _historyCapacity;
    private readonly TimeProvider _time;
    private long _resourceVersion;

    // Every event with a resourceVersion greater than this is still in _history.
    private long _compactedThrough;

    public ObjectStore(int historyCapacity = 1000, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyCapacity);
        _historyCapacity = historyCapacity;
        _time = time ?? TimeProvider.System;
        foreach (var kind in ResourceCatalog.All)
        {
            _objects[kind] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        }
    }

    /// <summary>The resourceVersion of the latest change.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Returns a copy of one object, or null.</summary>
    public JsonObject? Get(ResourceKind kind, string? ns, string name)
    {
        lock (_lock)
        {
            return _objects[kind].TryGetValue(Key(kind, ns, name), out var obj) ? Copy(obj) : null;
        }
    }

    /// <summary>Returns a copy of one object, or throws NotFound.</summary>
    public JsonObject GetRequired(ResourceKind kind, string? ns, string name) =>
        Get(kind, ns, name) ?? throw ApiException.NotFound(kind, name);

    /// <summary>Copies of all objects of a kind (in one namespace when <paramref name="ns"/> is set), ordered by namespace and name, with the list's resourceVersion.</summary>
    public (IReadOnlyList<JsonObject> Items, long ResourceVersion) List(ResourceKind kind, string? ns = null)
    {
        lock (_lock)
        {
            var items = _objects[kind].Values
                .Where(o => ns is null || Namespace(o) == ns)
                .Select(Copy)
                .ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>
    /// One page of a list: copies of at most <paramref name="limit"/> objects that satisfy <paramref name="predicate"/>, in
    /// key order, and how many more match. The predicate sees the stored objects (under the lock) and must not change them;
    /// only the page is copied, so paging through thousands of objects does not copy all of them per page.
    /// </summary>
    public (IReadOnlyList<JsonObject> Items, long ResourceVersion, int Remaining) List(ResourceKind kind, string? ns, Func<JsonObject, bool> predicate, int limit)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_lock)
        {
            var items = new List<JsonObject>(Math.Min(limit, _objects[kind].Count));
            var remaining = 0;
            foreach (var obj in _objects[kind].Values)
            {
                if ((ns is null || Namespace(obj) == ns) && predicate(obj))
                {
                    if (items.Count < limit)
                    {
                        items.Add(Copy(obj));
                    }
                    else
                    {
                        remaining++;
                    }
                }
            }
            return (items, _resourceVersion, remaining);
        }
    }

    /// <summary>
    /// Reads every object of a kind, in key order, without copying any: <paramref name="select"/> sees the stored objects
    /// (under the lock) and must neither change them nor keep their nodes; it returns what to keep (strings, numbers,
    /// records of them), or null to skip the object. For controllers that need a few fields of thousands of objects,
    /// where copying each whole object dominated their passes.
    /// </summary>
    public List<T> Select<T>(ResourceKind kind, Func<JsonObject, T?> select)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(select);
        lock (_lock)
        {
            var result = new List<T>();
            foreach (var obj in _objects[kind].Values)
            {
                if (select(obj) is { } selected)
                {
                    result.Add(selected);
                }
            }
            return result;
        }
    }

    /// <summary>
    /// Creates an object. With <paramref name="dryRun"/> the result is returned but nothing is stored. With
    /// <paramref name="manager"/> every field of the object is recorded as that manager's in <c>metadata.managedFields</c>;
    /// without it (the simulator's own controllers and scenario loading) the object carries none, which keeps 5,000-node
    /// scenarios lean.
    /// </summary>
    public JsonObject Create(ResourceKind kind, string? ns, JsonObject obj, bool dryRun = false, FieldManager? manager = null)
    {
        var candidate = Copy(obj);
        var meta = Metadata(candidate);
        // The server owns managedFields; a client's own entries in a create are not taken over.
        meta.Remove("managedFields");
        if (kind.Namespaced)
        {
            var bodyNs = meta["namespace"]?.GetValue<string>();
            ns ??= bodyNs ?? "default";
            if (bodyNs is not null && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
            ns = null;
        }

        var name = meta["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) && meta["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            name = prefix + Guid.NewGuid().ToString("N")[..5];
            meta["name"] = name;
        }
        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.Invalid(kind, "", "metadata.name: Required value: name or generateName is required");
        }
        if (meta["resourceVersion"] is JsonValue rv && rv.GetValue<string>().Length > 0)
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }
        candidate["apiVersion"] = kind.ApiVersion;
        candidate["kind"] = kind.Kind;
        ObjectValidator.Validate(kind, candidate);
        if (manager is not null)
        {
            ManagedFields.Record(null, candidate, kind, manager, _time.GetUtcNow());
        }

        lock (_lock)
        {
            if (kind.Namespaced && !_objects[ResourceCatalog.Namespaces].ContainsKey(Key(ResourceCatalog.Namespaces, null, ns!)))
            {
                throw ApiException.NotFound(ResourceCatalog.Namespaces, ns!);
            }
            var key = Key(kind, ns, name);
            if (_objects[kind].ContainsKey(key))
            {
                throw ApiException.AlreadyExists(kind, name);
            }
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp();
            meta["generation"] = 1L;
            if (dryRun)
            {
                meta["resourceVersion"] = "";
                return candidate;
            }
            Commit(kind, key, candidate, WatchEvent.Added, previous: null);
            return Copy(candidate);
        }
    }

    /// <summary>
    /// Replaces an object (PUT). A non-empty <c>metadata.resourceVersion</c> in <paramref name="obj"/> is a precondition:
    /// when it is not the stored version the write fails with 409 Conflict. <paramref name="manager"/> as for
    /// <see cref="Mutate"/>.
    /// </summary>
    public JsonObject Update(ResourceKind kind, string? ns, string name, JsonObject obj, WriteTarget target = WriteTarget.Main, bool dryRun = false, FieldManager? manager = null)
    {
        var incoming = Copy(obj);
        return Mutate(kind, ns, name, _ => incoming, target, dryRun, manager);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to a copy of the stored object under the store lock and writes the result with
    /// the same rules as <see cref="Update"/>. A patch that sets <c>metadata.resourceVersion</c> therefore acts as a precondition.
    /// The stored <c>metadata.managedFields</c> are kept (a client cannot overwrite them); a main-resource write with
    /// <paramref name="manager"/> records the fields it changed as that manager's, as the API server does for Update
    /// operations. Status writes record nothing (the BGP status simulator rewrites status constantly at 5,000 nodes).
    /// </summary>
    public JsonObject Mutate(ResourceKind kind, string? ns, string name, Func<JsonObject, JsonObject> change, WriteTarget target = WriteTarget.Main, bool dryRun = false, FieldManager? manager = null)
    {
        ns = kind.Namespaced ? ns : null;
        lock (_lock)
        {
            var key = Key(kind, ns, name);
            if (!_objects[kind].TryGetValue(key, out var existing))
            {
                throw ApiException.NotFound(kind, name);
            }
            var incoming = change(Copy(existing));
            var result = Merge(kind, existing, incoming, name, target);
            ObjectValidator.Validate(kind, result);

            var unchanged = JsonNode.DeepEquals(result, existing);
            if (!unchanged && manager is not null && target == WriteTarget.Main)
            {
                ManagedFields.Record(existing, result, kind, manager, _time.GetUtcNow());
            }
            if (unchanged || dryRun)
            {
                // Like the API server, a write that changes nothing does not produce a new resourceVersion or an event.
                return Copy(result);
            }
            Commit(kind, key, result, WatchEvent.Modified, ObjectSummary.Of(existing));
            return Copy(result);
        }
    }

    /// <summary>Deletes an object and returns its last state. <paramref name="expectedResourceVersion"/> is an optional precondition.</summary>
    public JsonObject Delete(ResourceKind kind, string? ns, string name, bool dryRun = false, string? expectedResourceVersion = null)
    {
        ns = kind.Namespaced ? ns : null;
        lock (_lock)
        {
            var key = Key(kind, ns, name);
            if (!_objects[kind].TryGetValue(key, out var existing))
            {
                throw ApiException.NotFound(kind, name);
            }
            if (!string.IsNullOrEmpty(expectedResourceVersion) && expectedResourceVersion != StoredVersion(existing))
            {
                throw ApiException.Conflict(kind, name);
            }
            if (dryRun)
            {
                return Copy(existing);
            }
            _objects[kind].Remove(key);
            var deleted = Copy(existing);
            _resourceVersion++;
            Metadata(deleted)["resourceVersion"] = Rv(_resourceVersion);
            Record(new WatchEvent(WatchEvent.Deleted, kind, _resourceVersion, ObjectSummary.Of(deleted), null, deleted.ToJsonString()));
            return deleted;
        }
    }

    /// <summary>
    /// Registers a watch. With <paramref name="fromResourceVersion"/> null or 0 the subscription starts with a synthetic
    /// ADDED event per existing object; otherwise it replays every retained change after that version, or throws
    /// 410 Expired when those changes are no longer retained.
    /// </summary>
    public WatchSubscription Watch(ResourceKind kind, long? fromResourceVersion)
    {
        lock (_lock)
        {
            var subscription = new WatchSubscription(kind, RemoveWatcher);
            if (fromResourceVersion is null or 0)
            {
                foreach (var obj in _objects[kind].Values)
                {
                    subscription.Publish(new WatchEvent(WatchEvent.Added, kind, long.Parse(StoredVersion(obj), CultureInfo.InvariantCulture), ObjectSummary.Of(obj), null, obj.ToJsonString()));
                }
            }
            else
            {
                if (fromResourceVersion < _compactedThrough)
                {
                    throw ApiException.Expired($"too old resource version: {fromResourceVersion} ({_compactedThrough})");
                }
                foreach (var evt in _history)
                {
                    if (evt.Kind == kind && evt.ResourceVersion > fromResourceVersion)
                    {
                        subscription.Publish(evt);
                    }
                }
            }
            _watchers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Forgets the retained history, so that every watch from an older resourceVersion gets 410 (fault injection).</summary>
    public void CompactHistory()
    {
        lock (_lock)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    /// <summary>Ends every open watch; clients see their stream close (fault injection).</summary>
    public void CloseAllWatches()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Close();
            }
            _watchers.Clear();
        }
    }

    private static JsonObject Merge(ResourceKind kind, JsonObject existing, JsonObject incoming, string name, WriteTarget target)
    {
        var incomingMeta = Metadata(incoming);
        var existingMeta = Metadata(existing);
        if (incomingMeta["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        var rv = incomingMeta["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(rv) && rv != StoredVersion(existing))
        {
            throw ApiException.Conflict(kind, name);
        }
        if (incomingMeta["uid"]?.GetValue<string>() is { Length: > 0 } uid && uid != existingMeta["uid"]?.GetValue<string>())
        {
            throw ApiException.Conflict(kind, name);
        }

        JsonObject result;
        if (target == WriteTarget.Status)
        {
            result = Copy(existing);
            result["status"] = incoming["status"]?.DeepClone();
        }
        else
        {
            result = incoming;
            result["status"] = existing["status"]?.DeepClone();
            var meta = Metadata(result);
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion" })
            {
                meta[field] = existingMeta[field]?.DeepClone();
            }
            ManagedFields.Carry(existing, result);
            if (!JsonNode.DeepEquals(WithoutMetaAndStatus(result), WithoutMetaAndStatus(existing)))
            {
                // ToJsonString: a parsed value is a JsonElement, a created one an int or long; only the text is uniform.
                var previous = existingMeta["generation"] is { } g ? long.Parse(g.ToJsonString(), CultureInfo.InvariantCulture) : 0;
                meta["generation"] = previous + 1;
            }
        }
        if (result["status"] is null)
        {
            result.Remove("status");
        }
        result["apiVersion"] = kind.ApiVersion;
        result["kind"] = kind.Kind;
        return result;
    }

    private static JsonObject WithoutMetaAndStatus(JsonObject obj)
    {
        var copy = Copy(obj);
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private void Commit(ResourceKind kind, string key, JsonObject obj, string type, ObjectSummary? previous)
    {
        _resourceVersion++;
        Metadata(obj)["resourceVersion"] = Rv(_resourceVersion);
        _objects[kind][key] = obj;
        Record(new WatchEvent(type, kind, _resourceVersion, ObjectSummary.Of(obj), previous, obj.ToJsonString()));
    }

    private void Record(WatchEvent evt)
    {
        _history.Enqueue(evt);
        while (_history.Count > _historyCapacity)
        {
            _compactedThrough = _history.Dequeue().ResourceVersion;
        }
        if (_historyCapacity == 0)
        {
            _compactedThrough = evt.ResourceVersion;
        }
        foreach (var watcher in _watchers)
        {
            if (watcher.Kind == evt.Kind)
            {
                watcher.Publish(evt);
            }
        }
    }

    private void RemoveWatcher(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _watchers.Remove(subscription);
        }
    }

    /// <summary>The store clock as an RFC 3339 timestamp (what the API server writes into metadata and status).</summary>
    public string Timestamp() =>
        _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Rv(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string StoredVersion(JsonObject obj) => Metadata(obj)["resourceVersion"]?.GetValue<string>() ?? "";

    private static string Namespace(JsonObject obj) => Metadata(obj)["namespace"]?.GetValue<string>() ?? "";

    private static string Key(ResourceKind kind, string? ns, string name) => kind.Namespaced ? $"{ns}/{name}" : name;

    private static JsonObject Copy(JsonObject obj) => (JsonObject)obj.DeepClone();

    internal static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }
        if (obj["metadata"] is not null)
        {
            throw ApiException.BadRequest("metadata must be an object");
        }
        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    /// <summary>Parses a resourceVersion query value; empty means "any".</summary>
    public static long? ParseResourceVersion(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rv)
            ? rv
            : throw ApiException.BadRequest($"invalid resourceVersion \"{value}\"");
    }

    internal static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}
