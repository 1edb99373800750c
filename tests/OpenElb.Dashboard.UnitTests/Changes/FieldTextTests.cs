using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.UnitTests.Changes;

/// <summary>Rendered field values read back exactly: revert and undo rebuild requests from recorded before-states.</summary>
public class FieldTextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("kubernetes.io/os=linux")]
    [InlineData("a=,example.com/b=x.y-z_1")]
    public void Labels_RoundTrip(string? text) => Assert.Equal(text, FieldText.Render(FieldText.ParseLabels(text)));

    [Fact]
    public void Taints_RoundTripEveryEffectAndEmptyValues()
    {
        var taints = EquatableArray.Create(
            new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule),
            new Taint("example.com/gpu", "yes", TaintEffect.PreferNoSchedule),
            new Taint("maintenance", "2026-12-01", TaintEffect.NoExecute));

        var text = FieldText.Render(taints);

        Assert.Equal("node-role.kubernetes.io/control-plane:NoSchedule; example.com/gpu=yes:PreferNoSchedule; maintenance=2026-12-01:NoExecute", text);
        Assert.Equal(taints, FieldText.ParseTaints(text));
        Assert.Empty(FieldText.ParseTaints(null));
    }

    [Fact]
    public void Tolerations_RoundTripOperatorsWildcardsAndSeconds()
    {
        var tolerations = EquatableArray.Create(
            new Toleration("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule),
            new Toleration("node-role.kubernetes.io/master", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
            new Toleration("", TolerationOperator.Exists),
            new Toleration("k", TolerationOperator.Equal, "", null),
            new Toleration("node.kubernetes.io/unreachable", TolerationOperator.Exists, Effect: TaintEffect.NoExecute, TolerationSeconds: 300));

        var text = FieldText.Render(tolerations);

        Assert.Equal("openelb-speaker=true:NoSchedule; node-role.kubernetes.io/master Exists:NoSchedule; * Exists:*; k=:*; node.kubernetes.io/unreachable Exists:NoExecute for 300s", text);
        Assert.Equal(tolerations, FieldText.ParseTolerations(text));
    }

    [Fact]
    public void Terms_RoundTripEveryOperatorFieldsEmptyAndAbsent()
    {
        EquatableArray<NodeSelectorTerm>? terms = EquatableArray.Create(
            new NodeSelectorTerm(
                EquatableArray.Create(
                    NodeSelectorRequirement.Of("openelb-speaker", SelectorOperators.In, "true", "yes"),
                    NodeSelectorRequirement.Of("tier", SelectorOperators.NotIn, "edge"),
                    NodeSelectorRequirement.Of("gpu", SelectorOperators.DoesNotExist)),
                EquatableArray.Create(NodeSelectorRequirement.Of("metadata.name", SelectorOperators.In, "worker-1"))),
            NodeSelectorTerm.Of(NodeSelectorRequirement.Of("cores", SelectorOperators.Gt, "8"), NodeSelectorRequirement.Of("rack", SelectorOperators.Exists)),
            NodeSelectorTerm.Of(NodeSelectorRequirement.Of("age", SelectorOperators.Lt, "3")));

        var text = FieldText.Render(terms);

        Assert.Equal("(openelb-speaker In (true,yes) AND tier NotIn (edge) AND gpu DoesNotExist AND field metadata.name In (worker-1)) OR (cores Gt (8) AND rack Exists) OR (age Lt (3))", text);
        Assert.Equal(terms, FieldText.ParseTerms(text));
        Assert.Null(FieldText.ParseTerms(null));
        Assert.Equal(EquatableArray<NodeSelectorTerm>.Empty, FieldText.ParseTerms(FieldText.Render((EquatableArray<NodeSelectorTerm>?)EquatableArray<NodeSelectorTerm>.Empty)));
    }

    [Theory]
    [InlineData("no-effect")]
    [InlineData("k=v:Sometimes")]
    public void ParseTaints_Malformed_Throws(string text) => Assert.Throws<FormatException>(() => FieldText.ParseTaints(text));
}
