using System.Security.Claims;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// Decides on the server whether a user may apply a change, whatever the page shows: read-only instances refuse
/// everyone; otherwise admins only (the role comes from sign-in: <c>Auth:Roles</c>, <c>Authorization:Admins</c>, or the
/// local user in Local mode). A singleton; pure apart from its options.
/// </summary>
public sealed class ChangeAuthorization(IOptions<ChangeAuthorizationOptions> options)
{
    /// <summary>Why <paramref name="user"/> may not apply changes, or <c>null</c> when they may.</summary>
    public string? WhyNot(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (options.Value.ReadOnly)
        {
            return "This dashboard is read-only (Authorization:ReadOnly): it shows and previews changes but applies none.";
        }
        if (user.Identity?.IsAuthenticated != true)
        {
            return "Nobody is signed in, so no change can be made.";
        }
        if (!user.IsInRole(DashboardRoles.Admin))
        {
            return $"{user.Identity.Name} is not an admin of this dashboard ({DashboardPrincipal.RoleText(user)}); "
                + "admins come from Auth:Roles:Admin groups or Authorization:Admins.";
        }
        return null;
    }
}
