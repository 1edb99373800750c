using System.Text.Json;
using k8s.Models;
using OpenElb.Dashboard.Kubernetes.FieldManagers;

namespace OpenElb.Dashboard.UnitTests.Kubernetes.FieldManagers;

public class ManagedFieldsMatcherTests
{
    private static readonly DateTime s_t0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    private static V1ManagedFieldsEntry Entry(string manager, string fieldsV1, int minute = 0, string? fieldsType = "FieldsV1") => new()
    {
        Manager = manager,
        Operation = "Update",
        ApiVersion = "v1",
        FieldsType = fieldsType,
        Time = s_t0.AddMinutes(minute),
        FieldsV1 = JsonDocument.Parse(fieldsV1).RootElement.Clone(),
    };

    [Theory]
    [InlineData("spec.taints", new[] { "f:spec", "f:taints" })]
    [InlineData("metadata.labels[openelb-speaker]", new[] { "f:metadata", "f:labels", "f:openelb-speaker" })]
    [InlineData("metadata.labels[openelb.kubesphere.io/rack]", new[] { "f:metadata", "f:labels", "f:openelb.kubesphere.io/rack" })]
    [InlineData("spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        new[] { "f:spec", "f:template", "f:spec", "f:affinity", "f:nodeAffinity", "f:requiredDuringSchedulingIgnoredDuringExecution" })]
    public void ParsePath_ObservedChangePaths_FieldsV1Keys(string path, string[] expected) =>
        Assert.Equal(expected, ManagedFieldsMatcher.ParsePath(path));

    [Fact]
    public void ParsePath_UnclosedBracket_Throws() =>
        Assert.Throws<FormatException>(() => ManagedFieldsMatcher.ParsePath("metadata.labels[key"));

    [Theory]
    // The exact field.
    [InlineData("""{"f:metadata":{"f:labels":{"f:openelb-speaker":{}}}}""", "metadata.labels[openelb-speaker]", true)]
    // Another key of the same map: not this field.
    [InlineData("""{"f:metadata":{"f:labels":{"f:team":{}}}}""", "metadata.labels[openelb-speaker]", false)]
    // An atomic list owned whole.
    [InlineData("""{"f:spec":{"f:taints":{}}}""", "spec.taints", true)]
    // A key below the path: a manager of one nodeSelector key manages the nodeSelector.
    [InlineData("""{"f:spec":{"f:template":{"f:spec":{"f:nodeSelector":{"f:openelb-speaker":{}}}}}}""", "spec.template.spec.nodeSelector", true)]
    // An ancestor owned as a leaf covers what is below it.
    [InlineData("""{"f:spec":{"f:template":{"f:spec":{"f:affinity":{}}}}}""", "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution", true)]
    // An empty set owns nothing.
    [InlineData("""{}""", "spec.taints", false)]
    [InlineData("""{"f:spec":{"f:unschedulable":{}}}""", "spec.taints", false)]
    public void Covers_FieldSets_AsExpected(string fieldsV1, string path, bool expected)
    {
        using var document = JsonDocument.Parse(fieldsV1);

        Assert.Equal(expected, ManagedFieldsMatcher.Covers(document.RootElement, ManagedFieldsMatcher.ParsePath(path)));
    }

    [Fact]
    public void FindManager_SeveralCover_NewestWins()
    {
        var entries = new[]
        {
            Entry("helm", """{"f:spec":{"f:template":{"f:spec":{"f:nodeSelector":{"f:kubernetes.io/os":{}}}}}}""", minute: 1),
            Entry("kubectl-patch", """{"f:spec":{"f:template":{"f:spec":{"f:nodeSelector":{"f:openelb-speaker":{}}}}}}""", minute: 5),
            Entry("openelb-dashboard", """{"f:spec":{"f:template":{"f:spec":{"f:tolerations":{}}}}}""", minute: 9),
        };

        Assert.Equal("kubectl-patch", ManagedFieldsMatcher.FindManager(entries, "spec.template.spec.nodeSelector"));
        Assert.Equal("openelb-dashboard", ManagedFieldsMatcher.FindManager(entries, "spec.template.spec.tolerations"));
    }

    [Fact]
    public void FindManager_NoneCovers_Null()
    {
        var entries = new[] { Entry("kubectl-label", """{"f:metadata":{"f:labels":{"f:team":{}}}}""") };

        Assert.Null(ManagedFieldsMatcher.FindManager(entries, "metadata.labels[openelb-speaker]"));
        Assert.Null(ManagedFieldsMatcher.FindManager(null, "spec.taints"));
    }

    [Fact]
    public void FindManager_OtherFieldsType_Ignored()
    {
        var entries = new[] { Entry("future", """{"f:spec":{"f:taints":{}}}""", fieldsType: "FieldsV2") };

        Assert.Null(ManagedFieldsMatcher.FindManager(entries, "spec.taints"));
    }
}
