using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Mapping;

namespace OpenElb.Dashboard.UnitTests.Kubernetes.Mapping;

public class NodeMappingTests
{
    private const string NodeJson = """
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": {
            "name": "node1",
            "resourceVersion": "4711",
            "labels": { "kubernetes.io/os": "linux", "openelb.kubesphere.io/rack": "leaf1", "topology.kubernetes.io/zone": "z1" }
          },
          "spec": {
            "unschedulable": true,
            "taints": [
              { "key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule" },
              { "key": "openelb-speaker", "value": "true", "effect": "NoExecute", "timeAdded": "2024-01-01T00:00:00Z" },
              { "key": "soft", "value": "x", "effect": "PreferNoSchedule" }
            ]
          },
          "status": {
            "addresses": [
              { "type": "Hostname", "address": "node1" },
              { "type": "InternalIP", "address": "10.0.0.11" },
              { "type": "InternalIP", "address": "fd00::11" }
            ],
            "conditions": [
              { "type": "MemoryPressure", "status": "False" },
              { "type": "Ready", "status": "True" }
            ]
          }
        }
        """;

    [Fact]
    public void ToNodeInfo_RealisticJson_MapsEveryField()
    {
        var node = KubernetesJson.Deserialize<V1Node>(NodeJson);

        var info = NodeMapping.ToNodeInfo(node);

        Assert.Equal("node1", info.Name);
        Assert.Equal(LabelSet.Of(("kubernetes.io/os", "linux"), ("openelb.kubesphere.io/rack", "leaf1"), ("topology.kubernetes.io/zone", "z1")), info.Labels);
        Assert.Equal(
            EquatableArray.Create(
                new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule),
                new Taint("openelb-speaker", "true", TaintEffect.NoExecute),
                new Taint("soft", "x", TaintEffect.PreferNoSchedule)),
            info.Taints);
        Assert.True(info.Ready);
        Assert.True(info.Unschedulable);
        Assert.Equal("10.0.0.11", info.InternalIp);
        Assert.Equal("4711", info.ResourceVersion);
        Assert.Equal("z1", info.Zone);
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("False", false)]
    [InlineData("Unknown", false)]
    [InlineData(null, false)]
    public void ToNodeInfo_ReadyCondition_ReadyOnlyWhenTrue(string? status, bool expected)
    {
        var conditions = status is null ? null : new List<V1NodeCondition> { new() { Type = "Ready", Status = status } };
        var node = new V1Node { Metadata = new V1ObjectMeta { Name = "n" }, Status = new V1NodeStatus { Conditions = conditions } };

        Assert.Equal(expected, NodeMapping.ToNodeInfo(node).Ready);
    }

    [Fact]
    public void ToNodeInfo_UnknownTaintEffect_Skipped()
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "n" },
            Spec = new V1NodeSpec
            {
                Taints = [new V1Taint { Key = "a", Effect = "NoSchedule" }, new V1Taint { Key = "b", Effect = "SomeFutureEffect" }],
            },
        };

        var info = NodeMapping.ToNodeInfo(node);

        Assert.Equal(EquatableArray.Create(new Taint("a", "", TaintEffect.NoSchedule)), info.Taints);
    }

    [Fact]
    public void ToNodeInfo_BareNode_Defaults()
    {
        var info = NodeMapping.ToNodeInfo(new V1Node { Metadata = new V1ObjectMeta { Name = "bare" } });

        Assert.Equal("bare", info.Name);
        Assert.Equal(LabelSet.Empty, info.Labels);
        Assert.True(info.Taints.IsEmpty);
        Assert.False(info.Ready);
        Assert.False(info.Unschedulable);
        Assert.Null(info.InternalIp);
        Assert.Null(info.ResourceVersion);
    }
}
