using k8s;
using k8s.Models;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Kubernetes.Mapping;

namespace OpenElb.Dashboard.UnitTests.Kubernetes.Mapping;

public class PodMappingTests
{
    [Fact]
    public void ToSpeakerPod_RealisticJson_MapsEveryField()
    {
        var pod = KubernetesJson.Deserialize<V1Pod>("""
            {
              "apiVersion": "v1", "kind": "Pod",
              "metadata": {
                "name": "openelb-speaker-x7k2p", "namespace": "openelb-system",
                "labels": { "app": "openelb", "component": "speaker" },
                "deletionTimestamp": "2024-05-01T10:00:30Z"
              },
              "spec": { "nodeName": "node3", "hostNetwork": true, "containers": [ { "name": "openelb-speaker" } ] },
              "status": {
                "phase": "Running",
                "startTime": "2024-05-01T09:58:00Z",
                "conditions": [ { "type": "Initialized", "status": "True" }, { "type": "Ready", "status": "True" } ],
                "containerStatuses": [
                  { "name": "openelb-speaker", "restartCount": 3, "ready": true, "image": "i", "imageID": "", "started": true },
                  { "name": "sidecar", "restartCount": 2, "ready": true, "image": "i", "imageID": "" }
                ]
              }
            }
            """);

        var speaker = PodMapping.ToSpeakerPod(pod);

        Assert.Equal(
            new SpeakerPod(
                "openelb-system",
                "openelb-speaker-x7k2p",
                "node3",
                PodPhase.Running,
                Ready: true,
                Restarts: 5,
                StartTime: new DateTimeOffset(2024, 5, 1, 9, 58, 0, TimeSpan.Zero),
                Terminating: true),
            speaker);
        Assert.False(speaker.IsLive);
    }

    [Theory]
    [InlineData(null, PodPhase.Pending)]
    [InlineData("", PodPhase.Pending)]
    [InlineData("Pending", PodPhase.Pending)]
    [InlineData("Running", PodPhase.Running)]
    [InlineData("Succeeded", PodPhase.Succeeded)]
    [InlineData("Failed", PodPhase.Failed)]
    [InlineData("Unknown", PodPhase.Unknown)]
    [InlineData("running", PodPhase.Unknown)]
    public void ToSpeakerPod_Phase_Parsed(string? phase, PodPhase expected)
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Status = new V1PodStatus { Phase = phase } };

        Assert.Equal(expected, PodMapping.ToSpeakerPod(pod).Phase);
    }

    [Fact]
    public void ToSpeakerPod_Unscheduled_EmptyNodeNameNotReadyNoRestarts()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns" }, Spec = new V1PodSpec() };

        var speaker = PodMapping.ToSpeakerPod(pod);

        Assert.Equal(new SpeakerPod("ns", "p", "", PodPhase.Pending, Ready: false), speaker);
    }

    [Fact]
    public void ToSpeakerPod_ReadyConditionFalse_NotReady()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Spec = new V1PodSpec { NodeName = "n1" },
            Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = "False" }] },
        };

        var speaker = PodMapping.ToSpeakerPod(pod);

        Assert.False(speaker.Ready);
        Assert.False(speaker.Terminating);
        Assert.Equal("n1", speaker.NodeName);
    }
}
