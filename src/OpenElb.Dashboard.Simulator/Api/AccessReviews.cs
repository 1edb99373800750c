using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// The simulator's authorizer: its own identity may do everything except <see cref="FaultState.DeniedPermissions"/>; a
/// user it impersonates (<see cref="Impersonation"/>) everything except that user's
/// <see cref="FaultState.DeniedPermissionsByUser"/>. Serves <c>SelfSubjectAccessReview</c> (what
/// <c>kubectl auth can-i</c> and the dashboard's access check send), which reviews the user the request is authorized
/// as (the impersonated one, as on the API server), and refuses denied requests with a 403 <c>Forbidden</c> Status
/// worded like the API server's. Stateless; thread-safe.
/// </summary>
internal static class AccessReviews
{
    public const string Group = "authorization.k8s.io";
    public const string Version = "v1";
    public const string Plural = "selfsubjectaccessreviews";
    public const string Kind = "SelfSubjectAccessReview";

    public static void MapAccessReviews(this WebApplication app)
    {
        var faults = app.Services.GetRequiredService<FaultState>();
        // A literal route: it takes precedence over the generic /apis/{group}/{version}/{**rest} route.
        app.MapPost($"/apis/{Group}/{Version}/{Plural}", (HttpContext c) => ReviewAsync(c, faults));
    }

    /// <summary>
    /// Throws a 403 <see cref="ApiException"/> when <paramref name="identity"/> may not <paramref name="verb"/> on
    /// <paramref name="path"/>.
    /// </summary>
    public static void Authorize(FaultState faults, RequestIdentity identity, string verb, ResourcePath path)
    {
        var resource = path.Subresource is null ? path.Kind.Plural : $"{path.Kind.Plural}/{path.Subresource}";
        if (!IsDenied(faults, identity, new ResourceAccess(verb, path.Kind.Group, resource)))
        {
            return;
        }
        var subject = path.Name is null
            ? $"{resource} is forbidden"
            : $"{path.Kind.Plural}{(path.Kind.Group.Length == 0 ? "" : "." + path.Kind.Group)} \"{path.Name}\" is forbidden";
        var scope = path.Namespace is null ? "at the cluster scope" : $"in the namespace \"{path.Namespace}\"";
        throw new ApiException(403, "Forbidden",
            $"{subject}: User \"{identity.User}\" cannot {verb} resource \"{resource}\" in API group \"{path.Kind.Group}\" {scope}",
            path.Kind, path.Name);
    }

    private static async Task ReviewAsync(HttpContext context, FaultState faults)
    {
        var body = context.Request.ContentType?.Split(';')[0].Trim() == ProtobufReview.ContentType
            ? ProtobufReview.Decode(await ReadBytesAsync(context))
            : await HttpJson.ReadAsync(context);
        if (body is not JsonObject review || review["spec"] is not JsonObject spec)
        {
            throw ApiException.BadRequest("a SelfSubjectAccessReview needs a spec");
        }
        // The review is about the user the request is authorized as: the impersonated user when there is one.
        var identity = Impersonation.Of(context);
        bool allowed;
        if (spec["resourceAttributes"] is JsonObject attributes)
        {
            var verb = attributes["verb"]?.GetValue<string>() ?? "";
            var group = attributes["group"]?.GetValue<string>() ?? "";
            var resource = attributes["resource"]?.GetValue<string>() ?? "";
            var subresource = attributes["subresource"]?.GetValue<string>();
            var key = string.IsNullOrEmpty(subresource) ? resource : $"{resource}/{subresource}";
            allowed = !IsDenied(faults, identity, new ResourceAccess(verb, group, key));
        }
        else if (spec["nonResourceAttributes"] is JsonObject)
        {
            allowed = true;
        }
        else
        {
            throw ApiException.Invalid(null, "", "spec: Invalid value: resourceAttributes or nonResourceAttributes is required");
        }

        // The API server echoes the review with its status filled in; the denial reason reads like RBAC's.
        var status = new JsonObject { ["allowed"] = allowed };
        if (!allowed)
        {
            status["reason"] = $"denied for user \"{identity.User}\" by the simulator's injected denials";
        }
        review["apiVersion"] = $"{Group}/{Version}";
        review["kind"] = Kind;
        review["metadata"] ??= new JsonObject();
        review["status"] = status;
        await HttpJson.WriteAsync(context, 201, review);
    }

    private static bool IsDenied(FaultState faults, RequestIdentity identity, ResourceAccess permission) =>
        faults.IsDenied(identity.User, RequestIdentity.Self.User, permission);

    private static async Task<byte[]> ReadBytesAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }
}
