using System.Globalization;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Patching;

/// <summary>
/// JSON Patch (RFC 6902): add, remove, replace, move, copy and test. Applies to a copy; a failing operation (a
/// <c>test</c> that does not hold, a missing path) fails the whole patch with 422 Invalid, as the API server answers.
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw Invalid("each operation must be an object");
            }
            var kind = op["op"]?.GetValue<string>() ?? throw Invalid("missing \"op\"");
            var path = op["path"]?.GetValue<string>() ?? throw Invalid("missing \"path\"");
            switch (kind)
            {
                case "add":
                    document = Add(document, path, RequiredValue(op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, RequiredValue(op));
                    break;
                case "move":
                    var moved = Get(document, From(op));
                    Remove(document, From(op));
                    document = Add(document, path, moved);
                    break;
                case "copy":
                    document = Add(document, path, Get(document, From(op)));
                    break;
                case "test":
                    var actual = Get(document, path);
                    if (!JsonNode.DeepEquals(actual, op["value"]))
                    {
                        throw Invalid($"testing value {path} failed: expected {op["value"]?.ToJsonString() ?? "null"}, found {actual?.ToJsonString() ?? "null"}");
                    }
                    break;
                default:
                    throw Invalid($"unexpected op \"{kind}\"");
            }
        }
        return document;
    }

    private static JsonNode? RequiredValue(JsonObject op) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw Invalid("missing \"value\"");

    private static string From(JsonObject op) => op["from"]?.GetValue<string>() ?? throw Invalid("missing \"from\"");

    private static JsonNode Add(JsonNode document, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw Invalid("cannot replace the document with null");
        }
        var (parent, token) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array when token == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = Index(token, array.Count + 1, path);
                array.Insert(index, value);
                break;
            default:
                throw Invalid($"add operation does not apply: doc is missing path: \"{path}\"");
        }
        return document;
    }

    private static void Remove(JsonNode document, string path)
    {
        var (parent, token) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(token):
                obj.Remove(token);
                break;
            case JsonArray array:
                array.RemoveAt(Index(token, array.Count, path));
                break;
            default:
                throw Invalid($"doc is missing path: \"{path}\"");
        }
    }

    private static JsonNode? Get(JsonNode document, string path)
    {
        JsonNode? current = document;
        foreach (var token in Tokens(path))
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[Index(token, array.Count, path)],
                _ => throw Invalid($"doc is missing path: \"{path}\""),
            };
        }
        return current;
    }

    private static (JsonNode? Parent, string Token) Parent(JsonNode document, string path)
    {
        var tokens = Tokens(path);
        var parentPath = string.Concat(tokens.Take(tokens.Count - 1).Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        return (Get(document, parentPath), tokens[^1]);
    }

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }
        if (path[0] != '/')
        {
            throw Invalid($"JSON pointer must start with '/': \"{path}\"");
        }
        return path[1..].Split('/')
            .Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            .ToList();
    }

    private static int Index(string token, int count, string path)
    {
        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= count)
        {
            throw Invalid($"invalid array index in \"{path}\"");
        }
        return index;
    }

    private static ApiException Invalid(string message) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: {message}");
}
