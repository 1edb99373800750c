using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Api;

/// <summary>
/// The read-only REST API under <c>/api/v1</c>: GET only, camelCase JSON, errors as <c>application/problem+json</c>.
/// Live answers come from <see cref="LiveViewService.Current"/> through <see cref="ApiProjectionCache"/> (no topology is
/// rebuilt per request); the audit answer reads the store with the audit page's filters and keyset paging.
/// </summary>
public static class ReadApi
{
    /// <summary>The route prefix.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>Nodes per page of <c>/api/v1/nodes</c> when <c>limit</c> is not given.</summary>
    public const int DefaultNodeLimit = 500;

    /// <summary>The largest <c>limit</c> of <c>/api/v1/nodes</c>.</summary>
    public const int MaxNodeLimit = 5000;

    /// <summary>The largest <c>limit</c> of <c>/api/v1/audit</c> (the store's page size limit).</summary>
    public const int MaxAuditLimit = 1000;

    // A page of 1–2 character free text scans a bounded window of ids; read on through this many windows before
    // answering an empty page with a cursor (the audit page does the same).
    private const int MaxEmptyAuditWindows = 20;

    private static readonly string[] s_writeMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapReadApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(Prefix).WithTags("read").RequireAuthorization(DashboardPolicies.Viewer);
        api.MapGet("/topology", GetTopology).WithName("GetTopology")
            .WithSummary("Every router with its nodes, speakers and sessions, the summary counts and the findings.");
        api.MapGet("/nodes", GetNodes).WithName("GetNodes")
            .WithSummary("Slim node records by name, filtered like the nodes page (router, state, q), paged with limit and after.");
        api.MapGet("/routers/{name}", GetRouter).WithName("GetRouter")
            .WithSummary("One BgpPeer with its sessions and findings; 404 when there is none of that name.");
        api.MapGet("/findings", GetFindings).WithName("GetFindings")
            .WithSummary("Findings, optionally filtered by severity (comma-separated: critical,warning,advisory,info).");
        api.MapGet("/audit", GetAuditAsync).WithName("GetAudit")
            .WithSummary("Audit entries newest first with the audit page's filters; keyset paged: pass next as before.");
        foreach (var pattern in (string[])["/topology", "/nodes", "/routers/{name}", "/findings", "/audit"])
        {
            api.MapWritesRefused(pattern);
        }
        return app;
    }

    /// <summary>
    /// Answers POST, PUT, PATCH and DELETE on <paramref name="pattern"/> with 405 and <c>Allow: GET</c>. Without it such a
    /// request falls through to the pages' catch-all route, which answers 400 (antiforgery) instead of saying "read-only".
    /// </summary>
    public static IEndpointConventionBuilder MapWritesRefused(this IEndpointRouteBuilder app, string pattern)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapMethods(pattern, s_writeMethods, static (HttpResponse response) =>
        {
            response.Headers.Allow = "GET";
            return TypedResults.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Read-only: use GET.");
        }).ExcludeFromDescription().WithMetadata(WritesRefusedMetadata.Instance);
    }

    internal static Ok<TopologyAnswer> GetTopology(ApiProjectionCache cache, HttpResponse response)
    {
        var (view, projection) = cache.Get();
        NoStore(response);
        var summary = view.Summary;
        return TypedResults.Ok(Stamp(new TopologyAnswer
        {
            GroupKind = ApiWords.Of(view.Topology.GroupKind),
            Routers = projection.Routers,
            UngroupedNodes = [.. view.Topology.UngroupedNodes],
            Summary = new SummaryItem(summary.RoutersOk, summary.RoutersDegraded, summary.RoutersCritical, summary.SpeakersReady,
                summary.SpeakersDesired, summary.SessionsEstablished, summary.SessionsExpected),
            Findings = projection.Findings,
        }, view, cache.Time));
    }

    internal static Results<Ok<NodesAnswer>, ProblemHttpResult> GetNodes(
        ApiProjectionCache cache, HttpResponse response, string? router = null, string? state = null, string? q = null, int? limit = null, string? after = null)
    {
        NoStore(response);
        var take = limit ?? DefaultNodeLimit;
        if (take is < 1 or > MaxNodeLimit)
        {
            return BadRequest($"limit must be between 1 and {MaxNodeLimit}.");
        }
        if (!string.IsNullOrWhiteSpace(state) && !Enum.GetValues<NodeStateFilter>().Any(s => string.Equals(NodeQuery.StateToken(s), state.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            return BadRequest($"“{state}” is not a state; use one of {string.Join(", ", Enum.GetValues<NodeStateFilter>().Select(NodeQuery.StateToken))}.");
        }
        var (view, projection) = cache.Get();
        var rows = NodesModel.Filter(projection.Rows, NodeQuery.Parse(router, state, q, null), view.Topology);
        var start = 0;
        if (!string.IsNullOrEmpty(after))
        {
            // Rows are in ordinal name order: the first row after the cursor, also when the cursor's node is gone.
            var lo = 0;
            var hi = rows.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(rows[mid].Name, after) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            start = lo;
        }
        var count = Math.Min(take, rows.Length - start);
        var page = new NodeItem[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = projection.Nodes[rows[start + i].Name];
        }
        return TypedResults.Ok(Stamp(new NodesAnswer
        {
            Total = rows.Length,
            Nodes = page,
            Next = start + count < rows.Length && count > 0 ? page[^1].Name : null,
        }, view, cache.Time));
    }

    internal static Results<Ok<RouterAnswer>, ProblemHttpResult> GetRouter(ApiProjectionCache cache, HttpResponse response, string name)
    {
        NoStore(response);
        var (view, projection) = cache.Get();
        var detail = RouterDetailModel.Create(view, name);
        if (detail is null)
        {
            var known = RouterDetailModel.KnownRouters(view);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such router.",
                detail: known.Count == 0
                    ? $"There is no BgpPeer named “{name}”; the cluster has none."
                    : $"There is no BgpPeer named “{name}”. Known: {string.Join(", ", known)}.");
        }
        var router = projection.Routers.First(r => string.Equals(r.Name, name, StringComparison.Ordinal));
        return TypedResults.Ok(Stamp(new RouterAnswer
        {
            Router = router,
            Selector = detail.SelectorText,
            Sessions = [.. detail.SelectedNodes.Select(static r => Session(r.Session))],
            UnselectedEntries = [.. detail.UnselectedEntries.Select(static r => Session(r.Session))],
            Findings = [.. detail.Findings.Select(static f => ApiProjection.Finding(f.Finding))],
        }, view, cache.Time));
    }

    internal static Results<Ok<FindingsAnswer>, ProblemHttpResult> GetFindings(ApiProjectionCache cache, HttpResponse response, string? severity = null)
    {
        NoStore(response);
        // The findings page's syntax; the page shows what it ignored, an API client gets told instead of a wider answer.
        var (filter, ignored) = FindingsModel.ParseFilter(severity);
        if (ignored.Count > 0)
        {
            return BadRequest($"{string.Join(", ", ignored.Select(static v => $"“{v}”"))} is not a severity; use critical, warning, advisory or info.");
        }
        var (view, projection) = cache.Get();
        var words = filter.Select(ApiWords.Of).ToHashSet(StringComparer.Ordinal);
        return TypedResults.Ok(Stamp(new FindingsAnswer
        {
            Total = projection.Findings.Count,
            Findings = words.Count == 0 ? projection.Findings : [.. projection.Findings.Where(f => words.Contains(f.Severity))],
        }, view, cache.Time));
    }

    internal static async Task<Results<Ok<AuditAnswer>, ProblemHttpResult>> GetAuditAsync(
        HttpRequest request, SqliteAuditLog log, AuditStatus status, int? limit = null, long? before = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(status);
        NoStore(request.HttpContext.Response);
        if (status.Error is { } error)
        {
            return Unavailable(error);
        }
        var take = limit ?? AuditLogModel.DefaultPageSize;
        if (take is < 1 or > MaxAuditLimit)
        {
            return BadRequest($"limit must be between 1 and {MaxAuditLimit}.");
        }
        // The audit page's filters and names (AuditLogFilter.Keys). Unreadable values are refused, as by the export:
        // a silently wider answer would be wrong without anyone noticing.
        var parsed = AuditLogFilter.Parse(request.Query);
        if (parsed.Errors.Count > 0)
        {
            return BadRequest(string.Join(" ", parsed.Errors));
        }
        AuditPage page;
        try
        {
            var cancellationToken = request.HttpContext.RequestAborted;
            page = await log.QueryAsync(parsed.Filter.ToQuery(take, before), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < MaxEmptyAuditWindows && page.Items.Count == 0 && page.NextBeforeId is { } next; i++)
            {
                page = await log.QueryAsync(parsed.Filter.ToQuery(take, next), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (AuditLogModel.IsStoreFailure(ex))
        {
            return Unavailable(ex.Message);
        }
        string? nextLink = null;
        if (page.NextBeforeId is { } cursor)
        {
            var query = parsed.Filter.ToQueryString();
            nextLink = string.Create(CultureInfo.InvariantCulture,
                $"{Prefix}/audit{query}{(query.Length == 0 ? '?' : '&')}limit={take}&before={cursor}");
        }
        return TypedResults.Ok(new AuditAnswer([.. page.Items.Select(Audit)], page.NextBeforeId, nextLink));
    }

    private static AuditItem Audit(AuditEntry entry) => new(
        entry.Id,
        entry.CorrelationId,
        entry.Step,
        new DateTimeOffset(DateTime.SpecifyKind(entry.RequestedUtc, DateTimeKind.Utc)),
        entry.CompletedUtc is { } completed ? new DateTimeOffset(DateTime.SpecifyKind(completed, DateTimeKind.Utc)) : null,
        entry.ActorUserName,
        entry.Action.ToString(),
        AuditTarget.Format(entry),
        entry.Outcome.ToString(),
        entry.HttpStatus,
        entry.Message,
        entry.FieldManager);

    private static SessionItem Session(NodeSession session) => new(
        session.NodeName,
        ApiWords.Of(session.Health),
        session.Entry is { } e ? ApiWords.Of(e.State) : null,
        session.Entry?.Uptime,
        session.Entry?.MessagesReceived,
        session.Entry?.MessagesSent);

    private static T Stamp<T>(T answer, DashboardView view, TimeProvider time) where T : LiveAnswer => answer with
    {
        SnapshotVersion = view.Snapshot.Version,
        UpdatedAt = view.UpdatedAt,
        DataAgeSeconds = Math.Max(0, Math.Round((time.GetUtcNow() - view.UpdatedAt).TotalSeconds, 3)),
        Feed = ApiWords.Feed(view.Health),
    };

    // Live data: a cached answer would hide exactly the staleness the fields report.
    private static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request cannot be read.", detail: detail);

    private static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit log is unavailable.", detail: detail);
}

/// <summary>Marks an endpoint of <see cref="ReadApi.MapWritesRefused"/>: it answers every write with 405.</summary>
public sealed class WritesRefusedMetadata
{
    /// <summary>The one instance.</summary>
    public static WritesRefusedMetadata Instance { get; } = new();

    private WritesRefusedMetadata()
    {
    }
}
