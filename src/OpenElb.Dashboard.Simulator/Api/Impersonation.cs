using System.Collections.Immutable;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>Who a request is authorized as.</summary>
/// <param name="User">The user name: the impersonated user, or the simulator's own user.</param>
/// <param name="Groups">The impersonated groups, exactly as the headers gave them (empty without impersonation).</param>
/// <param name="Impersonated">Whether the request impersonated <paramref name="User"/>.</param>
internal sealed record RequestIdentity(string User, ImmutableArray<string> Groups, bool Impersonated)
{
    /// <summary>The simulator's own user, the kubeconfig's user name.</summary>
    public static readonly RequestIdentity Self = new(Hosting.Kubeconfig.Name, [], false);
}

/// <summary>
/// The API server's impersonation filter: a request with <c>Impersonate-User</c> (and optionally one
/// <c>Impersonate-Group</c> header per group) is authorized as that user, provided the simulator's own user may
/// <c>impersonate</c> <c>users</c> (<c>serviceaccounts</c> in their namespace for <c>system:serviceaccount:NS:NAME</c>)
/// and, per group, <c>groups</c>; otherwise 403 Forbidden worded like the API server's. As on the API server, each
/// header line is one group: a comma-separated line is a single group with a comma in its name. Stateless; thread-safe.
/// </summary>
internal static class Impersonation
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";

    private const string ServiceAccountPrefix = "system:serviceaccount:";
    private static readonly object s_key = new();

    /// <summary>
    /// Checks the impersonation headers of <paramref name="context"/> and remembers the identity for
    /// <see cref="Of"/>. Throws <see cref="ApiException"/>: 403 when impersonating is denied, 500 (as the API server
    /// answers) for groups without a user.
    /// </summary>
    public static RequestIdentity Resolve(HttpContext context, FaultState faults)
    {
        var identity = Check(context.Request, faults);
        context.Items[s_key] = identity;
        return identity;
    }

    /// <summary>The identity <see cref="Resolve"/> found, or the simulator's own.</summary>
    public static RequestIdentity Of(HttpContext context) =>
        context.Items.TryGetValue(s_key, out var identity) && identity is RequestIdentity resolved ? resolved : RequestIdentity.Self;

    /// <summary>The impersonated user header's value, or <c>null</c> (the API server reads the first line only).</summary>
    public static string? RequestedUser(HttpRequest request) =>
        request.Headers[UserHeader] is { Count: > 0 } values && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>The impersonated groups, one per header line, as sent.</summary>
    public static ImmutableArray<string> RequestedGroups(HttpRequest request) =>
        [.. request.Headers[GroupHeader].Select(static g => g ?? "")];

    private static RequestIdentity Check(HttpRequest request, FaultState faults)
    {
        var user = RequestedUser(request);
        var groups = RequestedGroups(request);
        if (user is null)
        {
            return groups.IsEmpty
                ? RequestIdentity.Self
                : throw new ApiException(500, "InternalError",
                    $"Internal error occurred: requested impersonation of groups [{string.Join(" ", groups)}] without impersonating a user");
        }
        var self = RequestIdentity.Self.User;
        if (user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) && user[ServiceAccountPrefix.Length..].Split(':') is [var ns, var name] && ns.Length > 0 && name.Length > 0)
        {
            Require(faults, self, "serviceaccounts", name, ns);
        }
        else
        {
            Require(faults, self, "users", user, null);
        }
        foreach (var group in groups)
        {
            Require(faults, self, "groups", group, null);
        }
        return new RequestIdentity(user, groups, true);
    }

    private static void Require(FaultState faults, string self, string resource, string name, string? ns)
    {
        if (!faults.IsDenied(self, self, new ResourceAccess("impersonate", "", resource)))
        {
            return;
        }
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        throw new ApiException(403, "Forbidden",
            $"{resource} \"{name}\" is forbidden: User \"{self}\" cannot impersonate resource \"{resource}\" in API group \"\" {scope}");
    }
}
