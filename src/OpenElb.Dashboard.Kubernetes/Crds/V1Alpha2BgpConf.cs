using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenElb.Dashboard.Kubernetes.Crds;

/// <summary>
/// OpenELB's <c>BgpConf</c> (<c>network.kubesphere.io/v1alpha2</c>, cluster-scoped): the speakers' own BGP settings.
/// Only the object named <c>default</c> is used. Field names follow upstream <c>api/v1alpha2/bgpconf_types.go</c>.
/// </summary>
public sealed class V1Alpha2BgpConf : V1Alpha2Object<V1Alpha2BgpConfSpec, V1Alpha2BgpConfStatus>
{
    public const string Group = V1Alpha2.Group;
    public const string Version = V1Alpha2.Version;
    public const string Plural = "bgpconfs";

    /// <summary>The kind (named <c>KubeKind</c> because <c>Kind</c> is the instance property).</summary>
    public const string KubeKind = "BgpConf";
    public const string DefaultName = "default";

    public V1Alpha2BgpConf()
        : base(KubeKind)
    {
    }
}

/// <summary>A page of <see cref="V1Alpha2BgpConf"/>.</summary>
public sealed class V1Alpha2BgpConfList : V1Alpha2List<V1Alpha2BgpConf>
{
    public const string KubeKind = "BgpConfList";

    public V1Alpha2BgpConfList()
        : base(KubeKind)
    {
    }
}

/// <summary><c>spec</c> of a BgpConf. Any change restarts BGP on every speaker.</summary>
public sealed class V1Alpha2BgpConfSpec
{
    [JsonPropertyName("as")]
    public long? As { get; set; }

    /// <summary>Rack label value to AS; when set, next hops are filtered per rack.</summary>
    [JsonPropertyName("asPerRack")]
    public IDictionary<string, long>? AsPerRack { get; set; }

    /// <summary>Empty = each node's InternalIP.</summary>
    [JsonPropertyName("routerId")]
    public string? RouterId { get; set; }

    [JsonPropertyName("listenPort")]
    public int? ListenPort { get; set; }

    [JsonPropertyName("listenAddresses")]
    public IList<string>? ListenAddresses { get; set; }

    [JsonPropertyName("families")]
    public IList<long>? Families { get; set; }

    [JsonPropertyName("useMultiplePaths")]
    public bool? UseMultiplePaths { get; set; }

    /// <summary>Display only: kept as raw JSON.</summary>
    [JsonPropertyName("gracefulRestart")]
    public JsonElement? GracefulRestart { get; set; }

    /// <summary>Name of a ConfigMap with a GoBGP policy.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; set; }
}

/// <summary><c>status</c> of a BgpConf.</summary>
public sealed class V1Alpha2BgpConfStatus
{
    /// <summary>Node name to what its speaker applied; entries are never removed (may be stale).</summary>
    [JsonPropertyName("nodesConfStatus")]
    public IDictionary<string, V1Alpha2NodeConfStatus>? NodesConfStatus { get; set; }
}

/// <summary>One value of <c>status.nodesConfStatus</c>.</summary>
public sealed class V1Alpha2NodeConfStatus
{
    [JsonPropertyName("routerId")]
    public string? RouterId { get; set; }

    [JsonPropertyName("as")]
    public long? As { get; set; }
}
