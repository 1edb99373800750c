using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Auth;

/// <summary>Sign-in, roles, policies and the security headers.</summary>
public static partial class DashboardAuthExtensions
{
    /// <summary>
    /// Registers the schemes of the configured <c>Auth:Mode</c>, the wall cookie, the three policies (every endpoint
    /// without one needs at least the wall role) and the per-scope <see cref="CurrentUser"/>. Throws when the
    /// configuration cannot work: Local mode on a non-loopback address, TrustedProxy without proxies, OIDC without an
    /// authority or client.
    /// </summary>
    public static WebApplicationBuilder AddDashboardAuth(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new AuthOptions();
        builder.Configuration.GetSection(AuthOptions.SectionName).Bind(settings);
        if (Problem(settings, builder.Configuration) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName));
        services.TryAddSingleton(static sp => new KnownProxies(sp.GetRequiredService<IOptions<AuthOptions>>().Value.TrustedProxy.KnownProxies));
        services.TryAddScoped<CurrentUser>();
        services.AddWallTokens();
        services.TryAddSingleton<IWallAccess, WallTokenAccess>();
        services.TryAddSingleton<WallSignIn>();
        services.TryAddSingleton<WallConnections>();
        PersistKeys(builder);
        // The request line (with a wall token in its query) is logged by the hosting diagnostics at Information:
        // never below Warning, whatever the configuration says.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", static level => level >= LogLevel.Warning);

