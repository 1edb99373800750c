using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Crds;
using OpenElb.Dashboard.Kubernetes.Mapping;

namespace OpenElb.Dashboard.UnitTests.Kubernetes.Mapping;

public class OpenElbMappingTests
{
    // A BgpPeer as OpenELB 0.6 speakers leave it: proto3 JSON (jsonpb) in each entry, so counters are strings and
    // defaults are omitted (node3 never got past IDLE: no sessionState-less fields, no messages; node4 reports nothing).
    internal const string BgpPeerJson = """
        {
          "apiVersion": "network.kubesphere.io/v1alpha2",
          "kind": "BgpPeer",
          "metadata": { "name": "leaf1", "resourceVersion": "321" },
          "spec": {
            "conf": { "peerAs": 65001, "neighborAddress": "172.22.0.2", "description": "leaf switch 1", "authPassword": "s3cr3t" },
            "afiSafis": [ { "config": { "family": { "afi": "AFI_IP", "safi": "SAFI_UNICAST" }, "enabled": true } } ],
            "nodeSelector": {
              "matchLabels": { "openelb.kubesphere.io/rack": "leaf1" },
              "matchExpressions": [ { "key": "openelb-speaker", "operator": "Exists" } ]
            }
          },
          "status": {
            "nodesPeerStatus": {
              "node2": {
                "peerState": {
                  "neighborAddress": "172.22.0.2", "peerAs": 65001, "routerId": "172.22.0.2",
                  "sessionState": "ESTABLISHED", "flops": 1,
                  "messages": {
                    "received": { "open": "1", "update": "4", "keepalive": "208", "total": "213" },
                    "sent": { "open": "1", "keepalive": "209", "total": "210" }
                  },
                  "queues": {}
                },
                "timersState": {
                  "connectRetry": "120", "holdTime": "90", "keepaliveInterval": "30",
                  "negotiatedHoldTime": "90", "uptime": "2024-05-01T09:58:31Z", "downtime": "2024-05-01T09:50:02Z"
                }
              },
              "node1": {
                "peerState": { "neighborAddress": "172.22.0.2", "peerAs": 65001, "sessionState": "ACTIVE", "adminState": "DOWN",
                  "messages": { "received": { "total": 7 }, "sent": {} } },
                "timersState": { "connectRetry": "120", "holdTime": "90", "keepaliveInterval": "30" }
              },
              "node3": { "peerState": { "neighborAddress": "172.22.0.2", "peerAs": 65001 }, "timersState": {} },
              "node4": {}
            }
          }
        }
        """;

    [Fact]
    public void ToBgpPeerInfo_Proto3Status_MapsEveryField()
    {
        var peer = KubernetesJson.Deserialize<V1Alpha2BgpPeer>(BgpPeerJson);

        var info = OpenElbMapping.ToBgpPeerInfo(peer);

        Assert.Equal("leaf1", info.Name);
        Assert.Equal("172.22.0.2", info.NeighborAddress);
        Assert.Equal(65001, info.PeerAs);
        Assert.False(info.AdminDown);
        Assert.Equal("leaf switch 1", info.Description);
        Assert.Equal("321", info.ResourceVersion);
        Assert.Equal(
            new LabelSelector(
                LabelSet.Of(("openelb.kubesphere.io/rack", "leaf1")),
                EquatableArray.Create(LabelSelectorRequirement.Of("openelb-speaker", "Exists"))),
            info.NodeSelector);
        Assert.Equal(
            EquatableArray.Create(
                new PeerSession("node1", BgpSessionState.Active, AdminState: "DOWN", MessagesReceived: 7),
                new PeerSession(
                    "node2",
                    BgpSessionState.Established,
                    Uptime: new DateTimeOffset(2024, 5, 1, 9, 58, 31, TimeSpan.Zero),
                    Downtime: new DateTimeOffset(2024, 5, 1, 9, 50, 2, TimeSpan.Zero),
                    MessagesReceived: 213,
                    MessagesSent: 210),
                new PeerSession("node3", BgpSessionState.Unknown),
                new PeerSession("node4", BgpSessionState.Unknown)),
            info.Sessions);
    }

    [Fact]
    public void ToBgpPeerInfo_MalformedEntries_UnknownWithoutThrowing()
    {
        var peer = KubernetesJson.Deserialize<V1Alpha2BgpPeer>("""
            {
              "apiVersion": "network.kubesphere.io/v1alpha2", "kind": "BgpPeer",
              "metadata": { "name": "p" },
              "spec": { "conf": { "peerAs": 65001, "neighborAddress": "10.0.0.1", "adminDown": true } },
              "status": { "nodesPeerStatus": {
                "b": "garbage",
                "a": { "peerState": "ESTABLISHED" },
                "c": { "peerState": { "sessionState": 6, "messages": { "received": { "total": "lots" } } }, "timersState": { "uptime": "yesterday" } },
                "d": { "peerState": { "sessionState": "ESTABLISHED" }, "timersState": [ 1, 2 ] },
                "e": null,
                "f": { "peerState": { "sessionState": "established", "messages": { "sent": { "total": "18446744073709551615" } } }, "timersState": { "uptime": "1714557511" } }
              } }
            }
            """);

        var info = OpenElbMapping.ToBgpPeerInfo(peer);

        Assert.True(info.AdminDown);
        Assert.Null(info.NodeSelector);
        Assert.Equal(
            EquatableArray.Create(
                new PeerSession("a", BgpSessionState.Unknown),
                new PeerSession("b", BgpSessionState.Unknown),
                new PeerSession("c", BgpSessionState.Unknown),
                new PeerSession("d", BgpSessionState.Unknown),
                new PeerSession("e", BgpSessionState.Unknown),
                new PeerSession("f", BgpSessionState.Established, Uptime: DateTimeOffset.FromUnixTimeSeconds(1714557511))),
            info.Sessions);
    }

