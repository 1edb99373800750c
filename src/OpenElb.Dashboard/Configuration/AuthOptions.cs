namespace OpenElb.Dashboard.Configuration;

/// <summary>How people sign in (configuration <c>Auth:Mode</c>).</summary>
public enum AuthMode
{
    /// <summary>Development only: the user running the dashboard is its one admin; loopback only. The default.</summary>
    Local,

    /// <summary>Everyone is a viewer and nobody can change anything: demos and trusted-network walls.</summary>
    Anonymous,

    /// <summary>User and groups from headers set by a reverse proxy, accepted only from <see cref="TrustedProxyAuthOptions.KnownProxies"/>.</summary>
    TrustedProxy,

    /// <summary>ASP.NET Core's OpenID Connect handler with a session cookie.</summary>
    Oidc,
}

/// <summary>Sign-in, roles and the Kubernetes identity of writes (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>The sign-in mode; <c>null</c> (not configured) means <see cref="AuthMode.Local"/> on loopback only.</summary>
    public AuthMode? Mode { get; set; }

    /// <summary>The mode in effect.</summary>
    public AuthMode EffectiveMode => Mode ?? AuthMode.Local;

    /// <summary>Settings of <see cref="AuthMode.TrustedProxy"/>.</summary>
    public TrustedProxyAuthOptions TrustedProxy { get; } = new();

    /// <summary>Settings of <see cref="AuthMode.Oidc"/>.</summary>
    public OidcAuthOptions Oidc { get; } = new();

    /// <summary>Which groups hold which role, in every mode.</summary>
    public RoleMappingOptions Roles { get; } = new();

    /// <summary>
    /// Send cluster writes (and access reviews) as the signed-in user with <c>Impersonate-User</c> /
    /// <c>Impersonate-Group</c>, so that the cluster's RBAC and the API server's audit apply to them. The dashboard's
    /// own identity then needs the <c>impersonate</c> verb on users and groups. Default false.
    /// </summary>
    public bool ImpersonateKubernetesUser { get; set; }
}

/// <summary>Settings of <see cref="AuthMode.TrustedProxy"/> (section <c>Auth:TrustedProxy</c>).</summary>
public sealed class TrustedProxyAuthOptions
{
    /// <summary>The header naming the user. Default <c>X-Forwarded-User</c>.</summary>
    public string UserHeader { get; set; } = "X-Forwarded-User";

    /// <summary>The header listing the user's groups, comma-separated. Default <c>X-Forwarded-Groups</c>.</summary>
    public string GroupsHeader { get; set; } = "X-Forwarded-Groups";

    /// <summary>
    /// The proxies' addresses (an IP like <c>10.0.0.5</c> or a network like <c>10.0.0.0/8</c>). The headers of a
    /// request from any other address are ignored, and the request is anonymous. Required in this mode.
    /// </summary>
    public IList<string> KnownProxies { get; } = [];
}

/// <summary>Settings of <see cref="AuthMode.Oidc"/> (section <c>Auth:Oidc</c>).</summary>
public sealed class OidcAuthOptions
{
    /// <summary>The issuer, e.g. <c>https://login.example.com/realms/ops</c>. Required in this mode.</summary>
    public string? Authority { get; set; }

    /// <summary>The client id. Required in this mode.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (keep it in a secret store or environment variable, never in a file in the image).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim that holds dashboard roles directly (<c>admin</c>, <c>viewer</c>, <c>wall</c>). Default <c>roles</c>.</summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>The claim that holds the user's groups, mapped to roles by <c>Auth:Roles</c>. Default <c>groups</c>.</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>The claim that names the user. Default <c>preferred_username</c> (then <c>email</c>, then <c>sub</c>).</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Scopes to ask for besides <c>openid</c> and <c>profile</c>.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>Require HTTPS for the metadata address. Default true; switch off only for a local test provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>Groups that hold each role (section <c>Auth:Roles</c>); an admin is also a viewer.</summary>
public sealed class RoleMappingOptions
{
    /// <summary>Groups whose members are admins.</summary>
    public IList<string> Admin { get; } = [];

    /// <summary>Groups whose members are viewers.</summary>
    public IList<string> Viewer { get; } = [];
}
