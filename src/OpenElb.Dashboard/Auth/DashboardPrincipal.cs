using System.Security.Claims;
using System.Text.Json;
using OpenElb.Dashboard.Configuration;

namespace OpenElb.Dashboard.Auth;

/// <summary>
/// Builds the signed-in user's principal the same way in every mode: a name, the groups, how they signed in, and the
/// roles that follow from the role claims, <c>Auth:Roles</c> (groups) and <c>Authorization:Admins</c> (user names).
/// Pure.
/// </summary>
public static class DashboardPrincipal
{
    /// <summary>The authentication type of every dashboard identity.</summary>
    public const string AuthenticationType = "openelb-dashboard";

    /// <summary>The user name of <see cref="AuthMode.Anonymous"/> visitors.</summary>
    public const string AnonymousUser = "anonymous";

    /// <summary>A principal with no identity: refused everywhere a role is needed.</summary>
    public static ClaimsPrincipal Nobody { get; } = new(new ClaimsIdentity());

    /// <summary>
    /// The principal of <paramref name="user"/>. Roles: <paramref name="directRoles"/> that name a dashboard role, plus
    /// admin when a group is in <c>Auth:Roles:Admin</c> or the user is in <c>Authorization:Admins</c>, plus viewer when
    /// a group is in <c>Auth:Roles:Viewer</c>; an admin is always a viewer too.
    /// </summary>
    public static ClaimsPrincipal Create(
        string user,
        string? displayName,
        string method,
        IEnumerable<string> groups,
        IEnumerable<string> directRoles,
        RoleMappingOptions mapping,
        ChangeAuthorizationOptions authorization)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(directRoles);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(authorization);
        var groupList = groups.Where(static g => !string.IsNullOrWhiteSpace(g)).Select(static g => g.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in directRoles)
        {
            if (Normalize(role) is { } known)
            {
                roles.Add(known);
            }
        }
        if (groupList.Any(g => mapping.Admin.Contains(g, StringComparer.Ordinal)) || authorization.Admins.Contains(user, StringComparer.Ordinal))
        {
            roles.Add(DashboardRoles.Admin);
        }
        if (groupList.Any(g => mapping.Viewer.Contains(g, StringComparer.Ordinal)))
        {
            roles.Add(DashboardRoles.Viewer);
        }
        return Build(user, displayName, method, groupList, roles);
    }

    /// <summary>
    /// The <see cref="AuthMode.Local"/> user: the operating-system user running the dashboard, an admin unless
    /// <c>Authorization:Admins</c> lists others only (then a viewer).
    /// </summary>
    public static ClaimsPrincipal Local(ChangeAuthorizationOptions authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var user = Environment.UserName;
        var admin = authorization.Admins.Count == 0 || authorization.Admins.Contains(user, StringComparer.Ordinal);
        return Build(user, null, "local", [], admin ? [DashboardRoles.Admin] : [DashboardRoles.Viewer]);
    }

    /// <summary>An <see cref="AuthMode.Anonymous"/> visitor: a viewer.</summary>
    public static ClaimsPrincipal Anonymous() => Build(AnonymousUser, null, "anonymous", [], [DashboardRoles.Viewer]);

    /// <summary>A wall signed in with the wall token <paramref name="tokenId"/> named <paramref name="name"/>.</summary>
    public static ClaimsPrincipal Wall(Guid tokenId, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var principal = Build("wall:" + name, name, "wall-token", [], [DashboardRoles.Wall]);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(DashboardClaims.WallTokenId, tokenId.ToString("D")));
        return principal;
    }

    /// <summary>
    /// The values of every <paramref name="type"/> claim, with array-valued claims spread: a provider may send
    /// <c>["a","b"]</c> as one claim whose value is a JSON array, or as one claim per element.
    /// </summary>
    public static IReadOnlyList<string> Values(ClaimsPrincipal principal, string type)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var values = new List<string>();
        foreach (var claim in principal.FindAll(type))
        {
            var value = claim.Value.Trim();
            if (value.StartsWith('[') && TryReadArray(value, values))
            {
                continue;
            }
            if (value.Length > 0)
            {
                values.Add(value);
            }
        }
        return values;
    }

    /// <summary>The roles of <paramref name="principal"/>.</summary>
    public static IReadOnlyList<string> RolesOf(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return [.. principal.FindAll(ClaimTypes.Role).Select(static c => c.Value)];
    }

    /// <summary>The roles in words, for refusals: <c>role viewer</c>, <c>role admin, viewer</c>, or <c>no dashboard role</c>.</summary>
    public static string RoleText(ClaimsPrincipal principal)
    {
        var roles = RolesOf(principal);
        return roles.Count == 0 ? "no dashboard role" : "role " + string.Join(", ", roles);
    }

    /// <summary>The highest role (admin, viewer, wall), for the app bar; empty when there is none.</summary>
    public static string MainRole(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.IsInRole(DashboardRoles.Admin) ? DashboardRoles.Admin
            : principal.IsInRole(DashboardRoles.Viewer) ? DashboardRoles.Viewer
            : principal.IsInRole(DashboardRoles.Wall) ? DashboardRoles.Wall
            : "";
    }

    private static ClaimsPrincipal Build(string user, string? displayName, string method, IReadOnlyList<string> groups, IEnumerable<string> roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user), new(DashboardClaims.AuthMethod, method) };
        if (!string.IsNullOrWhiteSpace(displayName) && displayName != user)
        {
            claims.Add(new Claim(DashboardClaims.DisplayName, displayName));
        }
        claims.AddRange(groups.Select(static g => new Claim(DashboardClaims.Group, g)));
        var roleSet = roles.ToHashSet(StringComparer.Ordinal);
        if (roleSet.Contains(DashboardRoles.Admin))
        {
            roleSet.Add(DashboardRoles.Viewer);
        }
        claims.AddRange(roleSet.Order(StringComparer.Ordinal).Select(static r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    private static string? Normalize(string role) => role.Trim().ToLowerInvariant() switch
    {
        DashboardRoles.Admin => DashboardRoles.Admin,
        DashboardRoles.Viewer => DashboardRoles.Viewer,
        DashboardRoles.Wall => DashboardRoles.Wall,
        _ => null,
    };

    private static bool TryReadArray(string json, List<string> values)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text)
                {
                    values.Add(text);
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
