using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Api;

/// <summary>
/// The Changes API for automation: <c>POST /api/v1/changes/preview</c> and <c>POST /api/v1/changes/apply</c>, through
/// the same planner, <see cref="ChangeExecutor"/> and audit log as the wizards. Nothing is kept between a preview and
/// an apply: an apply plans again on the current snapshot and runs the wizard's checks (authorization, typed
/// confirmation, audit, stale snapshot) before each guarded write.
/// </summary>
/// <remarks>
/// Every error is a Kubernetes <c>Status</c> (<see cref="StatusJson"/>); invalid input is a 400 with
/// <c>reason: Invalid</c> and one <c>details.causes[]</c> entry (<c>field</c>, <c>message</c>) per problem. Applies are
/// serialized per process (one at a time, waiting up to <see cref="GateTimeout"/>).
/// </remarks>
public static class ChangesApi
{
    /// <summary>The preview endpoint.</summary>
    public const string PreviewPath = "/api/v1/changes/preview";

    /// <summary>The apply endpoint.</summary>
    public const string ApplyPath = "/api/v1/changes/apply";

    /// <summary>What an apply sends as <c>confirm</c> when the preview says <c>dropsBelowTwo</c>.</summary>
    public const string ConfirmationWord = "REDUCE";

    /// <summary>The request header that makes an apply idempotent.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The answer header set (to <c>true</c>) when an answer is the stored one of an earlier request.</summary>
    public const string ReplayedHeader = "Idempotency-Replayed";

    /// <summary>The longest Idempotency-Key accepted.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>How long an apply waits for another apply of the API to finish before answering 409.</summary>
    public static TimeSpan GateTimeout { get; } = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Registers the API's services (the idempotency store, the apply gate, the options). Needs <c>AddChangeWizards</c>.</summary>
    public static IServiceCollection AddChangesApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ChangesApiOptions>().BindConfiguration(ChangesApiOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IdempotencyStore>();
        services.TryAddSingleton<ChangesApiGate>();
        return services;
    }

