using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;

namespace OpenElb.Dashboard.Auth;

/// <summary>The scheme names.</summary>
public static class DashboardSchemes
{
    /// <summary>The default scheme: the mode's scheme, then the wall cookie.</summary>
    public const string Dashboard = "dashboard";

    /// <summary><see cref="AuthMode.Local"/>.</summary>
    public const string Local = "local";

    /// <summary><see cref="AuthMode.Anonymous"/>.</summary>
    public const string Anonymous = "anonymous";

    /// <summary><see cref="AuthMode.TrustedProxy"/>.</summary>
    public const string TrustedProxy = "trusted-proxy";

    /// <summary>The session cookie of <see cref="AuthMode.Oidc"/>.</summary>
    public const string OidcCookie = "oidc-session";

    /// <summary>The OpenID Connect handler (challenges and the callback).</summary>
    public const string Oidc = "oidc";

    /// <summary>The wall cookie set by a wall token.</summary>
    public const string WallCookie = "wall";

    /// <summary>The scheme that authenticates requests in <paramref name="mode"/>.</summary>
    public static string AuthenticateScheme(AuthMode mode) => mode switch
    {
        AuthMode.Anonymous => Anonymous,
        AuthMode.TrustedProxy => TrustedProxy,
        AuthMode.Oidc => OidcCookie,
        _ => Local,
    };
}

/// <summary>
/// <see cref="AuthMode.Local"/>: a request that comes over loopback (or from no network peer: in-process, a Unix
/// socket) is the user running the dashboard; anything else is anonymous. Start-up refuses non-loopback addresses in
/// this mode too (<see cref="DashboardAuthExtensions.Problem"/>).
/// </summary>
internal sealed class LocalAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ChangeAuthorizationOptions> authorization)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var remote = Context.Connection.RemoteIpAddress;
        if (remote is not null && !IPAddress.IsLoopback(remote))
        {
            return Task.FromResult(AuthenticateResult.Fail("Local mode accepts loopback connections only."));
        }
        var principal = DashboardPrincipal.Local(authorization.Value);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }
}

/// <summary><see cref="AuthMode.Anonymous"/>: everyone is a viewer.</summary>
internal sealed class AnonymousAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(DashboardPrincipal.Anonymous(), Scheme.Name)));
}

/// <summary>
/// <see cref="AuthMode.TrustedProxy"/>: the user and groups headers of a request from a known proxy. From any other
/// address the headers are ignored (the request is anonymous, so 401), whatever they say.
/// </summary>
internal sealed class TrustedProxyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth,
    IOptions<ChangeAuthorizationOptions> authorization,
    KnownProxies proxies)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = auth.Value.TrustedProxy;
        if (!proxies.Contains(Context.Connection.RemoteIpAddress))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var user = Context.Request.Headers[settings.UserHeader].ToString().Trim();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var groups = Context.Request.Headers[settings.GroupsHeader]
            .SelectMany(static v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var principal = DashboardPrincipal.Create(user, null, "proxy", groups, [], auth.Value.Roles, authorization.Value);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }
}

/// <summary>The proxies of <see cref="TrustedProxyAuthOptions.KnownProxies"/>, parsed once.</summary>
public sealed class KnownProxies
{
    private readonly List<IPNetwork> _networks = [];

    /// <summary>Parses <paramref name="entries"/>; throws for an entry that is neither an address nor a network.</summary>
    public KnownProxies(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            _networks.Add(Parse(entry));
        }
    }

    /// <summary>How many entries there are.</summary>
    public int Count => _networks.Count;

    /// <summary>Parses one entry: <c>10.0.0.5</c>, <c>10.0.0.0/8</c>, <c>::1</c>, <c>fd00::/8</c>.</summary>
    public static IPNetwork Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }
        if (IPAddress.TryParse(text, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }
        throw new FormatException($"'{entry}' in Auth:TrustedProxy:KnownProxies is neither an IP address nor a network like 10.0.0.0/8.");
    }

    /// <summary>Whether <paramref name="address"/> is a known proxy (IPv4-mapped IPv6 addresses count as IPv4).</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}
