using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Mapping;

namespace OpenElb.Dashboard.UnitTests.Kubernetes.Mapping;

public class WorkloadMappingTests
{
    // The speaker DaemonSet as OpenELB 0.6's deploy/openelb.yaml ships it (as JSON), with a status as a cluster reports it.
    private const string KubectlManifestDaemonSet = """
        {
          "apiVersion": "apps/v1",
          "kind": "DaemonSet",
          "metadata": {
            "labels": { "app": "openelb", "component": "speaker" },
            "name": "openelb-speaker",
            "namespace": "openelb-system",
            "generation": 3,
            "resourceVersion": "9001"
          },
          "spec": {
            "selector": { "matchLabels": { "app": "openelb", "component": "speaker" } },
            "template": {
              "metadata": { "labels": { "app": "openelb", "component": "speaker" } },
              "spec": {
                "containers": [ {
                  "args": [ "--api-hosts=:50051", "--enable-keepalived-vip=false", "--enable-layer2=false" ],
                  "command": [ "openelb-speaker" ],
                  "image": "kubesphere/openelb-speaker:v0.6.0",
                  "name": "openelb-speaker",
                  "securityContext": { "capabilities": { "add": [ "NET_ADMIN", "SYS_TIME", "NET_RAW", "NET_BIND_SERVICE" ] } }
                } ],
                "hostNetwork": true,
                "nodeSelector": { "kubernetes.io/os": "linux" },
                "serviceAccountName": "openelb-speaker",
                "terminationGracePeriodSeconds": 10,
                "tolerations": [
                  { "effect": "NoSchedule", "key": "node-role.kubernetes.io/master", "operator": "Exists" },
                  { "effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists" }
                ]
              }
            }
          },
          "status": {
            "currentNumberScheduled": 6, "desiredNumberScheduled": 6, "numberMisscheduled": 0,
            "numberReady": 5, "observedGeneration": 2, "updatedNumberScheduled": 4
          }
        }
        """;

    [Fact]
    public void ToSpeaker_KubectlManifest_MapsEveryField()
    {
        var ds = KubernetesJson.Deserialize<V1DaemonSet>(KubectlManifestDaemonSet);

        var speaker = WorkloadMapping.ToSpeaker(ds);

        Assert.Equal(
            new SpeakerDaemonSet(
                "openelb-system",
                "openelb-speaker",
                SpeakerPlacement.KubectlManifestDefault,
                SpeakerWorkloadKind.DaemonSet,
                HostNetwork: true,
                HelmRelease: null,
                Generation: 3,
                ObservedGeneration: 2,
                DesiredScheduled: 6,
                CurrentScheduled: 6,
                Ready: 5,
                Updated: 4,
                ResourceVersion: "9001"),
            speaker);
        Assert.True(speaker.RolloutPending);
        Assert.True(WorkloadMapping.IsSpeakerDaemonSet(ds));
    }

