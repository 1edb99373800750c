using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>The identity and selectable fields of one object version, kept so that watchers can filter without parsing.</summary>
/// <param name="Namespace">Empty for cluster-scoped objects.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Labels">The object's labels.</param>
/// <param name="Fields">Field-selector values: <c>metadata.name</c>, <c>metadata.namespace</c>, <c>spec.nodeName</c>.</param>
public sealed record ObjectSummary(
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>Reads the summary of an object. The object is not retained.</summary>
    public static ObjectSummary Of(JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject;
        var ns = meta?["namespace"]?.GetValue<string>() ?? "";
        var name = meta?["name"]?.GetValue<string>() ?? "";
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (meta?["labels"] is JsonObject labelObject)
        {
            foreach (var (key, value) in labelObject)
            {
                labels[key] = value?.GetValue<string>() ?? "";
            }
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = ns,
        };
        if (obj["spec"] is JsonObject spec && spec["nodeName"] is JsonValue nodeName)
        {
            fields["spec.nodeName"] = nodeName.GetValue<string>();
        }
        return new ObjectSummary(ns, name, labels, fields);
    }
}

/// <summary>
/// One change recorded by the store. <see cref="Json"/> is the serialized object (immutable, so any number of
/// watchers can write it concurrently); <see cref="Previous"/> is the summary before a modification, which lets a
/// filtered watch turn "stopped matching" into DELETED as the real API server does.
/// </summary>
public sealed record WatchEvent(
    string Type,
    ResourceKind Kind,
    long ResourceVersion,
    ObjectSummary Summary,
    ObjectSummary? Previous,
    string Json)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
}
