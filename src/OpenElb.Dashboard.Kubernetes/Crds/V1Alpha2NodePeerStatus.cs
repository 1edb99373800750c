using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenElb.Dashboard.Kubernetes.Crds;

/// <summary>
/// One value of a BgpPeer's <c>status.nodesPeerStatus</c>: GoBGP's peer state and timers, as the speaker marshals them
/// with proto3 JSON (<c>jsonpb</c>).
/// </summary>
/// <remarks>
/// proto3 JSON omits default values (an absent <c>sessionState</c> means unknown, an absent <c>adminState</c> means
/// UP) and writes 64-bit counters as strings. The speakers, not the API server, write this map, so its shape is not
/// guaranteed: the converter reads every leaf leniently (a number where a string is expected, or the reverse) and an
/// entry whose shape is wrong deserializes with <see cref="IsMalformed"/> set instead of failing the whole object.
/// </remarks>
[JsonConverter(typeof(V1Alpha2NodePeerStatusConverter))]
public sealed class V1Alpha2NodePeerStatus
{
    public V1Alpha2PeerState? PeerState { get; set; }

    public V1Alpha2TimersState? TimersState { get; set; }

    /// <summary>Whether the entry was not a JSON object, or <c>peerState</c>/<c>timersState</c> were not objects.</summary>
    public bool IsMalformed { get; set; }
}

/// <summary><c>peerState</c>: GoBGP's PeerState, minus the password.</summary>
public sealed class V1Alpha2PeerState
{
    public string? NeighborAddress { get; set; }

    public long? PeerAs { get; set; }

    public long? LocalAs { get; set; }

    /// <summary>The remote router id.</summary>
    public string? RouterId { get; set; }

    /// <summary>IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM or ESTABLISHED; <c>null</c> when omitted (unknown).</summary>
    public string? SessionState { get; set; }

    /// <summary><c>null</c> when omitted (UP), or DOWN, PFX_CT.</summary>
    public string? AdminState { get; set; }

    public string? Description { get; set; }

    public long? Flops { get; set; }

    public V1Alpha2Messages? Messages { get; set; }
}

/// <summary><c>peerState.messages</c>.</summary>
public sealed class V1Alpha2Messages
{
    public V1Alpha2MessageCounters? Received { get; set; }

    public V1Alpha2MessageCounters? Sent { get; set; }
}

/// <summary>Message counters; upstream keeps them as the strings jsonpb writes, read here as numbers.</summary>
public sealed class V1Alpha2MessageCounters
{
    public long? Notification { get; set; }

    public long? Update { get; set; }

    public long? Open { get; set; }

    public long? Keepalive { get; set; }

    public long? Refresh { get; set; }

    public long? Discarded { get; set; }

    public long? Total { get; set; }

    public long? WithdrawUpdate { get; set; }

    public long? WithdrawPrefix { get; set; }
}

/// <summary><c>timersState</c>: all strings upstream.</summary>
public sealed class V1Alpha2TimersState
{
    public string? ConnectRetry { get; set; }

    public string? HoldTime { get; set; }

    public string? KeepaliveInterval { get; set; }

    public string? MinimumAdvertisementInterval { get; set; }

    public string? NegotiatedHoldTime { get; set; }

    /// <summary>RFC3339 (GoBGP v3 Timestamp) when the session came up.</summary>
    public string? Uptime { get; set; }

    /// <summary>RFC3339 when the session last went down.</summary>
    public string? Downtime { get; set; }
}

