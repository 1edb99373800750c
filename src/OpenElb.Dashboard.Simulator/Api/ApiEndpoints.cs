using System.Security.Cryptography;
using System.Text;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>Maps the Kubernetes API surface onto a <see cref="WebApplication"/>.</summary>
internal static class ApiEndpoints
{
    public static void MapKubernetesApi(this WebApplication app, string token)
    {
        var tokenBytes = Encoding.UTF8.GetBytes("Bearer " + token);
        // Faults come first: a refused connection never reaches authentication. The admin endpoint is exempt, so an
        // outage can always be inspected and ended.
        var faults = ActivatorUtilities.CreateInstance<FaultInjector>(app.Services);
        app.Lifetime.ApplicationStopped.Register(faults.Dispose);
        app.Use((context, next) =>
            context.Request.Path.StartsWithSegments(AdminEndpoints.Prefix, StringComparison.Ordinal) ? next(context) : faults.InvokeAsync(context, () => next(context)));
        var faultState = app.Services.GetRequiredService<FaultState>();
        var requests = app.Services.GetRequiredService<RequestLog>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use(async (context, next) =>
        {
            // Every answer of a real API server carries Audit-Id; the dashboard records it next to each write.
            var auditId = Guid.NewGuid().ToString();
            context.Response.Headers["Audit-Id"] = auditId;
            var presented = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(presented, tokenBytes))
            {
                await HttpJson.WriteAsync(context, 401, StatusObjects.Failure(401, "Unauthorized", "Unauthorized"));
                return;
            }
            // The admin API is not Kubernetes: no impersonation there, and its requests are not recorded.
            var isApi = !context.Request.Path.StartsWithSegments(AdminEndpoints.Prefix, StringComparison.Ordinal);
            RequestIdentity? identity = null;
            try
            {
                if (isApi)
                {
                    // As the API server's impersonation filter: before authorization, for every API request.
                    identity = Impersonation.Resolve(context, faultState);
                }
                await next(context);
            }
            catch (ApiException e) when (!context.Response.HasStarted)
            {
                await HttpJson.WriteAsync(context, e.Code, e.ToStatus());
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException && !context.Response.HasStarted)
            {
                // JsonNode.GetValue throws these when a field has the wrong JSON type: a bad request, not a server fault.
                await HttpJson.WriteAsync(context, 400, StatusObjects.Failure(400, "BadRequest", e.Message));
            }
            finally
            {
                if (isApi && RequestLog.IsMutating(context.Request.Method))
                {
                    requests.Add(new RecordedRequest(
                        time.GetUtcNow(),
                        context.Request.Method,
                        $"{context.Request.Path}{context.Request.QueryString}",
                        Impersonation.RequestedUser(context.Request),
                        Impersonation.RequestedGroups(context.Request),
                        identity?.User,
                        context.Response.StatusCode,
                        auditId));
                }
            }
        });

        app.MapFaultAdmin();
        app.MapRequestLogAdmin();
        app.MapAccessReviews();
        app.MapGet("/version", (HttpContext c) => HttpJson.WriteAsync(c, 200, DiscoveryDocuments.Version()));
        app.MapGet("/api", (HttpContext c) => HttpJson.WriteAsync(c, 200, DiscoveryDocuments.CoreVersions($"{c.Request.Host}")));
        app.MapGet("/apis", (HttpContext c) => HttpJson.WriteAsync(c, 200, DiscoveryDocuments.GroupList()));

        var handler = app.Services.GetRequiredService<ResourceHandler>();
        string[] verbs = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        app.MapMethods("/api/{version}/{**rest}", verbs, (HttpContext c, string version, string? rest) =>
            DispatchAsync(c, handler, "", version, rest));
        app.MapMethods("/apis/{group}/{version?}/{**rest}", verbs, (HttpContext c, string group, string? version, string? rest) =>
            version is null
                ? WriteOrNotFound(c, DiscoveryDocuments.Group(group))
                : DispatchAsync(c, handler, group, version, rest));
    }

    private static Task DispatchAsync(HttpContext context, ResourceHandler handler, string group, string version, string? rest)
    {
        var segments = (rest ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 && context.Request.Method == "GET")
        {
            return WriteOrNotFound(context, DiscoveryDocuments.ResourceList(group, version));
        }
        return handler.HandleAsync(context, group, version, segments);
    }

    private static Task WriteOrNotFound(HttpContext context, System.Text.Json.Nodes.JsonNode? document) =>
        document is null
            ? HttpJson.WriteAsync(context, 404, StatusObjects.Failure(404, "NotFound", "the server could not find the requested resource"))
            : HttpJson.WriteAsync(context, 200, document);
}
