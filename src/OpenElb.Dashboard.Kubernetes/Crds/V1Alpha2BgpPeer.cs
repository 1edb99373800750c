using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace OpenElb.Dashboard.Kubernetes.Crds;

/// <summary>
/// OpenELB's <c>BgpPeer</c> (<c>network.kubesphere.io/v1alpha2</c>, cluster-scoped): one router neighbour.
/// Field names follow upstream <c>api/v1alpha2/bgppeer_types.go</c>.
/// </summary>
/// <remarks>
/// A read model: secrets (<c>spec.conf.authPassword</c>) are deliberately not modelled, so never send a whole object
/// back with PUT; write with patches. <c>status.nodesPeerStatus</c> entries are parsed leniently (see
/// <see cref="V1Alpha2NodePeerStatus"/>).
/// </remarks>
public sealed class V1Alpha2BgpPeer : V1Alpha2Object<V1Alpha2BgpPeerSpec, V1Alpha2BgpPeerStatus>
{
    public const string Group = V1Alpha2.Group;
    public const string Version = V1Alpha2.Version;
    public const string Plural = "bgppeers";

    /// <summary>The kind (named <c>KubeKind</c> because <c>Kind</c> is the instance property).</summary>
    public const string KubeKind = "BgpPeer";

    public V1Alpha2BgpPeer()
        : base(KubeKind)
    {
    }
}

/// <summary>A page of <see cref="V1Alpha2BgpPeer"/>.</summary>
public sealed class V1Alpha2BgpPeerList : V1Alpha2List<V1Alpha2BgpPeer>
{
    public const string KubeKind = "BgpPeerList";

    public V1Alpha2BgpPeerList()
        : base(KubeKind)
    {
    }
}

/// <summary><c>spec</c> of a BgpPeer.</summary>
public sealed class V1Alpha2BgpPeerSpec
{
    [JsonPropertyName("conf")]
    public V1Alpha2PeerConf? Conf { get; set; }

    /// <summary>Which nodes' speakers peer with this router; <c>null</c> = every speaker.</summary>
    [JsonPropertyName("nodeSelector")]
    public V1LabelSelector? NodeSelector { get; set; }

    [JsonPropertyName("ebgpMultihop")]
    public V1Alpha2EbgpMultihop? EbgpMultihop { get; set; }

    [JsonPropertyName("timers")]
    public V1Alpha2PeerTimers? Timers { get; set; }

    [JsonPropertyName("transport")]
    public V1Alpha2PeerTransport? Transport { get; set; }

    /// <summary>Display only: kept as raw JSON.</summary>
    [JsonPropertyName("gracefulRestart")]
    public JsonElement? GracefulRestart { get; set; }

    /// <summary>Display only: kept as raw JSON.</summary>
    [JsonPropertyName("afiSafis")]
    public JsonElement? AfiSafis { get; set; }
}

/// <summary><c>spec.conf</c> (GoBGP's PeerConf, minus the password).</summary>
public sealed class V1Alpha2PeerConf
{
    [JsonPropertyName("neighborAddress")]
    public string? NeighborAddress { get; set; }

    [JsonPropertyName("peerAs")]
    public long? PeerAs { get; set; }

    [JsonPropertyName("localAs")]
    public long? LocalAs { get; set; }

    [JsonPropertyName("adminDown")]
    public bool? AdminDown { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("peerGroup")]
    public string? PeerGroup { get; set; }

    [JsonPropertyName("peerType")]
    public long? PeerType { get; set; }

    [JsonPropertyName("neighborInterface")]
    public string? NeighborInterface { get; set; }

    [JsonPropertyName("vrf")]
    public string? Vrf { get; set; }
}

/// <summary><c>spec.ebgpMultihop</c>.</summary>
public sealed class V1Alpha2EbgpMultihop
{
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    [JsonPropertyName("multihopTtl")]
    public long? MultihopTtl { get; set; }
}

/// <summary><c>spec.timers</c>.</summary>
public sealed class V1Alpha2PeerTimers
{
    [JsonPropertyName("config")]
    public V1Alpha2PeerTimersConfig? Config { get; set; }
}

/// <summary><c>spec.timers.config</c>: upstream declares these as strings (seconds).</summary>
public sealed class V1Alpha2PeerTimersConfig
{
    [JsonPropertyName("connectRetry")]
    public string? ConnectRetry { get; set; }

    [JsonPropertyName("holdTime")]
    public string? HoldTime { get; set; }

    [JsonPropertyName("keepaliveInterval")]
    public string? KeepaliveInterval { get; set; }

    [JsonPropertyName("minimumAdvertisementInterval")]
    public string? MinimumAdvertisementInterval { get; set; }
}

/// <summary><c>spec.transport</c>.</summary>
public sealed class V1Alpha2PeerTransport
{
    [JsonPropertyName("mtuDiscovery")]
    public bool? MtuDiscovery { get; set; }

    [JsonPropertyName("passiveMode")]
    public bool? PassiveMode { get; set; }

    [JsonPropertyName("remoteAddress")]
    public string? RemoteAddress { get; set; }

    [JsonPropertyName("remotePort")]
    public long? RemotePort { get; set; }

    [JsonPropertyName("tcpMss")]
    public long? TcpMss { get; set; }
}

/// <summary><c>status</c> of a BgpPeer.</summary>
public sealed class V1Alpha2BgpPeerStatus
{
    /// <summary>
    /// Node name to the session the speaker on that node last wrote. Entries are never removed and carry no timestamp:
    /// a key without a live speaker is stale.
    /// </summary>
    [JsonPropertyName("nodesPeerStatus")]
    public IDictionary<string, V1Alpha2NodePeerStatus>? NodesPeerStatus { get; set; }
}
