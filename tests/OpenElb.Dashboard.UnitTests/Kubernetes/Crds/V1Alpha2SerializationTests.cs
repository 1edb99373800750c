using System.Text.Json;
using k8s;
using OpenElb.Dashboard.Kubernetes.Crds;
using OpenElb.Dashboard.UnitTests.Kubernetes.Mapping;

namespace OpenElb.Dashboard.UnitTests.Kubernetes.Crds;

public class V1Alpha2SerializationTests
{
    [Fact]
    public void Constants_Kinds_MatchUpstreamCrds()
    {
        Assert.Equal("network.kubesphere.io", V1Alpha2BgpPeer.Group);
        Assert.Equal("v1alpha2", V1Alpha2BgpPeer.Version);
        Assert.Equal(("bgppeers", "BgpPeer"), (V1Alpha2BgpPeer.Plural, V1Alpha2BgpPeer.KubeKind));
        Assert.Equal(("bgpconfs", "BgpConf"), (V1Alpha2BgpConf.Plural, V1Alpha2BgpConf.KubeKind));
        Assert.Equal(("eips", "Eip"), (V1Alpha2Eip.Plural, V1Alpha2Eip.KubeKind));
        Assert.Equal("network.kubesphere.io/v1alpha2", new V1Alpha2Eip().ApiVersion);
    }

    [Fact]
    public void Deserialize_BgpPeer_SecretNotRetained()
    {
        var peer = KubernetesJson.Deserialize<V1Alpha2BgpPeer>(OpenElbMappingTests.BgpPeerJson);

        var json = KubernetesJson.Serialize(peer);

        Assert.DoesNotContain("s3cr3t", json, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, peer.Spec!.AfiSafis!.Value.ValueKind);
    }

    [Fact]
    public void Serialize_NodePeerStatus_UpstreamShapeRoundTrips()
    {
        var peer = KubernetesJson.Deserialize<V1Alpha2BgpPeer>(OpenElbMappingTests.BgpPeerJson);

        var json = KubernetesJson.Serialize(peer);
        var again = KubernetesJson.Deserialize<V1Alpha2BgpPeer>(json);

        using var document = JsonDocument.Parse(json);
        var node2 = document.RootElement.GetProperty("status").GetProperty("nodesPeerStatus").GetProperty("node2");
        Assert.Equal("213", node2.GetProperty("peerState").GetProperty("messages").GetProperty("received").GetProperty("total").GetString());
        Assert.False(node2.GetProperty("peerState").TryGetProperty("adminState", out _));
        Assert.Equal("2024-05-01T09:58:31Z", node2.GetProperty("timersState").GetProperty("uptime").GetString());
        var status = again.Status!.NodesPeerStatus!["node2"];
        Assert.Equal("ESTABLISHED", status.PeerState!.SessionState);
        Assert.Equal(210, status.PeerState.Messages!.Sent!.Total);
        Assert.Equal("90", status.TimersState!.NegotiatedHoldTime);
    }

    [Fact]
    public void Deserialize_List_ItemsAndContinue()
    {
        var list = KubernetesJson.Deserialize<V1Alpha2EipList>("""
            { "apiVersion": "network.kubesphere.io/v1alpha2", "kind": "EipList",
              "metadata": { "resourceVersion": "55", "continue": "abc" },
              "items": [ { "metadata": { "name": "a" }, "spec": { "address": "10.0.0.0/24" } }, { "metadata": { "name": "b" } } ] }
            """);

        Assert.Equal(["a", "b"], list.Items.Select(static e => e.Metadata.Name));
        Assert.Equal("55", list.Metadata.ResourceVersion);
        Assert.Equal("abc", list.Metadata.ContinueProperty);
    }

    [Fact]
    public void Deserialize_MalformedEntry_FlaggedAndSiblingsParsed()
    {
        var status = KubernetesJson.Deserialize<V1Alpha2BgpPeerStatus>("""
            { "nodesPeerStatus": { "x": [ { "nested": true } ], "y": { "peerState": { "sessionState": "IDLE", "peerAs": "65001" } } } }
            """);

        Assert.True(status.NodesPeerStatus!["x"].IsMalformed);
        Assert.False(status.NodesPeerStatus["y"].IsMalformed);
        Assert.Equal(65001, status.NodesPeerStatus["y"].PeerState!.PeerAs);
    }
}
