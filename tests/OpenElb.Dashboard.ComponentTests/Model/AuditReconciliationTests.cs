using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class AuditReconciliationTests
{
    private static ClusterSnapshot Cluster() => new ClusterSnapshotBuilder()
        .Node("n1", [(KnownLabels.Rack, "a"), ("openelb-speaker", "true")], [new Taint("dedicated", "lb", TaintEffect.NoSchedule)])
        .Node("n2", [(KnownLabels.Rack, "b")])
        .Speaker(SpeakerPlacement.KubectlManifestDefault with { NodeSelector = LabelSet.Of(("openelb-speaker", "true")) })
        .Build();

    private static AuditEntry Node(string name, string? body, string? after = null) =>
        new() { TargetKind = "Node", TargetName = name, RequestBody = body, AfterState = after };

    private static AuditEntry DaemonSet(string body) =>
        new() { TargetKind = "DaemonSet", TargetNamespace = "openelb-system", TargetName = "openelb-speaker", RequestBody = body };

    public static TheoryData<string, string?, bool?> Patches => new()
    {
        { "n1", """{"metadata":{"labels":{"openelb-speaker":"true"}}}""", true },
        { "n2", """{"metadata":{"labels":{"openelb-speaker":"true"}}}""", false },
        { "n2", """{"metadata":{"labels":{"openelb-speaker":null}}}""", true },
        { "n1", """{"metadata":{"labels":{"openelb-speaker":null}}}""", false },
        { "n1", """{"metadata":{"labels":{"openelb-speaker":"true","openelb.kubesphere.io/rack":"a"},"resourceVersion":"5"}}""", true },
        { "n1", """{"spec":{"taints":[{"key":"dedicated","value":"lb","effect":"NoSchedule"}]},"metadata":{"resourceVersion":"7"}}""", true },
        { "n1", """{"spec":{"taints":[]}}""", false },
        { "n2", """{"spec":{"taints":null}}""", true },
        { "gone", """{"metadata":{"labels":{"x":"y"}}}""", false },
        { "n1", """{"spec":{"unschedulable":true}}""", null },
        { "n1", "not json", null },
        { "n1", null, null },
    };

    [Theory]
    [MemberData(nameof(Patches))]
    public void AfterStateObserved_NodePatch(string node, string? body, bool? expected) =>
        Assert.Equal(expected, AuditReconciliation.AfterStateObserved(Node(node, body), Cluster()));

    [Fact]
    public void AfterStateObserved_RecordedAfterStateWinsOverPatch()
    {
        var entry = Node("n1", """{"metadata":{"labels":{"openelb-speaker":null}}}""", after: """{"metadata.labels[openelb-speaker]":"true"}""");

        Assert.True(AuditReconciliation.AfterStateObserved(entry, Cluster()));
    }

    [Theory]
    [InlineData("""{"spec":{"template":{"spec":{"nodeSelector":{"openelb-speaker":"true"}}}}}""", true)]
    [InlineData("""{"spec":{"template":{"spec":{"nodeSelector":{"openelb-speaker":"yes"}}}}}""", false)]
    [InlineData("""{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/os":null}}}}}""", true)]
    [InlineData("""{"spec":{"template":{"spec":{"nodeSelector":{"openelb-speaker":null}}}}}""", false)]
    [InlineData("""{"spec":{"template":{"spec":{"tolerations":[]}}}}""", null)]
    public void AfterStateObserved_SpeakerNodeSelectorPatch(string body, bool? expected) =>
        Assert.Equal(expected, AuditReconciliation.AfterStateObserved(DaemonSet(body), Cluster()));
}
