using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Patching;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// Serves the resource verbs (get, list, watch, create, update, patch, delete, and the status subresource) for every
/// path under <c>/api/v1</c> and <c>/apis/GROUP/VERSION</c>. Stateless apart from the store; safe for concurrent requests.
/// </summary>
internal sealed class ResourceHandler(ObjectStore store, WatchStreamer watches, TimeProvider time, FaultState faults)
{
    public async Task HandleAsync(HttpContext context, string group, string version, IReadOnlyList<string> rest)
    {
        var path = ResourcePath.Parse(group, version, rest)
            ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        // Custom resources exist only while their CRD does, as on a real API server: a cluster without OpenELB's CRDs
        // answers 404 for bgppeers and friends.
        if (path.Kind.Group == ResourceCatalog.OpenElbGroup
            && store.Get(ResourceCatalog.CustomResourceDefinitions, null, $"{path.Kind.Plural}.{path.Kind.Group}") is null)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        if (path.Subresource is not null and not "status")
        {
            throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({path.Subresource})");
        }
        var method = context.Request.Method;
        var watch = context.Request.Query["watch"] is var w && (w == "true" || w == "1");
        // Authorized before anything else, dry runs included, as the API server does.
        AccessReviews.Authorize(faults, Impersonation.Of(context), Verb(method, path.Name is null, watch), path);
        var dryRun = DryRun(context.Request);
        var target = path.Subresource == "status" ? WriteTarget.Status : WriteTarget.Main;
        var manager = FieldManager.FromRequest(context.Request.Query["fieldManager"], context.Request.Headers.UserAgent);

        if (path.Name is null)
        {
            switch (method)
            {
                case "GET" when watch:
                    await watches.StreamAsync(context, path, Selector.ParseLabels(context.Request.Query["labelSelector"]), Selector.ParseFields(context.Request.Query["fieldSelector"]));
                    return;
                case "GET":
                    await ListAsync(context, path);
                    return;
                case "POST":
                    var body = await ReadObjectAsync(context, path.Kind);
                    await HttpJson.WriteAsync(context, 201, store.Create(path.Kind, path.Namespace, body, dryRun, manager));
                    return;
            }
        }
        else
        {
            switch (method)
            {
                case "GET":
                    var obj = store.GetRequired(path.Kind, path.Namespace, path.Name);
                    await HttpJson.WriteAsync(context, 200, TableBuilder.IsRequested(context.Request)
                        ? TableBuilder.Build(path.Kind, [obj], store.ResourceVersion, IncludeObject(context.Request), time.GetUtcNow())
                        : obj);
                    return;
                case "PUT":
                    var replacement = await ReadObjectAsync(context, path.Kind);
                    await HttpJson.WriteAsync(context, 200, store.Update(path.Kind, path.Namespace, path.Name, replacement, target, dryRun, manager));
                    return;
                case "PATCH":
                    await PatchAsync(context, path, target, dryRun, manager);
                    return;
                case "DELETE" when target == WriteTarget.Main:
                    await DeleteAsync(context, path, dryRun);
                    return;
            }
        }
        throw new ApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");
    }

    private static string Verb(string method, bool collection, bool watch) => method switch
    {
        "GET" when watch => "watch",
        "GET" when collection => "list",
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => method,
    };

    private async Task ListAsync(HttpContext context, ResourcePath path)
    {
        var query = context.Request.Query;
        var labels = Selector.ParseLabels(query["labelSelector"]);
        var fields = Selector.ParseFields(query["fieldSelector"]);
        // The continue token is the key of the last item returned; the next page starts after it (in key order).
        var after = DecodeContinue(query["continue"]);
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var requested) && requested > 0 ? requested : int.MaxValue;
        var (items, resourceVersion, remaining) = store.List(path.Kind, path.Namespace, o =>
        {
            if (after is not null && string.CompareOrdinal(Key(o), after) <= 0)
            {
                return false;
            }
            var s = ObjectSummary.Of(o);
            return labels.Matches(s.Labels) && fields.Matches(s.Fields);
        }, limit);
        string? next = null;
        if (remaining > 0)
        {
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key(items[^1])));
            context.Items["remaining"] = remaining;
        }

        if (TableBuilder.IsRequested(context.Request))
        {
            var table = TableBuilder.Build(path.Kind, items, resourceVersion, IncludeObject(context.Request), time.GetUtcNow());
            if (next is not null)
            {
                ((JsonObject)table["metadata"]!)["continue"] = next;
            }
            await HttpJson.WriteAsync(context, 200, table);
            return;
        }

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (next is not null)
        {
            metadata["continue"] = next;
            metadata["remainingItemCount"] = (int)context.Items["remaining"]!;
        }
        await HttpJson.WriteAsync(context, 200, new JsonObject
        {
            ["kind"] = path.Kind.ListKind,
            ["apiVersion"] = path.Kind.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        });
    }

    private async Task PatchAsync(HttpContext context, ResourcePath path, WriteTarget target, bool dryRun, FieldManager? manager)
    {
        var contentType = context.Request.ContentType?.Split(';')[0].Trim() ?? "";
        var patch = await HttpJson.ReadAsync(context);
        Func<JsonObject, JsonObject> apply = contentType switch
        {
            "application/merge-patch+json" => current => AsObject(MergePatch.Apply(current, patch)),
            "application/strategic-merge-patch+json" => current => AsObject(MergePatch.ApplyStrategic(current, patch)),
            "application/json-patch+json" when patch is JsonArray operations => current => AsObject(JsonPatch.Apply(current, operations)),
            "application/json-patch+json" => throw ApiException.BadRequest("a JSON patch must be an array of operations"),
            _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json ({contentType})"),
        };
        await HttpJson.WriteAsync(context, 200, store.Mutate(path.Kind, path.Namespace, path.Name!, apply, target, dryRun, manager));
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath path, bool dryRun)
    {
        string? precondition = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var options = await HttpJson.ReadAsync(context);
            precondition = options["preconditions"]?["resourceVersion"]?.GetValue<string>();
            if (options["dryRun"] is JsonArray { Count: > 0 } bodyDryRun)
            {
                dryRun = bodyDryRun.Any(d => d?.GetValue<string>() == "All") || dryRun;
            }
        }
        await HttpJson.WriteAsync(context, 200, store.Delete(path.Kind, path.Namespace, path.Name!, dryRun, precondition));
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceKind kind)
    {
        var body = await HttpJson.ReadAsync(context);
        if (body is not JsonObject obj)
        {
            throw ApiException.BadRequest("the request body must be an object");
        }
        if (obj["kind"]?.GetValue<string>() is { } bodyKind && bodyKind != kind.Kind)
        {
            throw ApiException.BadRequest($"the kind of the provided object ({bodyKind}) does not match the resource ({kind.Kind})");
        }
        return obj;
    }

    private static JsonObject AsObject(JsonNode? node) =>
        node as JsonObject ?? throw ApiException.BadRequest("the patch must produce an object");

    private static bool DryRun(HttpRequest request)
    {
        var values = request.Query["dryRun"];
        if (values.Count == 0)
        {
            return false;
        }
        if (values.Any(v => v != "All"))
        {
            throw ApiException.BadRequest($"dryRun: Unsupported value: \"{values}\": supported values: \"All\"");
        }
        return true;
    }

    private static bool IncludeObject(HttpRequest request) => request.Query["includeObject"] == "Object";

    private static string Key(JsonObject obj) =>
        $"{obj["metadata"]?["namespace"]?.GetValue<string>()}/{obj["metadata"]?["name"]?.GetValue<string>()}";

    private static string? DecodeContinue(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("invalid continue token");
        }
    }
}
