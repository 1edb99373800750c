using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Api;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Faults;

/// <summary>
/// The fault-injection endpoint, <c>/admin/faults</c>: outside <c>/api</c> and <c>/apis</c>, guarded by the same bearer
/// token, and never subject to the faults it injects (an outage can always be inspected and ended). Every write answers
/// with the resulting state, as <c>GET /admin/faults</c> does, after <see cref="FaultState.NotifyChanged"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>POST close-watches</c>, <c>POST compact-history</c> (forces 410 on resume)</item>
/// <item><c>POST refuse-connections?seconds=N</c> (0 ends a refusal), <c>POST slow-responses?ms=N</c> (0 ends it)</item>
/// <item><c>POST router-down/{peer}</c>, <c>POST router-up/{peer}</c></item>
/// <item><c>POST crash-loop/{node}</c>, <c>DELETE crash-loop/{node}</c></item>
/// <item><c>POST node-not-ready/{node}</c>, <c>POST node-ready/{node}</c></item>
/// <item><c>POST deny/{verb}:{resource}</c>, <c>DELETE deny/{verb}:{resource}</c> (see <see cref="ResourceAccess.TryParse"/>):
/// the simulator's own user; <c>deny/impersonate:users</c> and <c>deny/impersonate:groups</c> refuse impersonation</item>
/// <item><c>POST deny-user/{user}/{verb}:{resource}</c>, <c>DELETE deny-user/{user}/{verb}:{resource}</c>: what an
/// impersonated user may not do (<see cref="FaultState.DeniedPermissionsByUser"/>)</item>
/// <item><c>POST clear</c>: every fault off</item>
/// </list>
/// </remarks>
internal static class AdminEndpoints
{
    /// <summary>The path prefix; requests under it bypass <see cref="FaultInjector"/>.</summary>
    public const string Prefix = "/admin";

    public static void MapFaultAdmin(this WebApplication app)
    {
        var faults = app.Services.GetRequiredService<FaultState>();
        var store = app.Services.GetRequiredService<ObjectStore>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var admin = app.MapGroup(Prefix + "/faults");

        admin.MapGet("", (HttpContext c) => HttpJson.WriteAsync(c, 200, Describe(faults, time)));
        admin.MapPost("close-watches", (HttpContext c) => Change(c, store.CloseAllWatches));
        admin.MapPost("compact-history", (HttpContext c) => Change(c, store.CompactHistory));
        admin.MapPost("refuse-connections", (HttpContext c) =>
            Query(c, "seconds") is { } seconds
                ? Change(c, () => faults.RefuseConnectionsUntil = seconds == 0 ? null : time.GetUtcNow().AddSeconds(seconds))
                : BadRequest(c, "refuse-connections needs ?seconds=N (a non-negative integer)"));
        admin.MapPost("slow-responses", (HttpContext c) =>
            Query(c, "ms") is { } ms
                ? Change(c, () => faults.ResponseDelay = TimeSpan.FromMilliseconds(ms))
                : BadRequest(c, "slow-responses needs ?ms=N (a non-negative integer)"));
        admin.MapPost("router-down/{peer}", (HttpContext c, string peer) => Change(c, () => faults.RoutersDown = faults.RoutersDown.Add(peer)));
        admin.MapPost("router-up/{peer}", (HttpContext c, string peer) => Change(c, () => faults.RoutersDown = faults.RoutersDown.Remove(peer)));
        admin.MapPost("crash-loop/{node}", (HttpContext c, string node) => Change(c, () => faults.CrashLoopNodes = faults.CrashLoopNodes.Add(node)));
        admin.MapDelete("crash-loop/{node}", (HttpContext c, string node) => Change(c, () => faults.CrashLoopNodes = faults.CrashLoopNodes.Remove(node)));
        admin.MapPost("node-not-ready/{node}", (HttpContext c, string node) => Change(c, () => faults.NotReadyNodes = faults.NotReadyNodes.Add(node)));
        admin.MapPost("node-ready/{node}", (HttpContext c, string node) => Change(c, () => faults.NotReadyNodes = faults.NotReadyNodes.Remove(node)));
        admin.MapPost("deny/{permission}", (HttpContext c, string permission) =>
            ResourceAccess.TryParse(permission, out var p)
                ? Change(c, () => faults.DeniedPermissions = faults.DeniedPermissions.Add(p.Value))
                : BadRequest(c, $"'{permission}' is not VERB:RESOURCE[.GROUP], e.g. patch:daemonsets.apps"));
        admin.MapDelete("deny/{permission}", (HttpContext c, string permission) =>
            ResourceAccess.TryParse(permission, out var p)
                ? Change(c, () => faults.DeniedPermissions = faults.DeniedPermissions.Remove(p.Value))
                : BadRequest(c, $"'{permission}' is not VERB:RESOURCE[.GROUP], e.g. patch:daemonsets.apps"));
        admin.MapPost("deny-user/{user}/{permission}", (HttpContext c, string user, string permission) =>
            ResourceAccess.TryParse(permission, out var p)
                ? Change(c, () => faults.DenyUser(user, p.Value))
                : BadRequest(c, $"'{permission}' is not VERB:RESOURCE[.GROUP], e.g. patch:nodes"));
        admin.MapDelete("deny-user/{user}/{permission}", (HttpContext c, string user, string permission) =>
            ResourceAccess.TryParse(permission, out var p)
                ? Change(c, () => faults.AllowUser(user, p.Value))
                : BadRequest(c, $"'{permission}' is not VERB:RESOURCE[.GROUP], e.g. patch:nodes"));
        admin.MapPost("clear", (HttpContext c) => Change(c, () =>
        {
            faults.RefuseConnectionsUntil = null;
            faults.ResponseDelay = TimeSpan.Zero;
            faults.RoutersDown = faults.RoutersDown.Clear();
            faults.CrashLoopNodes = faults.CrashLoopNodes.Clear();
            faults.NotReadyNodes = faults.NotReadyNodes.Clear();
            faults.DeniedPermissions = faults.DeniedPermissions.Clear();
            faults.DeniedPermissionsByUser = faults.DeniedPermissionsByUser.Clear();
        }));

        Task Change(HttpContext context, Action change)
        {
            change();
            faults.NotifyChanged();
            return HttpJson.WriteAsync(context, 200, Describe(faults, time));
        }
    }