        var auth = services.AddAuthentication(static options =>
        {
            options.DefaultScheme = DashboardSchemes.Dashboard;
            options.DefaultChallengeScheme = DashboardSchemes.Dashboard;
            options.DefaultForbidScheme = DashboardSchemes.Dashboard;
        });
        auth.AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardSchemes.Dashboard, null);
        auth.AddScheme<AuthenticationSchemeOptions, LocalAuthenticationHandler>(DashboardSchemes.Local, null);
        auth.AddScheme<AuthenticationSchemeOptions, AnonymousAuthenticationHandler>(DashboardSchemes.Anonymous, null);
        auth.AddScheme<AuthenticationSchemeOptions, TrustedProxyAuthenticationHandler>(DashboardSchemes.TrustedProxy, null);
        auth.AddCookie(DashboardSchemes.WallCookie, static options =>
        {
            options.Cookie.Name = WallCookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // A wall runs for weeks: the cookie lives as long as its token (revocation and expiry end it server-side).
            options.ExpireTimeSpan = TimeSpan.FromDays(400);
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = static async context =>
            {
                var access = context.HttpContext.RequestServices.GetRequiredService<IWallAccess>();
                if (context.Principal is null || !await access.IsActiveAsync(context.Principal, context.HttpContext.RequestAborted).ConfigureAwait(false))
                {
                    context.RejectPrincipal();
                }
            };
            options.Events.OnRedirectToLogin = static context => Unauthorized(context);
            options.Events.OnRedirectToAccessDenied = static context => Unauthorized(context);
        });
        if (settings.EffectiveMode == AuthMode.Oidc)
        {
            AddOidc(auth, settings);
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardPolicies.Admin, static p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.Admin))
            .AddPolicy(DashboardPolicies.Viewer, static p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.Admin, DashboardRoles.Viewer))
            .AddPolicy(DashboardPolicies.Wall, static p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.Admin, DashboardRoles.Viewer, DashboardRoles.Wall))
            // An endpoint that names no policy (the circuit transport, a new endpoint someone forgot) needs a role.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().RequireRole(DashboardRoles.Admin, DashboardRoles.Viewer, DashboardRoles.Wall).Build());
        services.AddCascadingAuthenticationState();
        // Circuits re-check their user every few seconds: a revoked wall token ends the wall's access within seconds.
        services.AddScoped<AuthenticationStateProvider, RevalidatingDashboardStateProvider>();
        services.AddHostedService<LoopbackGuard>();
        return builder;
    }

    /// <summary>
    /// Keeps the data-protection keys (which protect the wall and session cookies and antiforgery tokens) next to the
    /// audit log: on the container's /data volume and the pod's PersistentVolumeClaim, a restart keeps every wall
    /// signed in. When that directory cannot be used, the keys stay in memory (walls need their link again after a
    /// restart) and a warning says so.
    /// </summary>
    private static void PersistKeys(WebApplicationBuilder builder)
    {
        var audit = new OpenElb.Dashboard.Audit.AuditOptions();
        builder.Configuration.GetSection(OpenElb.Dashboard.Audit.AuditOptions.SectionName).Bind(audit);
        var protection = builder.Services.AddDataProtection().SetApplicationName("openelb-dashboard");
        try
        {
            var directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(audit.DatabasePath)) ?? ".", "keys");
            protection.PersistKeysToFileSystem(Directory.CreateDirectory(directory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            builder.Services.AddHostedService(sp => new KeysWarning(sp.GetRequiredService<ILogger<KeysWarning>>(), e.Message));
        }
    }

    private sealed partial class KeysWarning(ILogger<KeysWarning> logger, string error) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogInMemory(logger, error);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "The data-protection keys cannot be kept next to the audit log ({Error}); they stay in memory, so wall displays and sessions must sign in again after a restart.")]
        private static partial void LogInMemory(ILogger logger, string error);
    }

    /// <summary>The wall cookie's name.</summary>
    public const string WallCookieName = ".openelb.wall";

    /// <summary>The OIDC session cookie's name.</summary>
    public const string SessionCookieName = ".openelb.session";

    /// <summary>
    /// Security headers, authentication, the current user of API requests, and authorization. Call before mapping
    /// endpoints and before <c>UseAntiforgery</c>.
    /// </summary>
    public static WebApplication UseDashboardAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(static (context, next) =>
        {
            SecurityHeaders.Apply(context);
            return next(context);
        });
        app.UseAuthentication();
        app.Use(static (context, next) => WallSignIn.Matches(context.Request)
            ? context.RequestServices.GetRequiredService<WallSignIn>().HandleAsync(context)
            : next(context));
        app.Use(static (context, next) =>
        {
            context.RequestServices.GetRequiredService<CurrentUser>().Set(context.User);
            return next(context);
        });
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Why the configuration cannot start, or <c>null</c>: Local mode (the default) with a non-loopback address, a
    /// TrustedProxy mode without proxies, an OIDC mode without authority or client id.
    /// </summary>
    public static string? Problem(AuthOptions settings, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configuration);
        switch (settings.EffectiveMode)
        {
            case AuthMode.Local:
                foreach (var address in ConfiguredAddresses(configuration))
                {
                    if (!IsLoopback(address))
                    {
                        return $"Auth:Mode is Local{(settings.Mode is null ? " (the default when no mode is configured)" : "")}, which is for development on this machine only, "
                            + $"but the dashboard is configured to listen on {address}. Choose Auth:Mode Oidc, TrustedProxy or Anonymous (see README, Sign-in), "
                            + "or listen on localhost.";
                    }
                }
                return null;
            case AuthMode.TrustedProxy:
                if (settings.TrustedProxy.KnownProxies.Count == 0)
                {
                    return "Auth:Mode is TrustedProxy but Auth:TrustedProxy:KnownProxies is empty: list the proxy's addresses (headers from anywhere else are ignored).";
                }
                try
                {
                    _ = new KnownProxies(settings.TrustedProxy.KnownProxies);
                }
                catch (FormatException e)
                {
                    return e.Message;
                }
                if (string.IsNullOrWhiteSpace(settings.TrustedProxy.UserHeader))
                {
                    return "Auth:TrustedProxy:UserHeader is empty.";
                }
                return null;
            case AuthMode.Oidc:
                if (string.IsNullOrWhiteSpace(settings.Oidc.Authority) || string.IsNullOrWhiteSpace(settings.Oidc.ClientId))
                {
                    return "Auth:Mode is Oidc but Auth:Oidc:Authority or Auth:Oidc:ClientId is not set.";
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The addresses the configuration asks Kestrel to listen on (<c>urls</c>, ports, <c>Kestrel:Endpoints</c>).</summary>
    public static IEnumerable<string> ConfiguredAddresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var url in (configuration["urls"] ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            yield return url;
        }
        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            foreach (var port in (configuration[key] ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // ASPNETCORE_HTTP_PORTS binds every interface.
                yield return $"http://*:{port}";
            }
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                yield return url;
            }
        }
    }

    /// <summary>Whether <paramref name="address"/> (a URL as Kestrel takes it) listens on loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var rest = address.Contains("://", StringComparison.Ordinal) ? address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..] : address;
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        string host;
        if (rest.StartsWith('['))
        {
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            host = end > 0 ? rest[1..end] : rest;
        }
        else
        {
            var end = rest.IndexOfAny([':', '/']);
            host = end >= 0 ? rest[..end] : rest;
        }
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static void AddOidc(AuthenticationBuilder auth, AuthOptions settings)
    {
        var oidc = settings.Oidc;
        auth.AddCookie(DashboardSchemes.OidcCookie, options =>
        {
            options.Cookie.Name = SessionCookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnSigningIn = context =>
            {
                var services = context.HttpContext.RequestServices;
                context.Principal = FromOidc(context.Principal!, services.GetRequiredService<IOptions<AuthOptions>>().Value,
                    services.GetRequiredService<IOptions<ChangeAuthorizationOptions>>().Value);
                return Task.CompletedTask;
            };
        });
        auth.AddOpenIdConnect(DashboardSchemes.Oidc, options =>
        {
            options.SignInScheme = DashboardSchemes.OidcCookie;
            options.Authority = oidc.Authority;
            options.ClientId = oidc.ClientId;
            options.ClientSecret = oidc.ClientSecret;
            options.ResponseType = "code";
            options.UsePkce = true;
            // The code comes back in the query of a top-level GET, so the correlation and nonce cookies can be
            // SameSite=Lax (and work over plain HTTP behind a TLS-terminating proxy); PKCE protects the code.
            options.ResponseMode = "query";
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Events.OnRemoteFailure = static context =>
            {
                // A clear sentence instead of the error page; the provider's message, never a token.
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentType = "text/plain; charset=utf-8";
                context.HandleResponse();
                return context.Response.WriteAsync("Sign-in with the identity provider failed: " + (context.Failure?.Message ?? "no reason given") + " Try again from the start page.");
            };
            // No tokens in the session cookie: the dashboard never calls anything with them.
            options.SaveTokens = false;
            options.MapInboundClaims = false;
            options.GetClaimsFromUserInfoEndpoint = true;
            options.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            foreach (var scope in oidc.Scopes)
            {
                options.Scope.Add(scope);
            }
            options.ClaimActions.MapJsonKey(oidc.RolesClaim, oidc.RolesClaim);
            options.ClaimActions.MapJsonKey(oidc.GroupsClaim, oidc.GroupsClaim);
            options.TokenValidationParameters.NameClaimType = oidc.NameClaim;
        });
    }

    /// <summary>
    /// The dashboard principal of an OpenID Connect sign-in: name from <c>Auth:Oidc:NameClaim</c> (then <c>email</c>,
    /// <c>sub</c>), roles from <c>Auth:Oidc:RolesClaim</c>, groups from <c>Auth:Oidc:GroupsClaim</c> mapped by
    /// <c>Auth:Roles</c>. Array-valued claims work either way a provider sends them.
    /// </summary>
    public static ClaimsPrincipal FromOidc(ClaimsPrincipal principal, AuthOptions settings, ChangeAuthorizationOptions authorization)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(settings);
        var oidc = settings.Oidc;
        var name = principal.FindFirst(oidc.NameClaim)?.Value
            ?? principal.FindFirst("email")?.Value
            ?? principal.FindFirst("sub")?.Value
            ?? throw new InvalidOperationException($"The identity provider sent no {oidc.NameClaim}, email or sub claim.");
        return DashboardPrincipal.Create(
            name,
            principal.FindFirst("name")?.Value,
            "oidc",
            DashboardPrincipal.Values(principal, oidc.GroupsClaim),
            DashboardPrincipal.Values(principal, oidc.RolesClaim),
            settings.Roles,
            authorization);
    }

    private static Task Unauthorized(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Refuses to keep running when the server listens on a non-loopback address in Local mode (addresses chosen in
    /// code, not configuration, are only known once the server has started).
    /// </summary>
    private sealed partial class LoopbackGuard(IServer server, IHostApplicationLifetime lifetime, IOptions<AuthOptions> auth, ILogger<LoopbackGuard> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (auth.Value.EffectiveMode == AuthMode.Local)
            {
                lifetime.ApplicationStarted.Register(Check);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private void Check()
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (addresses.FirstOrDefault(static a => !IsLoopback(a)) is { } open)
            {
                LogRefused(logger, open);
                lifetime.StopApplication();
            }
        }

        [LoggerMessage(Level = LogLevel.Critical, Message = "Auth:Mode is Local (development only) but the dashboard listens on {Address}; stopping. Choose Auth:Mode Oidc, TrustedProxy or Anonymous.")]
        private static partial void LogRefused(ILogger logger, string address);
    }
}

/// <summary>The security headers every answer carries.</summary>
public static class SecurityHeaders
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the request's script nonce.</summary>
    public const string NonceKey = "openelb.csp-nonce";

    /// <summary>
    /// The content security policy: scripts only from the dashboard itself, plus the one inline script the page
    /// renders (Blazor's import map) by its per-request <paramref name="nonce"/>; connections only to the dashboard
    /// (Blazor Server needs no eval); inline styles allowed (MudBlazor sets style attributes); no framing, no plugins.
    /// </summary>
    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>The nonce of <paramref name="context"/>'s answer (made by <see cref="Apply"/>), for inline scripts the page renders.</summary>
    public static string? NonceOf(HttpContext? context) => context?.Items[NonceKey] as string;

    /// <summary>Sets the headers, with a fresh nonce.</summary>
    public static void Apply(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Hex: nothing in it needs encoding in the header or the attribute.
        var nonce = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // No referrer: a wall link carries its token in the query until the redirect strips it.
        headers["Referrer-Policy"] = "no-referrer";
    }
}

/// <summary>Whether a wall principal's token is still valid (revoked and expired tokens are not).</summary>
public interface IWallAccess
{
    /// <summary>
    /// Whether <paramref name="principal"/> may still use the wall; true for principals that are not walls. Waits while
    /// the wall tokens are still loading at start-up.
    /// </summary>
    ValueTask<bool> IsActiveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken);
}
