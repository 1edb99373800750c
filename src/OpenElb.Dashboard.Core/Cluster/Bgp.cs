namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>
/// A Kubernetes label selector (<c>metav1.LabelSelector</c>): <c>matchLabels</c> and <c>matchExpressions</c> are ANDed.
/// An empty selector matches every node; an invalid one matches none.
/// </summary>
/// <param name="MatchLabels">Exact key/value pairs.</param>
/// <param name="MatchExpressions">Requirements with In/NotIn/Exists/DoesNotExist.</param>
public sealed record LabelSelector(LabelSet MatchLabels, EquatableArray<LabelSelectorRequirement> MatchExpressions)
{
    /// <summary>A selector of <c>matchLabels</c> only.</summary>
    public static LabelSelector ForLabels(params (string Key, string Value)[] labels) =>
        new(LabelSet.Of(labels), EquatableArray<LabelSelectorRequirement>.Empty);

    /// <summary>Whether the selector has neither labels nor expressions (and so matches everything).</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.IsEmpty;
}

/// <summary>A label selector requirement; the operator is the raw string from the API.</summary>
/// <param name="Key">Label key.</param>
/// <param name="Operator">In, NotIn, Exists or DoesNotExist (anything else is invalid).</param>
/// <param name="Values">Values (In/NotIn: at least one; Exists/DoesNotExist: none).</param>
public sealed record LabelSelectorRequirement(string Key, string Operator, EquatableArray<string> Values)
{
    /// <summary>Creates a requirement.</summary>
    public static LabelSelectorRequirement Of(string key, string op, params string[] values) => new(key, op, new([.. values]));
}

/// <summary>BGP session states as GoBGP reports them in <c>peerState.sessionState</c>.</summary>
public enum BgpSessionState
{
    /// <summary>No state reported (proto3 omits the default), or no entry at all.</summary>
    Unknown,

    /// <summary>IDLE.</summary>
    Idle,

    /// <summary>CONNECT.</summary>
    Connect,

    /// <summary>ACTIVE.</summary>
    Active,

    /// <summary>OPENSENT.</summary>
    OpenSent,

    /// <summary>OPENCONFIRM.</summary>
    OpenConfirm,

    /// <summary>ESTABLISHED: the only state that carries routes.</summary>
    Established,
}

/// <summary>
/// One entry of a BgpPeer's <c>status.nodesPeerStatus</c>: the session the speaker on <paramref name="NodeName"/> last
/// reported. Entries are never removed and carry no timestamp, so an entry may be stale.
/// </summary>
/// <param name="NodeName">The map key: the speaker's node.</param>
/// <param name="State">Session state.</param>
/// <param name="AdminState">Raw admin state (<c>null</c> = UP, or DOWN, PFX_CT).</param>
/// <param name="Uptime">timersState.uptime.</param>
/// <param name="Downtime">timersState.downtime.</param>
/// <param name="MessagesReceived">Total messages received.</param>
/// <param name="MessagesSent">Total messages sent.</param>
public sealed record PeerSession(
    string NodeName,
    BgpSessionState State,
    string? AdminState = null,
    DateTimeOffset? Uptime = null,
    DateTimeOffset? Downtime = null,
    long MessagesReceived = 0,
    long MessagesSent = 0);

/// <summary>A BgpPeer (<c>network.kubesphere.io/v1alpha2</c>): one router neighbour.</summary>
/// <param name="Name">Object name.</param>
/// <param name="NeighborAddress">spec.conf.neighborAddress: the router's identity.</param>
/// <param name="PeerAs">spec.conf.peerAs.</param>
/// <param name="AdminDown">spec.conf.adminDown.</param>
/// <param name="NodeSelector">spec.nodeSelector; <c>null</c> = every speaker peers with this router.</param>
/// <param name="Sessions">status.nodesPeerStatus, sorted by node name.</param>
/// <param name="Description">spec.conf.description.</param>
/// <param name="ResourceVersion">The resourceVersion the record was read at.</param>
public sealed record BgpPeerInfo(
    string Name,
    string NeighborAddress,
    long PeerAs,
    bool AdminDown,
    LabelSelector? NodeSelector,
    EquatableArray<PeerSession> Sessions,
    string? Description = null,
    string? ResourceVersion = null);

/// <summary>The BgpConf named <c>default</c>: the speakers' own BGP settings.</summary>
/// <param name="Name">Object name (only <c>default</c> is used by OpenELB).</param>
/// <param name="As">spec.as.</param>
/// <param name="RouterId">spec.routerId; <c>null</c> = each node's InternalIP.</param>
/// <param name="ListenPort">spec.listenPort.</param>
/// <param name="AsPerRack">spec.asPerRack (rack label value to AS), sorted by rack; when empty, next hops are not filtered per rack.</param>
/// <param name="Policy">spec.policy (a ConfigMap name).</param>
public sealed record BgpConfInfo(
    string Name,
    long As,
    string? RouterId,
    int ListenPort,
    EquatableArray<RackAs> AsPerRack,
    string? Policy = null);

/// <summary>One entry of BgpConf <c>spec.asPerRack</c>.</summary>
/// <param name="Rack">The rack label value.</param>
/// <param name="As">The AS the speakers in that rack use.</param>
public sealed record RackAs(string Rack, long As);

/// <summary>How an Eip's addresses are announced.</summary>
public enum EipProtocol
{
    /// <summary>BGP (the default when spec.protocol is empty).</summary>
    Bgp,

    /// <summary>Layer 2 (ARP/NDP) on spec.interface.</summary>
    Layer2,

    /// <summary>keepalived VIP on spec.interface.</summary>
    Vip,
}

/// <summary>An Eip address pool.</summary>
/// <param name="Name">Object name.</param>
/// <param name="Address">spec.address: an IP, a CIDR or an <c>a-b</c> range.</param>
/// <param name="Protocol">spec.protocol.</param>
/// <param name="Interface">spec.interface (Layer2/VIP).</param>
/// <param name="Disabled">spec.disable.</param>
/// <param name="PoolSize">status.poolSize.</param>
/// <param name="Usage">status.usage.</param>
public sealed record EipInfo(
    string Name,
    string Address,
    EipProtocol Protocol,
    string? Interface = null,
    bool Disabled = false,
    int PoolSize = 0,
    int Usage = 0);