    [Theory]
    [InlineData("IDLE", BgpSessionState.Idle)]
    [InlineData("CONNECT", BgpSessionState.Connect)]
    [InlineData("ACTIVE", BgpSessionState.Active)]
    [InlineData("OPENSENT", BgpSessionState.OpenSent)]
    [InlineData("OPENCONFIRM", BgpSessionState.OpenConfirm)]
    [InlineData("ESTABLISHED", BgpSessionState.Established)]
    [InlineData("UNKNOWN", BgpSessionState.Unknown)]
    [InlineData("", BgpSessionState.Unknown)]
    [InlineData(null, BgpSessionState.Unknown)]
    [InlineData("SESSION_STATE_ESTABLISHED", BgpSessionState.Unknown)]
    public void ParseSessionState_GoBgpNames_Mapped(string? state, BgpSessionState expected)
    {
        Assert.Equal(expected, OpenElbMapping.ParseSessionState(state));
    }

    [Theory]
    [InlineData("2024-05-01T09:58:31Z", "2024-05-01T09:58:31+00:00")]
    [InlineData("2024-05-01T11:58:31.5+02:00", "2024-05-01T09:58:31.5+00:00")]
    [InlineData("1714557511", "2024-05-01T09:58:31+00:00")]
    [InlineData("0", null)]
    [InlineData("1970-01-01T00:00:00Z", null)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ParseTimestamp_Rfc3339OrUnixSeconds_Parsed(string? value, string? expected)
    {
        var parsed = OpenElbMapping.ParseTimestamp(value);

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), parsed);
    }

    [Fact]
    public void ToBgpConfInfo_Spec_MapsEveryFieldRacksSorted()
    {
        var conf = KubernetesJson.Deserialize<V1Alpha2BgpConf>("""
            {
              "apiVersion": "network.kubesphere.io/v1alpha2", "kind": "BgpConf",
              "metadata": { "name": "default" },
              "spec": { "as": 50000, "listenPort": 17900, "routerId": "", "policy": "bgp-policy",
                        "asPerRack": { "leaf2": 65102, "leaf10": 65110, "leaf1": 65101 } },
              "status": { "nodesConfStatus": { "node1": { "routerId": "10.0.0.11", "as": 50000 } } }
            }
            """);

        var info = OpenElbMapping.ToBgpConfInfo(conf);

        Assert.Equal(
            new BgpConfInfo(
                "default",
                50000,
                null,
                17900,
                EquatableArray.Create(new RackAs("leaf1", 65101), new RackAs("leaf10", 65110), new RackAs("leaf2", 65102)),
                "bgp-policy"),
            info);
        Assert.Equal("10.0.0.11", conf.Status!.NodesConfStatus!["node1"].RouterId);
    }

    [Fact]
    public void ToBgpConfInfo_EmptySpec_Defaults()
    {
        var info = OpenElbMapping.ToBgpConfInfo(new V1Alpha2BgpConf { Metadata = new V1ObjectMeta { Name = "default" } });

        Assert.Equal(new BgpConfInfo("default", 0, null, 0, EquatableArray<RackAs>.Empty), info);
    }

    [Theory]
    [InlineData(null, EipProtocol.Bgp)]
    [InlineData("", EipProtocol.Bgp)]
    [InlineData("bgp", EipProtocol.Bgp)]
    [InlineData("layer2", EipProtocol.Layer2)]
    [InlineData("vip", EipProtocol.Vip)]
    [InlineData("Layer2", EipProtocol.Bgp)]
    public void ToEipInfo_Protocol_UpstreamDefaulting(string? protocol, EipProtocol expected)
    {
        var eip = new V1Alpha2Eip { Metadata = new V1ObjectMeta { Name = "e" }, Spec = new V1Alpha2EipSpec { Address = "10.0.0.1", Protocol = protocol } };

        Assert.Equal(expected, OpenElbMapping.ToEipInfo(eip).Protocol);
    }

    [Fact]
    public void ToEipInfo_RealisticJson_MapsEveryField()
    {
        var eip = KubernetesJson.Deserialize<V1Alpha2Eip>("""
            {
              "apiVersion": "network.kubesphere.io/v1alpha2", "kind": "Eip",
              "metadata": { "name": "eip-l2", "annotations": { "eip.openelb.kubesphere.io/is-default-eip": "true" } },
              "spec": { "address": "192.168.0.91-192.168.0.100", "protocol": "layer2", "interface": "eth0", "disable": true,
                        "priority": 10, "namespaces": [ "default" ] },
              "status": { "occupied": false, "usage": 2, "poolSize": 10, "used": { "192.168.0.91": "default/svc-a" },
                          "firstIP": "192.168.0.91", "lastIP": "192.168.0.100", "ready": true, "v4": true }
            }
            """);

        var info = OpenElbMapping.ToEipInfo(eip);

        Assert.Equal(new EipInfo("eip-l2", "192.168.0.91-192.168.0.100", EipProtocol.Layer2, "eth0", Disabled: true, PoolSize: 10, Usage: 2), info);
        Assert.Equal("default/svc-a", eip.Status!.Used!["192.168.0.91"]);
        Assert.Equal(10, eip.Spec!.Priority);
    }
}
