using System.Collections;
using System.Reflection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Kubernetes;

namespace OpenElb.Dashboard.IntegrationTests.Packaging;

/// <summary>
/// Whether an environment variable the packaging files set is a configuration key the app reads: its section's options
/// class has the property path (walked as the configuration binder does: case-insensitive, list items by index).
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>
    /// The sign-in settings agreed for issue #8, used only while no options class with <c>SectionName = "Auth"</c>
    /// exists in the app (it is being written in parallel); once it does, the class itself is checked instead.
    /// <c>#</c> stands for a list index.
    /// </summary>
    private static readonly string[] s_agreedAuthKeys =
    [
        "Mode", "TrustedProxy:UserHeader", "TrustedProxy:GroupsHeader", "TrustedProxy:KnownProxies:#",
        "Oidc:Authority", "Oidc:ClientId", "Oidc:ClientSecret", "Oidc:RolesClaim", "Oidc:GroupsClaim",
        "Roles:Admin:#", "Roles:Viewer:#", "ImpersonateKubernetesUser",
    ];

    /// <summary>The values <c>Auth:Mode</c> accepts (agreed for issue #8).</summary>
    public static readonly string[] AuthModes = ["Local", "Anonymous", "TrustedProxy", "Oidc"];

    /// <summary>Host settings the app reads outside the options classes.</summary>
    private static readonly Dictionary<string, string> s_hostVariables = new(StringComparer.Ordinal)
    {
        // The address: DashboardHostingExtensions reads configuration["urls"], which ASPNETCORE_URLS sets.
        ["ASPNETCORE_URLS"] = "urls",
    };

    private static readonly Dictionary<string, Type> s_sections = new(StringComparer.OrdinalIgnoreCase)
    {
        // Bound in DashboardHostingExtensions.AddDashboard.
        ["Cluster"] = typeof(ClusterConnectionOptions),
        [AuditOptions.SectionName] = typeof(AuditOptions),
        [DashboardOptions.SectionName] = typeof(DashboardOptions),
        [DemoOptions.SectionName] = typeof(DemoOptions),
        [ChangeAuthorizationOptions.SectionName] = typeof(ChangeAuthorizationOptions),
    };

    /// <summary>Null when the app reads <paramref name="variable"/>, else why not.</summary>
    public static string? WhyNotRead(string variable)
    {
        if (s_hostVariables.ContainsKey(variable))
        {
            return null;
        }
        var path = variable.Split("__");
        if (path.Length < 2)
        {
            return $"{variable} is not a section key (Section__Key)";
        }
        if (string.Equals(path[0], "Auth", StringComparison.OrdinalIgnoreCase) && FindSection("Auth") is null)
        {
            var key = string.Join(':', path[1..].Select(static s => int.TryParse(s, out _) ? "#" : s));
            return s_agreedAuthKeys.Contains(key, StringComparer.OrdinalIgnoreCase) ? null : $"Auth:{key} is not one of the agreed sign-in settings";
        }
        var type = s_sections.GetValueOrDefault(path[0]) ?? FindSection(path[0]);
        if (type is null)
        {
            return $"no options class binds the section {path[0]}";
        }
        for (var i = 1; i < path.Length; i++)
        {
            var property = type.GetProperty(path[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{type.Name} has no property {path[i]} (in {variable})";
            }
            type = property.PropertyType;
            if (ItemType(type) is { } item)
            {
                if (i + 1 >= path.Length || !int.TryParse(path[i + 1], out _))
                {
                    return $"{variable}: the list {path[i]} is set by index (__0, __1, …)";
                }
                i++;
                type = item;
            }
        }
        return IsScalar(type) ? null : $"{variable} names a section, not a value";
    }

    /// <summary>An options class in the app whose <c>SectionName</c> constant is <paramref name="section"/>.</summary>
    private static Type? FindSection(string section) =>
        new[] { typeof(DashboardOptions).Assembly, typeof(ClusterConnectionOptions).Assembly, typeof(AuditOptions).Assembly }
            .SelectMany(static a => a.GetTypes())
            .FirstOrDefault(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } f
                && string.Equals(f.GetRawConstantValue() as string, section, StringComparison.OrdinalIgnoreCase));

    private static Type? ItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }
        return type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Uri);
    }
}
