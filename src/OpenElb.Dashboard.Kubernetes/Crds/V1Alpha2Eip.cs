using System.Text.Json.Serialization;

namespace OpenElb.Dashboard.Kubernetes.Crds;

/// <summary>
/// OpenELB's <c>Eip</c> (<c>network.kubesphere.io/v1alpha2</c>, cluster-scoped): an address pool. Field names follow
/// upstream <c>api/v1alpha2/eip_types.go</c> and the v1alpha2 CRD schema (<c>priority</c>, <c>namespaces</c>,
/// <c>namespaceSelector</c> are in the CRD of 0.6).
/// </summary>
public sealed class V1Alpha2Eip : V1Alpha2Object<V1Alpha2EipSpec, V1Alpha2EipStatus>
{
    public const string Group = V1Alpha2.Group;
    public const string Version = V1Alpha2.Version;
    public const string Plural = "eips";

    /// <summary>The kind (named <c>KubeKind</c> because <c>Kind</c> is the instance property).</summary>
    public const string KubeKind = "Eip";

    public V1Alpha2Eip()
        : base(KubeKind)
    {
    }
}

/// <summary>A page of <see cref="V1Alpha2Eip"/>.</summary>
public sealed class V1Alpha2EipList : V1Alpha2List<V1Alpha2Eip>
{
    public const string KubeKind = "EipList";

    public V1Alpha2EipList()
        : base(KubeKind)
    {
    }
}

/// <summary><c>spec</c> of an Eip.</summary>
public sealed class V1Alpha2EipSpec
{
    /// <summary>A single IP, a CIDR or an <c>a-b</c> range.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; set; }

    /// <summary><c>bgp</c>, <c>layer2</c> or <c>vip</c>; empty = bgp.</summary>
    [JsonPropertyName("protocol")]
    public string? Protocol { get; set; }

    /// <summary>Required for layer2/vip.</summary>
    [JsonPropertyName("interface")]
    public string? Interface { get; set; }

    [JsonPropertyName("disable")]
    public bool? Disable { get; set; }

    [JsonPropertyName("usingKnownIPs")]
    public bool? UsingKnownIPs { get; set; }

    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    [JsonPropertyName("namespaces")]
    public IList<string>? Namespaces { get; set; }

    [JsonPropertyName("namespaceSelector")]
    public IDictionary<string, string>? NamespaceSelector { get; set; }
}

/// <summary><c>status</c> of an Eip (written by the controller).</summary>
public sealed class V1Alpha2EipStatus
{
    [JsonPropertyName("occupied")]
    public bool? Occupied { get; set; }

    [JsonPropertyName("usage")]
    public int? Usage { get; set; }

    [JsonPropertyName("poolSize")]
    public int? PoolSize { get; set; }

    /// <summary>IP to <c>namespace/service</c>.</summary>
    [JsonPropertyName("used")]
    public IDictionary<string, string>? Used { get; set; }

    [JsonPropertyName("firstIP")]
    public string? FirstIP { get; set; }

    [JsonPropertyName("lastIP")]
    public string? LastIP { get; set; }

    [JsonPropertyName("ready")]
    public bool? Ready { get; set; }

    [JsonPropertyName("v4")]
    public bool? V4 { get; set; }
}
