using System.Collections.Concurrent;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Auth;

/// <summary>Wall principals are valid while their token is active (neither revoked nor expired).</summary>
internal sealed class WallTokenAccess(WallTokenService tokens) : IWallAccess
{
    public async ValueTask<bool> IsActiveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var claim = principal.FindFirst(DashboardClaims.WallTokenId);
        // Right after start-up the tokens may still be loading (behind the audit store's migrations): wait, so that a
        // wall's cookie is not rejected for a moment after every restart.
        return claim is null || (Guid.TryParse(claim.Value, out var id) && await tokens.IsActiveAsync(id, cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>
/// <c>/wall?token=…</c>: a valid wall token signs the browser in with the wall cookie (the wall role only) and
/// redirects to <c>/wall</c>, so the token leaves the address bar, history and any later request line. Attempts are
/// rate-limited per client address; the token itself is never logged.
/// </summary>
public sealed class WallSignIn : IDisposable
{
    /// <summary>The query parameter.</summary>
    public const string TokenParameter = "token";

    /// <summary>Sign-in attempts per client address per minute.</summary>
    public const int AttemptsPerMinute = 10;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(static address =>
        RateLimitPartition.GetFixedWindowLimiter(address, static _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = AttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Whether <paramref name="request"/> is a wall sign-in.</summary>
    public static bool Matches(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsGet(request.Method) && request.Path.Equals("/wall", StringComparison.OrdinalIgnoreCase) && request.Query.ContainsKey(TokenParameter);
    }

    /// <summary>Handles the sign-in: 303 to <c>/wall</c>, 401 for a token that is not valid, 429 when rate-limited.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "local";
        using var lease = _limiter.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = "60";
            await WriteAsync(response, $"Too many wall sign-in attempts from this address; wait a minute. (At most {AttemptsPerMinute} a minute.)").ConfigureAwait(false);
            return;
        }
        var tokens = context.RequestServices.GetRequiredService<WallTokenService>();
        // Right after start-up the tokens may still be loading: wait rather than refuse a valid link.
        await tokens.WhenLoadedAsync(context.RequestAborted).ConfigureAwait(false);
        if (tokens.Validate(context.Request.Query[TokenParameter].ToString()) is not { } token)
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            await WriteAsync(response, "This wall link is not valid: its token is unknown, revoked or expired. Ask an admin for a new one (Settings → Wall tokens).").ConfigureAwait(false);
            return;
        }
        await context.SignInAsync(DashboardSchemes.WallCookie, DashboardPrincipal.Wall(token.Id, token.Name),
            new AuthenticationProperties { IsPersistent = true }).ConfigureAwait(false);
        await tokens.MarkUsedAsync(token.Id, context.RequestAborted).ConfigureAwait(false);
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = "/wall";
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();

    private static Task WriteAsync(HttpResponse response, string message)
    {
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message);
    }
}

/// <summary>
/// The hub connections of walls, by token: when a token is revoked its walls' connections are closed at once (the
/// circuits notice on their next revalidation, within seconds). A singleton.
/// </summary>
public sealed class WallConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, (Guid Token, HubCallerContext Context)> _connections = new(StringComparer.Ordinal);
    private readonly WallTokenService _tokens;

    /// <summary>Follows <paramref name="tokens"/>' revocations.</summary>
    public WallConnections(WallTokenService tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
        _tokens.Revoked += OnRevoked;
    }

    /// <summary>How many wall connections are open.</summary>
    public int Count => _connections.Count;

    /// <summary>Registers <paramref name="context"/> when its user is a wall.</summary>
    public void Add(HubCallerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User?.FindFirst(DashboardClaims.WallTokenId)?.Value is { } value && Guid.TryParse(value, out var id))
        {
            _connections[context.ConnectionId] = (id, context);
            if (!_tokens.IsActive(id))
            {
                // Revoked between the handshake and now.
                context.Abort();
            }
        }
    }

    /// <summary>Forgets <paramref name="context"/>.</summary>
    public void Remove(HubCallerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _connections.TryRemove(context.ConnectionId, out _);
    }

    /// <inheritdoc />
    public void Dispose() => _tokens.Revoked -= OnRevoked;

    private void OnRevoked(Guid id)
    {
        foreach (var (connection, entry) in _connections)
        {
            if (entry.Token == id)
            {
                entry.Context.Abort();
                _connections.TryRemove(connection, out _);
            }
        }
    }
}