    /// <summary>The current faults as JSON (names sorted, so the answer is stable).</summary>
    public static JsonObject Describe(FaultState faults, TimeProvider time)
    {
        var until = faults.RefuseConnectionsUntil;
        return new JsonObject
        {
            ["refuseConnectionsUntil"] = until?.ToString("O", CultureInfo.InvariantCulture),
            ["refusingConnections"] = until is { } u && time.GetUtcNow() < u,
            ["responseDelayMs"] = (long)faults.ResponseDelay.TotalMilliseconds,
            ["routersDown"] = Sorted(faults.RoutersDown),
            ["crashLoopNodes"] = Sorted(faults.CrashLoopNodes),
            ["notReadyNodes"] = Sorted(faults.NotReadyNodes),
            ["deniedPermissions"] = Sorted(faults.DeniedPermissions.Select(static p => p.ToString())),
            ["deniedPermissionsByUser"] = ByUser(faults.DeniedPermissionsByUser),
        };
    }

    private static JsonObject ByUser(IReadOnlyDictionary<string, ImmutableHashSet<ResourceAccess>> denied)
    {
        var result = new JsonObject();
        foreach (var (user, permissions) in denied.OrderBy(static d => d.Key, StringComparer.Ordinal))
        {
            result[user] = Sorted(permissions.Select(static p => p.ToString()));
        }
        return result;
    }

    private static JsonArray Sorted(IEnumerable<string> names) =>
        new(names.Order(StringComparer.Ordinal).Select(static n => (JsonNode)n).ToArray());

    /// <summary>
    /// <c>GET /admin/requests</c>: the last <see cref="RequestLog.Capacity"/> mutating API requests, oldest first, with
    /// the impersonation headers they carried; <c>DELETE /admin/requests</c> empties the record.
    /// </summary>
    public static void MapRequestLogAdmin(this WebApplication app)
    {
        var requests = app.Services.GetRequiredService<RequestLog>();
        app.MapGet(Prefix + "/requests", (HttpContext c) => HttpJson.WriteAsync(c, 200, requests.ToJson()));
        app.MapDelete(Prefix + "/requests", (HttpContext c) =>
        {
            requests.Clear();
            return HttpJson.WriteAsync(c, 200, requests.ToJson());
        });
    }

    private static int? Query(HttpContext context, string name) =>
        int.TryParse(context.Request.Query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static Task BadRequest(HttpContext context, string message) =>
        HttpJson.WriteAsync(context, 400, StatusObjects.Failure(400, "BadRequest", message));
}
