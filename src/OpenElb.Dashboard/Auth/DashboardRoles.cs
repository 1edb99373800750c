namespace OpenElb.Dashboard.Auth;

/// <summary>
/// The dashboard's roles, as <see cref="System.Security.Claims.ClaimTypes.Role"/> claims: an admin changes things
/// (wizards, revert, wall tokens), a viewer reads everything (including the audit log and its exports), a wall sees
/// the wall only.
/// </summary>
public static class DashboardRoles
{
    /// <summary>Wizards, revert, the Changes API and wall tokens; everything a viewer may do.</summary>
    public const string Admin = "admin";

    /// <summary>Everything read-only: pages, REST API, hub, audit log and exports.</summary>
    public const string Viewer = "viewer";

    /// <summary>The wall display and its feed, nothing else.</summary>
    public const string Wall = "wall";
}

/// <summary>The authorization policies, by name. Every endpoint and page names one (or allows anonymous access).</summary>
public static class DashboardPolicies
{
    /// <summary>Admins only.</summary>
    public const string Admin = "admin";

    /// <summary>Viewers and admins.</summary>
    public const string Viewer = "viewer";

    /// <summary>Walls, viewers and admins: the wall page, the topology hub and the circuit transport.</summary>
    public const string Wall = "wall";
}

/// <summary>The dashboard's own claim types.</summary>
public static class DashboardClaims
{
    /// <summary>One claim per group the user is in.</summary>
    public const string Group = "openelb/group";

    /// <summary>How the user signed in: <c>local</c>, <c>anonymous</c>, <c>proxy</c>, <c>oidc</c> or <c>wall-token</c>.</summary>
    public const string AuthMethod = "openelb/auth";

    /// <summary>The display name, when it differs from the user name.</summary>
    public const string DisplayName = "openelb/display-name";

    /// <summary>The id of the wall token a wall signed in with.</summary>
    public const string WallTokenId = "openelb/wall-token";
}
