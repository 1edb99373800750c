using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;

namespace OpenElb.Dashboard.Auth;

/// <summary>
/// The default scheme. Authenticates with the configured mode's scheme and, when that yields no one, with the wall
/// cookie (a wall token works in every mode). Challenges as the mode does (OpenID Connect redirects pages to the
/// provider) and otherwise answers 401/403 with a sentence that says what is missing, as JSON under <c>/api</c>.
/// </summary>
internal sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private AuthMode Mode => auth.Value.EffectiveMode;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var primary = await Context.AuthenticateAsync(DashboardSchemes.AuthenticateScheme(Mode)).ConfigureAwait(false);
        if (primary.Succeeded)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(primary.Principal, primary.Properties, Scheme.Name));
        }
        var wall = await Context.AuthenticateAsync(DashboardSchemes.WallCookie).ConfigureAwait(false);
        if (wall.Succeeded)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(wall.Principal, wall.Properties, Scheme.Name));
        }
        return primary.Failure is not null ? AuthenticateResult.Fail(primary.Failure) : AuthenticateResult.NoResult();
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Mode == AuthMode.Oidc && IsPageRequest(Request))
        {
            await Context.ChallengeAsync(DashboardSchemes.Oidc, properties).ConfigureAwait(false);
            return;
        }
        var message = Request.Path.StartsWithSegments(WallPath)
            ? "This wall display needs a wall link (/wall?token=…) from an admin (Settings → Wall tokens), or a signed-in viewer."
            : Mode switch
            {
                AuthMode.TrustedProxy => "Not signed in: open the dashboard through its sign-in proxy.",
                AuthMode.Oidc => "Not signed in: sign in through the identity provider.",
                AuthMode.Local => "Not signed in: in Local mode the dashboard answers only on this machine (loopback).",
                _ => "Not signed in.",
            };
        await WriteAsync(StatusCodes.Status401Unauthorized, "Unauthorized", message).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var user = Context.User;
        var message = $"{user.Identity?.Name ?? "You"} ({DashboardPrincipal.RoleText(user)}) may not open this.";
        if (DashboardPrincipal.RolesOf(user).Count == 0)
        {
            message += " Ask an admin to add one of your groups to Auth:Roles:Viewer or Auth:Roles:Admin.";
        }
        await WriteAsync(StatusCodes.Status403Forbidden, "Forbidden", message).ConfigureAwait(false);
    }

    private static PathString WallPath => new("/wall");

    private static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api")
        && !request.Path.StartsWithSegments("/hubs")
        && !request.Path.StartsWithSegments("/_blazor");

    private async Task WriteAsync(int status, string reason, string message)
    {
        if (Response.HasStarted)
        {
            return;
        }
        Response.StatusCode = status;
        Response.Headers.CacheControl = "no-store";
        if (Request.Path.StartsWithSegments("/api"))
        {
            // The Changes API's errors are Kubernetes Status objects; these are too.
            Response.ContentType = "application/json; charset=utf-8";
            await Response.WriteAsync(JsonSerializer.Serialize(
                new { kind = "Status", apiVersion = "v1", status = "Failure", message, reason, code = status }, s_json)).ConfigureAwait(false);
            return;
        }
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync(message).ConfigureAwait(false);
    }
}
