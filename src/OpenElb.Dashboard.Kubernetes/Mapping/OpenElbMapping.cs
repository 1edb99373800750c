using System.Globalization;
using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Crds;

namespace OpenElb.Dashboard.Kubernetes.Mapping;

/// <summary>Maps OpenELB's v1alpha2 objects to Core records. Pure and thread-safe; never throws on status content.</summary>
public static class OpenElbMapping
{
    /// <summary>Maps a BgpPeer; sessions are sorted by node name (ordinal), as Core's topology merge expects.</summary>
    /// <remarks>
    /// A missing or unrecognised <c>sessionState</c>, or a malformed entry, maps to <see cref="BgpSessionState.Unknown"/>.
    /// Uptime/downtime are RFC3339 (GoBGP v3); a decimal string is read as Unix seconds (GoBGP v2), and zero or an
    /// unparsable value as absent. Message totals are <c>messages.received.total</c> / <c>sent.total</c> (0 when omitted).
    /// </remarks>
    public static BgpPeerInfo ToBgpPeerInfo(V1Alpha2BgpPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var conf = peer.Spec?.Conf;
        return new BgpPeerInfo(
            peer.Metadata?.Name ?? string.Empty,
            conf?.NeighborAddress ?? string.Empty,
            conf?.PeerAs ?? 0,
            conf?.AdminDown ?? false,
            ToLabelSelector(peer.Spec?.NodeSelector),
            ToSessions(peer.Status?.NodesPeerStatus),
            Description: MappingHelpers.NullIfEmpty(conf?.Description),
            ResourceVersion: peer.Metadata?.ResourceVersion);
    }

    /// <summary>Maps a BgpConf; <c>asPerRack</c> is sorted by rack (ordinal); empty strings become <c>null</c>.</summary>
    public static BgpConfInfo ToBgpConfInfo(V1Alpha2BgpConf conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        var spec = conf.Spec;
        var racks = spec?.AsPerRack is { Count: > 0 } map
            ? new EquatableArray<RackAs>([.. map.OrderBy(static e => e.Key, StringComparer.Ordinal).Select(static e => new RackAs(e.Key, e.Value))])
            : EquatableArray<RackAs>.Empty;
        return new BgpConfInfo(
            conf.Metadata?.Name ?? string.Empty,
            spec?.As ?? 0,
            MappingHelpers.NullIfEmpty(spec?.RouterId),
            spec?.ListenPort ?? 0,
            racks,
            MappingHelpers.NullIfEmpty(spec?.Policy));
    }

    /// <summary>Maps an Eip. Protocol: <c>layer2</c>, <c>vip</c>, else BGP (empty or unknown, as upstream's GetProtocol).</summary>
    public static EipInfo ToEipInfo(V1Alpha2Eip eip)
    {
        ArgumentNullException.ThrowIfNull(eip);
        var spec = eip.Spec;
        return new EipInfo(
            eip.Metadata?.Name ?? string.Empty,
            spec?.Address ?? string.Empty,
            spec?.Protocol switch
            {
                "layer2" => EipProtocol.Layer2,
                "vip" => EipProtocol.Vip,
                _ => EipProtocol.Bgp,
            },
            MappingHelpers.NullIfEmpty(spec?.Interface),
            spec?.Disable ?? false,
            eip.Status?.PoolSize ?? 0,
            eip.Status?.Usage ?? 0);
    }

    /// <summary>Maps a <c>metav1.LabelSelector</c>; <c>null</c> stays <c>null</c> (for a BgpPeer: every speaker).</summary>
    public static LabelSelector? ToLabelSelector(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }
        var expressions = selector.MatchExpressions is { Count: > 0 } list
            ? new EquatableArray<LabelSelectorRequirement>([.. list
                .Where(static r => r is not null)
                .Select(static r => new LabelSelectorRequirement(r.Key ?? string.Empty, r.OperatorProperty ?? string.Empty, MappingHelpers.Values(r.Values)))])
            : EquatableArray<LabelSelectorRequirement>.Empty;
        return new LabelSelector(MappingHelpers.Labels(selector.MatchLabels), expressions);
    }

    /// <summary>Parses GoBGP's session state name; anything else (including absent) is Unknown.</summary>
    internal static BgpSessionState ParseSessionState(string? state) => state?.ToUpperInvariant() switch
    {
        "IDLE" => BgpSessionState.Idle,
        "CONNECT" => BgpSessionState.Connect,
        "ACTIVE" => BgpSessionState.Active,
        "OPENSENT" => BgpSessionState.OpenSent,
        "OPENCONFIRM" => BgpSessionState.OpenConfirm,
        "ESTABLISHED" => BgpSessionState.Established,
        _ => BgpSessionState.Unknown,
    };

    /// <summary>Parses a timer timestamp: RFC3339, or Unix seconds; zero, negative or unparsable is <c>null</c>.</summary>
    internal static DateTimeOffset? ParseTimestamp(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds > 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            // proto3's zero Timestamp is the Unix epoch: "never".
            return parsed.ToUnixTimeSeconds() <= 0 ? null : parsed;
        }
        return null;
    }

    private static EquatableArray<PeerSession> ToSessions(IDictionary<string, V1Alpha2NodePeerStatus>? statuses)
    {
        if (statuses is null || statuses.Count == 0)
        {
            return EquatableArray<PeerSession>.Empty;
        }
        var sessions = new PeerSession[statuses.Count];
        var i = 0;
        foreach (var (node, status) in statuses)
        {
            sessions[i++] = ToSession(node, status);
        }
        Array.Sort(sessions, static (a, b) => string.CompareOrdinal(a.NodeName, b.NodeName));
        return new(sessions);
    }

    private static PeerSession ToSession(string node, V1Alpha2NodePeerStatus? status)
    {
        if (status is null || status.IsMalformed)
        {
            return new PeerSession(node, BgpSessionState.Unknown);
        }
        var peer = status.PeerState;
        var timers = status.TimersState;
        return new PeerSession(
            node,
            ParseSessionState(peer?.SessionState),
            MappingHelpers.NullIfEmpty(peer?.AdminState),
            ParseTimestamp(timers?.Uptime),
            ParseTimestamp(timers?.Downtime),
            peer?.Messages?.Received?.Total ?? 0,
            peer?.Messages?.Sent?.Total ?? 0);
    }
}
