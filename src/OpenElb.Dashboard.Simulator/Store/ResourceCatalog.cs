namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>The fixed set of resource kinds the simulator serves. Thread-safe (immutable).</summary>
public static class ResourceCatalog
{
    /// <summary>OpenELB's API group.</summary>
    public const string OpenElbGroup = "network.kubesphere.io";

    public static ResourceKind Nodes { get; } = new("", "v1", "nodes", "node", "Node", false, ["no"]);
    public static ResourceKind Namespaces { get; } = new("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"]);
    public static ResourceKind Pods { get; } = new("", "v1", "pods", "pod", "Pod", true, ["po"]);
    public static ResourceKind DaemonSets { get; } = new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, ["ds"]);
    public static ResourceKind Deployments { get; } = new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"]);
    public static ResourceKind CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, ["crd", "crds"]);
    public static ResourceKind BgpPeers { get; } = new(OpenElbGroup, "v1alpha2", "bgppeers", "bgppeer", "BgpPeer", false, []);
    public static ResourceKind BgpConfs { get; } = new(OpenElbGroup, "v1alpha2", "bgpconfs", "bgpconf", "BgpConf", false, []);
    public static ResourceKind Eips { get; } = new(OpenElbGroup, "v1alpha2", "eips", "eip", "Eip", false, []);

    /// <summary>Every kind, in discovery order.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } =
        [Nodes, Namespaces, Pods, DaemonSets, Deployments, CustomResourceDefinitions, BgpPeers, BgpConfs, Eips];

    /// <summary>The distinct group/version pairs, core first.</summary>
    public static IReadOnlyList<(string Group, string Version)> GroupVersions { get; } =
        All.Select(k => (k.Group, k.Version)).Distinct().ToArray();

    /// <summary>Finds a kind by group, version and plural; null when the simulator does not serve it.</summary>
    public static ResourceKind? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);

    /// <summary>Finds a kind by apiVersion and kind, as written in a manifest.</summary>
    public static ResourceKind? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind);
}