    /// <summary>Maps <c>POST /api/v1/changes/preview</c> and <c>POST /api/v1/changes/apply</c>.</summary>
    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Admins only; the executor checks the user again before every apply.
        app.MapPost(PreviewPath, PreviewAsync).RequireAuthorization(DashboardPolicies.Admin);
        app.MapPost(ApplyPath, ApplyAsync).RequireAuthorization(DashboardPolicies.Admin);
        return app;
    }

    private static async Task PreviewAsync(
        HttpContext context,
        ChangeExecutor executor,
        ClusterHost cluster,
        LiveViewService views,
        IOptions<ChangesApiOptions> options)
    {
        var ct = context.RequestAborted;
        // Previewing writes nothing, so a read-only instance answers it; the admin policy decided who may ask.
        var body = await ReadBodyAsync(context, options.Value).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            await WriteAsync(context, error, replayed: false).ConfigureAwait(false);
            return;
        }
        if (cluster.Session is null)
        {
            await WriteAsync(context, Refusal(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "The dashboard is not connected to a cluster."), replayed: false).ConfigureAwait(false);
            return;
        }
        var parsed = ChangeRequestJson.Parse(body.Root, views.Current.Snapshot.Speaker?.Placement, allowConfirm: false);
        if (parsed.Request is null)
        {
            await WriteAsync(context, Invalid(parsed.Errors), replayed: false).ConfigureAwait(false);
            return;
        }
        var preview = await executor.PreviewAsync(parsed.Request, ct).ConfigureAwait(false);
        var answer = preview.Plan.IsValid
            ? Answer(StatusCodes.Status200OK, ChangePreviewJson.From(preview))
            : Invalid(PlanErrors(preview.Plan.Errors));
        await WriteAsync(context, answer, replayed: false).ConfigureAwait(false);
    }

    private static async Task ApplyAsync(
        HttpContext context,
        ChangeExecutor executor,
        ClusterHost cluster,
        LiveViewService views,
        ChangeAuthorization authorization,
        AuditStatus auditStatus,
        IdempotencyStore store,
        ChangesApiGate gate,
        IOptions<ChangesApiOptions> options)
    {
        var ct = context.RequestAborted;
        var body = await ReadBodyAsync(context, options.Value).ConfigureAwait(false);
        if (body.Error is { } error)
        {
            await WriteAsync(context, error, replayed: false).ConfigureAwait(false);
            return;
        }
        var apply = new ApplyContext(executor, cluster, views, authorization, auditStatus, gate, context.User);
        var keys = context.Request.Headers[IdempotencyKeyHeader];
        if (keys.Count == 0)
        {
            await WriteAsync(context, (await apply.RunAsync(body.Root, ct).ConfigureAwait(false)).Answer, replayed: false).ConfigureAwait(false);
            return;
        }
        var key = keys.Count == 1 ? keys[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(static c => c is < '!' or > '~'))
        {
            await WriteAsync(context, Invalid([new FieldError($"header:{IdempotencyKeyHeader}", FieldErrorReasons.Invalid,
                $"must be one value of 1 to {MaxKeyLength} visible ASCII characters (e.g. a UUID)")]), replayed: false).ConfigureAwait(false);
            return;
        }
        // Keys are per actor, so one caller's key never replays another's answer.
        var scopedKey = $"{context.User.Identity?.Name}\n{key}";
        var hash = Convert.ToHexString(SHA256.HashData(body.Canonical));
        while (true)
        {
            var claim = store.Claim(scopedKey, hash);
            switch (claim.Kind)
            {
                case IdempotencyClaimKind.Mismatch:
                    await WriteAsync(context, Refusal(StatusCodes.Status422UnprocessableEntity, "IdempotencyKeyReused",
                        $"The {IdempotencyKeyHeader} '{key}' was already used with a different body; use a new key for a different change."), replayed: false).ConfigureAwait(false);
                    return;
                case IdempotencyClaimKind.Full:
                    context.Response.Headers.RetryAfter = "10";
                    await WriteAsync(context, Refusal(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable",
                        $"Too many applies with an {IdempotencyKeyHeader} are running; retry later."), replayed: false).ConfigureAwait(false);
                    return;
                case IdempotencyClaimKind.Existing:
                    if (await claim.Answer!.WaitAsync(ct).ConfigureAwait(false) is { } stored)
                    {
                        await WriteAsync(context, stored, replayed: true).ConfigureAwait(false);
                        return;
                    }
                    // The first request stored nothing (refused or invalid): this one runs on its own.
                    continue;
                default:
                    ApplyAnswer outcome;
                    try
                    {
                        outcome = await apply.RunAsync(body.Root, ct).ConfigureAwait(false);
                    }
                    catch
                    {
                        store.Complete(claim, null);
                        throw;
                    }
                    store.Complete(claim, outcome.Begun ? outcome.Answer : null);
                    await WriteAsync(context, outcome.Answer, replayed: false).ConfigureAwait(false);
                    return;
            }
        }
    }

    private sealed record ApplyAnswer(StoredAnswer Answer, bool Begun);

    private sealed class ApplyContext(
        ChangeExecutor executor,
        ClusterHost cluster,
        LiveViewService views,
        ChangeAuthorization authorization,
        AuditStatus auditStatus,
        ChangesApiGate gate,
        ClaimsPrincipal user)
    {
        public async Task<ApplyAnswer> RunAsync(JsonElement root, CancellationToken ct)
        {
            var parsed = ChangeRequestJson.Parse(root, views.Current.Snapshot.Speaker?.Placement, allowConfirm: true);
            if (parsed.Request is null)
            {
                return new(Invalid(parsed.Errors), false);
            }
            if (!await gate.Semaphore.WaitAsync(GateTimeout, ct).ConfigureAwait(false))
            {
                return new(Refusal(StatusCodes.Status409Conflict, "Conflict", "Another change is being applied through the API; retry when it has finished."), false);
            }
            try
            {
                // Planned after the gate, so a queued apply sees what the one before it left (as far as the watch shows).
                // Re-parsed too: a placement body's left-out parts come from the current snapshot.
                parsed = ChangeRequestJson.Parse(root, views.Current.Snapshot.Speaker?.Placement, allowConfirm: true);
                var preview = await executor.PreviewAsync(parsed.Request!, ct).ConfigureAwait(false);
                if (!preview.Plan.IsValid)
                {
                    return new(Invalid(PlanErrors(preview.Plan.Errors)), false);
                }
                if (preview.Plan.IsNoOp)
                {
                    return new(Answer(StatusCodes.Status200OK, new { correlationId = (Guid?)null, status = "Unchanged", message = "The cluster already looks like this; nothing was sent.", steps = Array.Empty<StepJson>() }), false);
                }
                var confirmation = string.Equals(parsed.Confirm, ConfirmationWord, StringComparison.Ordinal) ? preview.ConfirmationWord : null;
                // From here on the outcome is recorded: an abandoned request must not leave a half-written run unanswered.
                var result = await executor.ApplyAsync(preview, confirmation, CancellationToken.None).ConfigureAwait(false);
                return result.Status == ApplyStatus.Refused
                    ? new(Refused(preview, result, confirmation), false)
                    : new(Answer(StatusOf(result), ApplyResultJson.From(result)), true);
            }
            finally
            {
                gate.Semaphore.Release();
            }
        }

        // The executor refuses in this order: authorization, confirmation, audit, cluster, stale snapshot, busy.
        private StoredAnswer Refused(ChangePreview preview, ApplyResult result, string? confirmation)
        {
            if (authorization.WhyNot(user) is not null)
            {
                return Answer(StatusCodes.Status403Forbidden, new StatusJson(result.Message, "Forbidden", StatusCodes.Status403Forbidden) { CorrelationId = result.CorrelationId });
            }
            if (preview.RequiresConfirmation && confirmation is null)
            {
                var message = $"A router would drop below {preview.MinimumSessions} established sessions: send \"{ChangeRequestJson.ConfirmField}\":\"{ConfirmationWord}\" to apply anyway.";
                return Answer(StatusCodes.Status409Conflict, new StatusJson(message, "ConfirmationRequired", StatusCodes.Status409Conflict) { Preview = ChangePreviewJson.From(preview) });
            }
            if (!auditStatus.IsAvailable || cluster.Session?.Writer is null)
            {
                return Refusal(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", result.Message);
            }
            return Refusal(StatusCodes.Status409Conflict, "Conflict", result.Message);
        }

        private static int StatusOf(ApplyResult result)
        {
            if (result.Status == ApplyStatus.Succeeded)
            {
                return StatusCodes.Status200OK;
            }
            var failed = result.Steps.FirstOrDefault(static s => s.Outcome != WriteOutcome.Succeeded);
            return failed?.Outcome switch
            {
                WriteOutcome.Conflict => StatusCodes.Status409Conflict,
                // Not sent because the audit log could not take the pending entry.
                WriteOutcome.Skipped => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status502BadGateway,
            };
        }
    }

    private static IReadOnlyList<FieldError> PlanErrors(IEnumerable<ValidationError> errors) =>
        [.. errors.Select(static e => new FieldError(e.Path, FieldErrorReasons.Invalid, e.Message))];

    private static StoredAnswer Invalid(IReadOnlyList<FieldError> errors) =>
        Answer(StatusCodes.Status400BadRequest, new StatusJson(
            $"The change is invalid: {string.Join("; ", errors.Select(static e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}"))}",
            "Invalid",
            StatusCodes.Status400BadRequest)
        {
            Details = new StatusDetailsJson([.. errors.Select(static e => new StatusCauseJson(e.Reason, e.Field, e.Message))]),
        });

    private static StoredAnswer Refusal(int code, string reason, string message) => Answer(code, new StatusJson(message, reason, code));

    private static StoredAnswer Answer(int code, object body) => new(code, JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), s_json));

    private static async Task WriteAsync(HttpContext context, StoredAnswer answer, bool replayed)
    {
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (replayed)
        {
            response.Headers[ReplayedHeader] = "true";
        }
        await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record Body(JsonElement Root, byte[] Canonical, StoredAnswer? Error);

    private static async Task<Body> ReadBodyAsync(HttpContext context, ChangesApiOptions options)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return new(default, [], Refusal(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "Send the change as JSON (Content-Type: application/json)."));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes)
            {
                return new(default, [], Refusal(StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", $"The body is larger than {options.MaxBodyBytes} bytes."));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            var root = document.RootElement.Clone();
            // Whitespace-free, so a retry that only formats the body differently is still "the same body".
            return new(root, JsonSerializer.SerializeToUtf8Bytes(root), null);
        }
        catch (JsonException e)
        {
            return new(default, [], Invalid([new FieldError("", FieldErrorReasons.TypeInvalid, $"the body is not valid JSON: {e.Message}")]));
        }
    }
}

/// <summary>Lets one API apply run at a time in this process (a singleton).</summary>
public sealed class ChangesApiGate : IDisposable
{
    internal SemaphoreSlim Semaphore { get; } = new(1, 1);

    /// <inheritdoc />
    public void Dispose() => Semaphore.Dispose();
}