/// <summary>Reads a nodesPeerStatus entry without ever throwing on its content; writes it back in upstream's shape.</summary>
internal sealed class V1Alpha2NodePeerStatusConverter : JsonConverter<V1Alpha2NodePeerStatus>
{
    public override V1Alpha2NodePeerStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // ParseValue consumes exactly this value whatever its shape, so a bad entry cannot desynchronise the reader.
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new V1Alpha2NodePeerStatus { IsMalformed = root.ValueKind != JsonValueKind.Null };
        }

        var result = new V1Alpha2NodePeerStatus();
        if (root.TryGetProperty("peerState", out var peer))
        {
            if (peer.ValueKind == JsonValueKind.Object)
            {
                result.PeerState = ReadPeerState(peer);
            }
            else if (peer.ValueKind != JsonValueKind.Null)
            {
                result.IsMalformed = true;
            }
        }
        if (root.TryGetProperty("timersState", out var timers))
        {
            if (timers.ValueKind == JsonValueKind.Object)
            {
                result.TimersState = new V1Alpha2TimersState
                {
                    ConnectRetry = LenientJson.String(timers, "connectRetry"),
                    HoldTime = LenientJson.String(timers, "holdTime"),
                    KeepaliveInterval = LenientJson.String(timers, "keepaliveInterval"),
                    MinimumAdvertisementInterval = LenientJson.String(timers, "minimumAdvertisementInterval"),
                    NegotiatedHoldTime = LenientJson.String(timers, "negotiatedHoldTime"),
                    Uptime = LenientJson.String(timers, "uptime"),
                    Downtime = LenientJson.String(timers, "downtime"),
                };
            }
            else if (timers.ValueKind != JsonValueKind.Null)
            {
                result.IsMalformed = true;
            }
        }
        return result;
    }

    private static V1Alpha2PeerState ReadPeerState(JsonElement peer)
    {
        var state = new V1Alpha2PeerState
        {
            NeighborAddress = LenientJson.String(peer, "neighborAddress"),
            PeerAs = LenientJson.Int64(peer, "peerAs"),
            LocalAs = LenientJson.Int64(peer, "localAs"),
            RouterId = LenientJson.String(peer, "routerId"),
            SessionState = LenientJson.String(peer, "sessionState"),
            AdminState = LenientJson.String(peer, "adminState"),
            Description = LenientJson.String(peer, "description"),
            Flops = LenientJson.Int64(peer, "flops"),
        };
        if (peer.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Object)
        {
            state.Messages = new V1Alpha2Messages
            {
                Received = ReadCounters(messages, "received"),
                Sent = ReadCounters(messages, "sent"),
            };
        }
        return state;
    }

    private static V1Alpha2MessageCounters? ReadCounters(JsonElement messages, string name)
    {
        if (!messages.TryGetProperty(name, out var c) || c.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return new V1Alpha2MessageCounters
        {
            Notification = LenientJson.Int64(c, "notification"),
            Update = LenientJson.Int64(c, "update"),
            Open = LenientJson.Int64(c, "open"),
            Keepalive = LenientJson.Int64(c, "keepalive"),
            Refresh = LenientJson.Int64(c, "refresh"),
            Discarded = LenientJson.Int64(c, "discarded"),
            Total = LenientJson.Int64(c, "total"),
            WithdrawUpdate = LenientJson.Int64(c, "withdrawUpdate"),
            WithdrawPrefix = LenientJson.Int64(c, "withdrawPrefix"),
        };
    }

    public override void Write(Utf8JsonWriter writer, V1Alpha2NodePeerStatus value, JsonSerializerOptions options)
    {
        // Upstream's shape: omitted defaults, counters as strings (what jsonpb writes and the speakers store).
        writer.WriteStartObject();
        if (value.PeerState is { } p)
        {
            writer.WriteStartObject("peerState");
            WriteString(writer, "neighborAddress", p.NeighborAddress);
            WriteNumber(writer, "peerAs", p.PeerAs);
            WriteNumber(writer, "localAs", p.LocalAs);
            WriteString(writer, "routerId", p.RouterId);
            WriteString(writer, "sessionState", p.SessionState);
            WriteString(writer, "adminState", p.AdminState);
            WriteString(writer, "description", p.Description);
            WriteNumber(writer, "flops", p.Flops);
            if (p.Messages is { } m)
            {
                writer.WriteStartObject("messages");
                WriteCounters(writer, "received", m.Received);
                WriteCounters(writer, "sent", m.Sent);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        if (value.TimersState is { } t)
        {
            writer.WriteStartObject("timersState");
            WriteString(writer, "connectRetry", t.ConnectRetry);
            WriteString(writer, "holdTime", t.HoldTime);
            WriteString(writer, "keepaliveInterval", t.KeepaliveInterval);
            WriteString(writer, "minimumAdvertisementInterval", t.MinimumAdvertisementInterval);
            WriteString(writer, "negotiatedHoldTime", t.NegotiatedHoldTime);
            WriteString(writer, "uptime", t.Uptime);
            WriteString(writer, "downtime", t.Downtime);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteCounters(Utf8JsonWriter writer, string name, V1Alpha2MessageCounters? c)
    {
        if (c is null)
        {
            return;
        }
        writer.WriteStartObject(name);
        WriteCounter(writer, "notification", c.Notification);
        WriteCounter(writer, "update", c.Update);
        WriteCounter(writer, "open", c.Open);
        WriteCounter(writer, "keepalive", c.Keepalive);
        WriteCounter(writer, "refresh", c.Refresh);
        WriteCounter(writer, "discarded", c.Discarded);
        WriteCounter(writer, "total", c.Total);
        WriteCounter(writer, "withdrawUpdate", c.WithdrawUpdate);
        WriteCounter(writer, "withdrawPrefix", c.WithdrawPrefix);
        writer.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v and not 0)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void WriteCounter(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v and not 0)
        {
            writer.WriteString(name, v.ToString(CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>Tolerant readers for JSON written by other programs: wrong kinds read as <c>null</c>, never throw.</summary>
internal static class LenientJson
{
    /// <summary>A string property; numbers and booleans are rendered as their JSON text.</summary>
    public static string? String(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    /// <summary>An integer property written as a number or as a decimal string (proto3 JSON's 64-bit form).</summary>
    public static long? Int64(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }
}
