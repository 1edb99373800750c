using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>
/// A failure that the API answers with a Kubernetes <c>Status</c> object. Thrown by the store and the
/// request handlers; turned into a response in one place.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, ResourceKind? kind = null, string? name = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Kind = kind;
        Name = name;
    }

    /// <summary>The HTTP status code (404, 409, 410, 422, ...).</summary>
    public int Code { get; }

    /// <summary>The machine-readable reason (NotFound, Conflict, AlreadyExists, Expired, Invalid, ...).</summary>
    public string Reason { get; }

    public ResourceKind? Kind { get; }

    public string? Name { get; }

    public static ApiException NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{Resource(kind)} \"{name}\" not found", kind, name);

    public static ApiException AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{Resource(kind)} \"{name}\" already exists", kind, name);

    public static ApiException Conflict(ResourceKind kind, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {Resource(kind)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            kind, name);

    public static ApiException Invalid(ResourceKind? kind, string name, string message) =>
        new(422, "Invalid", $"{(kind is null ? "object" : kind.Kind)} \"{name}\" is invalid: {message}", kind, name);

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Expired(string message) => new(410, "Expired", message);

    /// <summary>Builds the <c>Status</c> object the real API server sends for this failure.</summary>
    public JsonObject ToStatus()
    {
        var status = StatusObjects.Failure(Code, Reason, Message);
        if (Kind is not null)
        {
            status["details"] = new JsonObject
            {
                ["name"] = Name,
                ["group"] = Kind.Group,
                ["kind"] = Kind.Plural,
            };
        }
        return status;
    }

    private static string Resource(ResourceKind kind) =>
        kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";
}

/// <summary>Builders for <c>meta.k8s.io/v1 Status</c> objects.</summary>
public static class StatusObjects
{
    public static JsonObject Failure(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    public static JsonObject Success(ResourceKind kind, string name) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = kind.Group, ["kind"] = kind.Plural },
    };
}
