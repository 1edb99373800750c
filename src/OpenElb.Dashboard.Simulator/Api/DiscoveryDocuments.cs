using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// The legacy (unaggregated) discovery documents. kubectl 1.32 first asks for aggregated discovery
/// (<c>apidiscovery.k8s.io/v2</c>) in its Accept header; answering with these plain documents as
/// <c>application/json</c> makes it fall back to the legacy protocol, as against an older API server.
/// </summary>
internal static class DiscoveryDocuments
{
    private static readonly string[] s_verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-openelb-simulator",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress,
        }),
    };

    public static JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(ResourceCatalog.GroupVersions
            .Where(gv => gv.Group.Length > 0)
            .Append((AccessReviews.Group, AccessReviews.Version))
            .Select(gv => (JsonNode)Group(gv.Group, gv.Version))
            .ToArray()),
    };

    public static JsonObject? Group(string group)
    {
        if (group == AccessReviews.Group)
        {
            return Group(AccessReviews.Group, AccessReviews.Version);
        }
        var gv = ResourceCatalog.GroupVersions.FirstOrDefault(g => g.Group == group && group.Length > 0);
        return gv.Version is null ? null : Group(gv.Group, gv.Version);
    }

    public static JsonObject? ResourceList(string group, string version)
    {
        if (group == AccessReviews.Group && version == AccessReviews.Version)
        {
            return AuthorizationResources();
        }
        var kinds = ResourceCatalog.All.Where(k => k.Group == group && k.Version == version).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }
        var resources = new JsonArray();
        foreach (var kind in kinds)
        {
            resources.Add(new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray(s_verbs.Select(v => (JsonNode)v).ToArray()),
                ["shortNames"] = new JsonArray(kind.ShortNames.Select(s => (JsonNode)s).ToArray()),
            });
            resources.Add(new JsonObject
            {
                ["name"] = kind.Plural + "/status",
                ["singularName"] = "",
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray("get", "patch", "update"),
            });
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    // Served by AccessReviews, not the store: only SelfSubjectAccessReview, create-only, as the API server lists it.
    private static JsonObject AuthorizationResources() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = $"{AccessReviews.Group}/{AccessReviews.Version}",
        ["resources"] = new JsonArray(new JsonObject
        {
            ["name"] = AccessReviews.Plural,
            ["singularName"] = "selfsubjectaccessreview",
            ["namespaced"] = false,
            ["kind"] = AccessReviews.Kind,
            ["verbs"] = new JsonArray("create"),
        }),
    };

    private static JsonObject Group(string group, string version)
    {
        JsonObject GroupVersion() => new() { ["groupVersion"] = $"{group}/{version}", ["version"] = version };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(GroupVersion()),
            ["preferredVersion"] = GroupVersion(),
        };
    }
}
