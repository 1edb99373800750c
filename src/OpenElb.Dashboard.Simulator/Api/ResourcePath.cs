using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>A request path resolved to a kind, an optional namespace, name and subresource.</summary>
internal sealed record ResourcePath(ResourceKind Kind, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>
    /// Resolves the segments after <c>/api/v1</c> or <c>/apis/GROUP/VERSION</c>. Returns null when the path names no
    /// served resource (the caller answers 404).
    /// </summary>
    public static ResourcePath? Parse(string group, string version, IReadOnlyList<string> rest)
    {
        // "namespaces/NS/PLURAL/..." addresses namespaced objects; anything else is a cluster-scoped path or an
        // all-namespaces list. "namespaces/NS/status" is the Namespace's own status subresource.
        if (rest.Count >= 3 && rest[0] == "namespaces" && ResourceCatalog.Find(group, version, rest[2]) is { Namespaced: true } namespaced)
        {
            return rest.Count switch
            {
                3 => new ResourcePath(namespaced, rest[1], null, null),
                4 => new ResourcePath(namespaced, rest[1], rest[3], null),
                5 => new ResourcePath(namespaced, rest[1], rest[3], rest[4]),
                _ => null,
            };
        }
        if (rest.Count is < 1 or > 3 || ResourceCatalog.Find(group, version, rest[0]) is not { } kind)
        {
            return null;
        }
        if (kind.Namespaced && rest.Count > 1)
        {
            return null;
        }
        return new ResourcePath(kind, null, rest.Count > 1 ? rest[1] : null, rest.Count > 2 ? rest[2] : null);
    }
}