    [Theory]
    [InlineData("openelb", "speaker", true)]
    [InlineData("openelb", "controller", false)]
    [InlineData("openelb-manager", "speaker", false)]
    [InlineData(null, "speaker", false)]
    [InlineData("openelb", null, false)]
    public void IsSpeakerDaemonSet_Labels_MatchesAppAndComponent(string? app, string? component, bool expected)
    {
        var labels = new Dictionary<string, string>();
        if (app is not null)
        {
            labels["app"] = app;
        }
        if (component is not null)
        {
            labels["component"] = component;
        }
        var ds = new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "any-name", Labels = labels } };

        Assert.Equal(expected, WorkloadMapping.IsSpeakerDaemonSet(ds));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("Helm", null, "")]
    [InlineData("Helm", "my-openelb", "my-openelb")]
    [InlineData(null, "from-annotation", "from-annotation")]
    public void ToSpeaker_HelmMarkers_HelmRelease(string? managedBy, string? releaseName, string? expected)
    {
        var labels = new Dictionary<string, string> { ["app"] = "openelb", ["component"] = "speaker" };
        var annotations = new Dictionary<string, string>();
        if (managedBy is not null)
        {
            labels["app.kubernetes.io/managed-by"] = managedBy;
            if (releaseName is not null)
            {
                labels["app.kubernetes.io/instance"] = releaseName;
            }
        }
        else if (releaseName is not null)
        {
            annotations["meta.helm.sh/release-name"] = releaseName;
        }
        var ds = new V1DaemonSet { Metadata = new V1ObjectMeta { Name = "r-speaker", Labels = labels, Annotations = annotations } };

        var speaker = WorkloadMapping.ToSpeaker(ds);

        Assert.Equal(expected, speaker.HelmRelease);
        Assert.Equal(expected is not null, speaker.HelmManaged);
    }

    [Fact]
    public void ToPlacement_AffinityAndTolerations_KeepsOperatorsAndSeconds()
    {
        var spec = new V1PodSpec
        {
            NodeSelector = new Dictionary<string, string> { ["openelb-speaker"] = "true" },
            Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new V1NodeSelectorTerm
                            {
                                MatchExpressions =
                                [
                                    new V1NodeSelectorRequirement { Key = "openelb.kubesphere.io/rack", OperatorProperty = "In", Values = ["leaf1", "leaf2"] },
                                    new V1NodeSelectorRequirement { Key = "x", OperatorProperty = "Sometimes" },
                                ],
                            },
                            new V1NodeSelectorTerm
                            {
                                MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["node9"] }],
                            },
                        ],
                    },
                },
            },
            Tolerations =
            [
                new V1Toleration { Key = "openelb-speaker", Value = "true", Effect = "NoSchedule" },
                new V1Toleration { OperatorProperty = "Exists" },
                new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                new V1Toleration { Key = "bad-operator", OperatorProperty = "Matches" },
                new V1Toleration { Key = "bad-effect", OperatorProperty = "Exists", Effect = "Sometimes" },
            ],
        };

        var placement = WorkloadMapping.ToPlacement(spec);

        Assert.Equal(LabelSet.Of(("openelb-speaker", "true")), placement.NodeSelector);
        Assert.Equal(
            EquatableArray.Create(
                NodeSelectorTerm.Of(
                    NodeSelectorRequirement.Of("openelb.kubesphere.io/rack", "In", "leaf1", "leaf2"),
                    NodeSelectorRequirement.Of("x", "Sometimes")),
                new NodeSelectorTerm(
                    EquatableArray<NodeSelectorRequirement>.Empty,
                    EquatableArray.Create(NodeSelectorRequirement.Of("metadata.name", "In", "node9")))),
            placement.RequiredNodeAffinity);
        Assert.Equal(
            EquatableArray.Create(
                new Toleration("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule),
                new Toleration("", TolerationOperator.Exists),
                new Toleration("node.kubernetes.io/unreachable", TolerationOperator.Exists, "", TaintEffect.NoExecute, 300)),
            placement.Tolerations);
    }

    [Fact]
    public void ToPlacement_NoRequiredAffinity_Null()
    {
        var spec = new V1PodSpec
        {
            Affinity = new V1Affinity { NodeAffinity = new V1NodeAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [] } },
        };

        var placement = WorkloadMapping.ToPlacement(spec);

        Assert.Null(placement.RequiredNodeAffinity);
        Assert.Equal(SpeakerPlacement.Unrestricted, placement);
    }

    [Fact]
    public void ToPlacement_EmptyTermList_EmptyNotNull()
    {
        var spec = new V1PodSpec
        {
            Affinity = new V1Affinity { NodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [] } } },
        };

        var placement = WorkloadMapping.ToPlacement(spec);

        Assert.NotNull(placement.RequiredNodeAffinity);
        Assert.True(placement.RequiredNodeAffinity.Value.IsEmpty);
    }

    [Fact]
    public void ToLegacySpeaker_ManagerDeployment_ReplicasAsDesired()
    {
        var deployment = KubernetesJson.Deserialize<V1Deployment>("""
            {
              "apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": { "name": "openelb-manager", "namespace": "openelb-system", "labels": { "app": "openelb-manager" }, "generation": 2, "resourceVersion": "77" },
              "spec": {
                "replicas": 2,
                "selector": { "matchLabels": { "app": "openelb-manager" } },
                "template": {
                  "metadata": { "labels": { "app": "openelb-manager" } },
                  "spec": {
                    "hostNetwork": true,
                    "nodeSelector": { "kubernetes.io/os": "linux", "lb.kubesphere.io/v1alpha1": "openelb" },
                    "containers": [ { "name": "openelb-manager", "image": "kubesphere/openelb:v0.5.1" } ]
                  }
                }
              },
              "status": { "observedGeneration": 2, "replicas": 2, "readyReplicas": 1, "updatedReplicas": 2 }
            }
            """);

        var speaker = WorkloadMapping.ToLegacySpeaker(deployment);

        Assert.True(WorkloadMapping.IsLegacyManager(deployment));
        Assert.Equal(
            new SpeakerDaemonSet(
                "openelb-system",
                "openelb-manager",
                new SpeakerPlacement(
                    LabelSet.Of(("kubernetes.io/os", "linux"), ("lb.kubesphere.io/v1alpha1", "openelb")),
                    null,
                    EquatableArray<Toleration>.Empty),
                SpeakerWorkloadKind.LegacyManagerDeployment,
                HostNetwork: true,
                HelmRelease: null,
                Generation: 2,
                ObservedGeneration: 2,
                DesiredScheduled: 2,
                CurrentScheduled: 2,
                Ready: 1,
                Updated: 2,
                ResourceVersion: "77"),
            speaker);
    }

    [Fact]
    public void ToLegacySpeaker_ReplicasOmitted_DesiredOne()
    {
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "openelb-manager" }, Spec = new V1DeploymentSpec() };

        Assert.Equal(1, WorkloadMapping.ToLegacySpeaker(deployment).DesiredScheduled);
    }

    [Theory]
    [InlineData("openelb-manager", null, "openelb-manager", true)]
    [InlineData("openelb-manager", null, "openelb-controller", false)]
    [InlineData("openelb-manager", "controller", "manager", false)]
    [InlineData("openelb", "controller", "openelb-controller", false)]
    public void IsLegacyManager_LabelsAndContainer_ExcludesV06Controller(string app, string? component, string container, bool expected)
    {
        var labels = new Dictionary<string, string> { ["app"] = app };
        if (component is not null)
        {
            labels["component"] = component;
        }
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "d", Labels = labels },
            Spec = new V1DeploymentSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = container }] } } },
        };

        Assert.Equal(expected, WorkloadMapping.IsLegacyManager(deployment));
    }
}
