using System.Security.Claims;

namespace OpenElb.Dashboard.Auth;

/// <summary>Who made a change, as the audit log records it.</summary>
/// <param name="UserName">The user name.</param>
/// <param name="DisplayName">A display name, when the sign-in gave one.</param>
/// <param name="AuthMethod">How they signed in (<see cref="DashboardClaims.AuthMethod"/>).</param>
/// <param name="Groups">Their groups.</param>
public sealed record DashboardActor(string UserName, string? DisplayName, string AuthMethod, IReadOnlyList<string> Groups)
{
    /// <summary>The Kubernetes user the writes were made as (impersonation), or <c>null</c> for the dashboard's own identity.</summary>
    public string? ImpersonatedUser { get; init; }

    /// <summary>The actor of <paramref name="principal"/>; <c>unknown</c> parts for a principal without them.</summary>
    public static DashboardActor Of(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new DashboardActor(
            principal.Identity?.IsAuthenticated == true && principal.Identity.Name is { Length: > 0 } name ? name : "unknown",
            principal.FindFirst(DashboardClaims.DisplayName)?.Value,
            principal.FindFirst(DashboardClaims.AuthMethod)?.Value ?? "unknown",
            [.. principal.FindAll(DashboardClaims.Group).Select(static c => c.Value)]);
    }
}
