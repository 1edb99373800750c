using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Model;
using Prometheus;

namespace OpenElb.Dashboard.Hosting;

/// <summary>
/// What operators and scrapers read: the REST API (<see cref="ReadApi"/>), its OpenAPI document, <c>/readyz</c> and
/// <c>/metrics</c>. Every endpoint is GET only and answers without secrets. (<c>/healthz</c>, "the process serves",
/// is mapped by <see cref="DashboardHostingExtensions.MapDashboard"/>.)
/// </summary>
public static class OperationsEndpoints
{
    /// <summary>The OpenAPI document's path.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>The readiness probe's path.</summary>
    public const string ReadyPath = "/readyz";

    /// <summary>The Prometheus scrape path.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Registers the API's projection cache, the OpenAPI document and the metrics with their feeder.</summary>
    public static IServiceCollection AddDashboardApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ApiProjectionCache>();
        services.TryAddSingleton<DashboardMetrics>();
        services.AddHostedService<DashboardMetricsService>();
        // The read-only topology feed for NOC tools (SignalR's services are already there for Blazor Server).
        services.AddSignalR();
        services.AddHostedService<TopologyBroadcaster>();
        services.AddOpenApi(static options =>
        {
            // The document describes the API for clients, not the pages' helper endpoints (exports, Blazor).
            options.ShouldInclude = static description =>
                description.RelativePath is { } path && (path.StartsWith("api/", StringComparison.Ordinal) || path == "readyz");
            options.AddDocumentTransformer(static (document, _, _) =>
            {
                document.Info.Title = "OpenELB Dashboard API";
                document.Info.Description = "Read-only: routers, nodes, findings and the audit log of the live view, and readiness.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Maps <c>/api/v1/…</c>, <c>/openapi/v1.json</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapReadApi();
        app.MapOpenApi().RequireAuthorization(DashboardPolicies.Viewer);
        // Probes and scrapers cannot sign in: readiness and metrics say nothing secret (router names and counts).
        app.MapGet(ReadyPath, GetReadiness).WithName("GetReadiness").WithTags("operations")
            .WithSummary("200 when the feed has synced and the audit log is writable; 503 naming what is not ready.")
            .AllowAnonymous();
        app.MapWritesRefused(ReadyPath).AllowAnonymous();
        var registry = app.ServiceProvider.GetRequiredService<DashboardMetrics>().Registry;
        // MapMetrics maps every method; scrapers only GET.
        app.MapMetrics(MetricsPath, registry).WithMetadata(new HttpMethodMetadata([HttpMethods.Get])).AllowAnonymous();
        app.MapWritesRefused(MetricsPath).AllowAnonymous();
        app.MapHub<TopologyHub>(TopologyHub.Path).RequireAuthorization(DashboardPolicies.Wall);
        return app;
    }

    // Internal for tests.
    internal static JsonHttpResult<ReadinessAnswer> GetReadiness(LiveViewService live, AuditStatus audit, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.CacheControl = "no-store";
        var health = live.Current.Health;
        // An empty health (nothing reported yet) counts as not synced, although FeedHealth.IsSynced holds for it.
        var feed = health.Kinds.Count > 0 && health.IsSynced
            ? new ReadinessCheck("feed", true, null)
            : new ReadinessCheck("feed", false, FeedReason(health));
        var store = audit.State switch
        {
            AuditState.Unavailable => new ReadinessCheck("audit", false, "The audit log is unavailable, so changes are refused: " + audit.Error),
            AuditState.Initializing => new ReadinessCheck("audit", false, AuditStatus.InitializingMessage),
            _ => new ReadinessCheck("audit", true, null),
        };
        var ready = feed.Ready && store.Ready;
        return TypedResults.Json(new ReadinessAnswer(ready, [feed, store]),
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static string FeedReason(FeedHealth health)
    {
        var pending = health.Kinds.Where(static k => k.State is not (SyncState.Synced or SyncState.Unavailable)).ToList();
        if (pending.Count == 0)
        {
            return "The cluster feed has not reported yet.";
        }
        var error = pending.Select(static k => k.LastError).FirstOrDefault(static e => !string.IsNullOrEmpty(e));
        return "The cluster data is not current: "
            + string.Join(", ", pending.Select(static k => $"{ApiWords.Of(k.Kind)} {ApiWords.Of(k.State)}"))
            + (error is null ? "." : ". " + error);
    }
}
