using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using static OpenElb.Dashboard.UnitTests.Scheduling.SchedulingNotation;

namespace OpenElb.Dashboard.UnitTests.Scheduling;

public class SelectorMatchingTests
{
    private static NodeSelectorRequirement Req(string key, string op, params string[] values) =>
        NodeSelectorRequirement.Of(key, op, values);

    private static NodeSelectorTerm FieldTerm(params NodeSelectorRequirement[] matchFields) =>
        new(EquatableArray<NodeSelectorRequirement>.Empty, new([.. matchFields]));

    private static NodeInfo NodeWithLabel(string key, string? value) =>
        value is null ? Node("node1", "other=x") : Node("node1", $"other=x,{key}={value}");

    [Theory]
    // In
    [InlineData("In", new[] { "a", "b" }, "a", true)]
    [InlineData("In", new[] { "a", "b" }, "b", true)]
    [InlineData("In", new[] { "a", "b" }, "c", false)]
    [InlineData("In", new[] { "a" }, null, false)]
    [InlineData("In", new[] { "a" }, "A", false)]
    [InlineData("In", new[] { "" }, "", true)]
    [InlineData("In", new[] { "" }, null, false)]
    // NotIn: a node without the key matches
    [InlineData("NotIn", new[] { "a", "b" }, "a", false)]
    [InlineData("NotIn", new[] { "a", "b" }, "b", false)]
    [InlineData("NotIn", new[] { "a", "b" }, "c", true)]
    [InlineData("NotIn", new[] { "a" }, null, true)]
    [InlineData("NotIn", new[] { "" }, "", false)]
    // Exists
    [InlineData("Exists", new string[0], "x", true)]
    [InlineData("Exists", new string[0], "", true)]
    [InlineData("Exists", new string[0], null, false)]
    // DoesNotExist: a node without the key matches
    [InlineData("DoesNotExist", new string[0], null, true)]
    [InlineData("DoesNotExist", new string[0], "x", false)]
    [InlineData("DoesNotExist", new string[0], "", false)]
    // Gt: integers, not strings ("10" > "9" although "10" sorts before "9")
    [InlineData("Gt", new[] { "9" }, "10", true)]
    [InlineData("Gt", new[] { "10" }, "9", false)]
    [InlineData("Gt", new[] { "5" }, "5", false)]
    [InlineData("Gt", new[] { "5" }, "6", true)]
    [InlineData("Gt", new[] { "0" }, "007", true)]
    [InlineData("Gt", new[] { "007" }, "8", true)]
    [InlineData("Gt", new[] { "9223372036854775806" }, "9223372036854775807", true)]
    [InlineData("Gt", new[] { "5" }, null, false)]
    [InlineData("Gt", new[] { "5" }, "", false)]
    [InlineData("Gt", new[] { "5" }, "abc", false)]
    [InlineData("Gt", new[] { "5" }, "5.5", false)]
    [InlineData("Gt", new[] { "5" }, "6x", false)]
    [InlineData("Gt", new[] { "1" }, "99999999999999999999", false)]
    // Lt
    [InlineData("Lt", new[] { "10" }, "9", true)]
    [InlineData("Lt", new[] { "9" }, "10", false)]
    [InlineData("Lt", new[] { "5" }, "5", false)]
    [InlineData("Lt", new[] { "5" }, "0", true)]
    [InlineData("Lt", new[] { "5" }, null, false)]
    [InlineData("Lt", new[] { "5" }, "", false)]
    [InlineData("Lt", new[] { "100" }, "abc", false)]
    [InlineData("Lt", new[] { "100" }, "1.5", false)]
    public void TermMatches_SingleRequirement_FollowsOperatorSemantics(string op, string[] values, string? nodeValue, bool expected)
    {
        var term = NodeSelectorTerm.Of(Req("size", op, values));

        Assert.Equal(expected, SelectorMatching.TermMatches(term, NodeWithLabel("size", nodeValue)));
        Assert.Equal(expected, SelectorMatching.NodeAffinityMatches([term], NodeWithLabel("size", nodeValue)));
    }

    [Theory]
    // Each requirement is invalid, and on the node (zone=a, size=10, disk=ssd) a lenient matcher would let it pass.
    [InlineData("zone", "Unknown", new[] { "a" })]
    [InlineData("zone", "in", new[] { "a" })]
    [InlineData("zone", "", new[] { "a" })]
    [InlineData("zone", "NotIn", new string[0])]
    [InlineData("zone", "In", new string[0])]
    [InlineData("zone", "Exists", new[] { "a" })]
    [InlineData("missing", "DoesNotExist", new[] { "x" })]
    [InlineData("bad key!", "DoesNotExist", new string[0])]
    [InlineData("-zone", "DoesNotExist", new string[0])]
    [InlineData("example.com/a/b", "DoesNotExist", new string[0])]
    [InlineData("/zone", "DoesNotExist", new string[0])]
    [InlineData("Example.com/zone", "DoesNotExist", new string[0])]
    [InlineData("", "DoesNotExist", new string[0])]
    [InlineData("zone", "NotIn", new[] { "bad value!" })]
    [InlineData("zone", "NotIn", new[] { "b", "-c" })]
    [InlineData("zone", "In", new[] { "a", "a/b" })]
    [InlineData("zone", "NotIn", new[] { "b\n" })]
    [InlineData("zone", "In", new[] { "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })]
    [InlineData("size", "Gt", new string[0])]
    [InlineData("size", "Gt", new[] { "1", "2" })]
    [InlineData("size", "Gt", new[] { "one" })]
    [InlineData("size", "Gt", new[] { "-1" })]
    [InlineData("size", "Gt", new[] { "+1" })]
    [InlineData("size", "Gt", new[] { "" })]
    [InlineData("size", "Lt", new string[0])]
    [InlineData("size", "Lt", new[] { "100", "200" })]
    [InlineData("size", "Lt", new[] { "1e3" })]
    [InlineData("size", "Lt", new[] { "99999999999999999999" })]
    public void NodeAffinityMatches_InvalidRequirement_TermMatchesNothingOtherTermsStillCount(string key, string op, string[] values)
    {
        var node = Node("node1", "zone=a,size=10,disk=ssd");
        var matching = Req("disk", SelectorOperators.In, "ssd");
        var poisoned = NodeSelectorTerm.Of(matching, Req(key, op, values));
        var valid = NodeSelectorTerm.Of(Req("zone", SelectorOperators.Exists));

        Assert.False(SelectorMatching.TermMatches(poisoned, node));
        Assert.False(SelectorMatching.TermMatches(NodeSelectorTerm.Of(Req(key, op, values), matching), node));
        Assert.False(SelectorMatching.NodeAffinityMatches([poisoned], node));
        Assert.True(SelectorMatching.NodeAffinityMatches([poisoned, valid], node));
        Assert.True(SelectorMatching.NodeAffinityMatches([valid, poisoned], node));
    }

    [Theory]
    [InlineData("zone=a,disk=ssd", true)]
    [InlineData("zone=a,disk=hdd", true)]
    [InlineData("zone=a", false)]
    [InlineData("zone=b,disk=ssd", false)]
    [InlineData("disk=ssd", false)]
    [InlineData("zone=a,disk=ssd,gpu=yes", false)]
    [InlineData("", false)]
    public void TermMatches_SeveralRequirements_AllMustHold(string labels, bool expected)
    {
        var term = NodeSelectorTerm.Of(
            Req("zone", SelectorOperators.In, "a"),
            Req("disk", SelectorOperators.Exists),
            Req("gpu", SelectorOperators.DoesNotExist));

        Assert.Equal(expected, SelectorMatching.TermMatches(term, Node("node1", labels)));
    }

    [Theory]
    [InlineData("zone=a", true)]
    [InlineData("zone=b", true)]
    [InlineData("zone=c", false)]
    [InlineData("zone=c,rack=r1", true)]
    [InlineData("rack=r2", false)]
    [InlineData("", false)]
    public void NodeAffinityMatches_SeveralTerms_AnyTermSuffices(string labels, bool expected)
    {
        NodeSelectorTerm[] terms =
        [
            NodeSelectorTerm.Of(Req("zone", SelectorOperators.In, "a")),
            NodeSelectorTerm.Of(Req("zone", SelectorOperators.In, "b")),
            NodeSelectorTerm.Of(Req("rack", SelectorOperators.In, "r1")),
        ];

        Assert.Equal(expected, SelectorMatching.NodeAffinityMatches(terms, Node("node1", labels)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("zone=a")]
    public void NodeAffinityMatches_EmptyTermList_MatchesNothing(string labels)
    {
        Assert.False(SelectorMatching.NodeAffinityMatches([], Node("node1", labels)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("zone=a")]
    public void TermMatches_TermWithoutRequirements_MatchesNothing(string labels)
    {
        var empty = new NodeSelectorTerm(EquatableArray<NodeSelectorRequirement>.Empty, EquatableArray<NodeSelectorRequirement>.Empty);
        var node = Node("node1", labels);

        Assert.False(SelectorMatching.TermMatches(empty, node));
        Assert.False(SelectorMatching.TermMatches(new NodeSelectorTerm(default, default), node));
        Assert.False(SelectorMatching.NodeAffinityMatches([empty], node));
        Assert.True(SelectorMatching.NodeAffinityMatches([empty, NodeSelectorTerm.Of(Req("zone", SelectorOperators.DoesNotExist)), NodeSelectorTerm.Of(Req("zone", SelectorOperators.Exists))], node));
    }

    [Theory]
    [InlineData("metadata.name", "In", new[] { "node1" }, "node1", true)]
    [InlineData("metadata.name", "In", new[] { "node1" }, "node2", false)]
    [InlineData("metadata.name", "In", new[] { "Node1" }, "node1", false)]
    [InlineData("metadata.name", "NotIn", new[] { "node1" }, "node1", false)]
    [InlineData("metadata.name", "NotIn", new[] { "node1" }, "node2", true)]
    // Exactly one value: two values, or none, make the term invalid.
    [InlineData("metadata.name", "In", new[] { "node1", "node2" }, "node1", false)]
    [InlineData("metadata.name", "NotIn", new[] { "node1", "node2" }, "node3", false)]
    [InlineData("metadata.name", "In", new string[0], "node1", false)]
    [InlineData("metadata.name", "NotIn", new string[0], "node1", false)]
    // Only In and NotIn.
    [InlineData("metadata.name", "Exists", new string[0], "node1", false)]
    [InlineData("metadata.name", "DoesNotExist", new string[0], "node1", false)]
    [InlineData("metadata.name", "Gt", new[] { "0" }, "1", false)]
    [InlineData("metadata.name", "Lt", new[] { "9" }, "1", false)]
    // Only metadata.name: never a label, never another field.
    [InlineData("kubernetes.io/hostname", "In", new[] { "node1" }, "node1", false)]
    [InlineData("kubernetes.io/hostname", "NotIn", new[] { "node2" }, "node1", false)]
    [InlineData("metadata.namespace", "NotIn", new[] { "x" }, "node1", false)]
    [InlineData("metadata.uid", "NotIn", new[] { "x" }, "node1", false)]
    [InlineData("name", "In", new[] { "node1" }, "node1", false)]
    public void TermMatches_MatchFields_OnlyMetadataNameWithOneValue(string key, string op, string[] values, string nodeName, bool expected)
    {
        var node = new NodeInfo(nodeName, LabelSet.Of(("kubernetes.io/hostname", nodeName)), default);
        var term = FieldTerm(Req(key, op, values));

        Assert.Equal(expected, SelectorMatching.TermMatches(term, node));
        Assert.True(SelectorMatching.NodeAffinityMatches([term, NodeSelectorTerm.Of(Req("kubernetes.io/hostname", SelectorOperators.Exists))], node));
    }

    [Theory]
    [InlineData("node1", "zone=a", true)]
    [InlineData("node1", "zone=b", false)]
    [InlineData("node2", "zone=a", false)]
    [InlineData("node2", "zone=b", false)]
    public void TermMatches_MatchExpressionsAndMatchFields_Anded(string nodeName, string labels, bool expected)
    {
        var term = new NodeSelectorTerm(
            EquatableArray.Create(Req("zone", SelectorOperators.In, "a")),
            EquatableArray.Create(Req(SelectorMatching.NodeNameField, SelectorOperators.In, "node1")));

        Assert.Equal(expected, SelectorMatching.TermMatches(term, Node(nodeName, labels)));
    }

    [Theory]
    [InlineData("spec.unschedulable", "In", new[] { "node1" })]
    [InlineData("metadata.name", "In", new[] { "node1", "node2" })]
    [InlineData("metadata.name", "Exists", new string[0])]
    public void TermMatches_InvalidMatchFieldsWithMatchingExpressions_MatchesNothing(string key, string op, string[] values)
    {
        var node = Node("node1", "zone=a");
        var term = new NodeSelectorTerm(EquatableArray.Create(Req("zone", SelectorOperators.In, "a")), EquatableArray.Create(Req(key, op, values)));

        Assert.False(SelectorMatching.TermMatches(term, node));
    }

    [Fact]
    public void TermMatches_MatchExpressionsOnMetadataName_ReadsLabelNotNodeName()
    {
        var term = NodeSelectorTerm.Of(Req("metadata.name", SelectorOperators.In, "node1"));

        Assert.False(SelectorMatching.TermMatches(term, Node("node1")));
        Assert.True(SelectorMatching.TermMatches(term, Node("node2", "metadata.name=node1")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("openelb.kubesphere.io/rack=leaf1")]
    [InlineData("bad key!=x")]
    public void Matches_NullSelector_SelectsEveryNode(string labels)
    {
        Assert.True(SelectorMatching.Matches(null, Labels(labels)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("openelb.kubesphere.io/rack=leaf1")]
    public void Matches_EmptySelector_SelectsEveryNode(string labels)
    {
        var selector = new LabelSelector(LabelSet.Empty, EquatableArray<LabelSelectorRequirement>.Empty);

        Assert.True(selector.IsEmpty);
        Assert.True(SelectorMatching.IsValid(selector));
        Assert.True(SelectorMatching.Matches(selector, Labels(labels)));
    }

    [Theory]
    [InlineData("rack=leaf1", true)]
    [InlineData("rack=leaf1,zone=a", true)]
    [InlineData("rack=leaf2", false)]
    [InlineData("rack=Leaf1", false)]
    [InlineData("zone=a", false)]
    [InlineData("", false)]
    public void Matches_MatchLabelsOnly_EveryPairMustMatch(string labels, bool expected)
    {
        Assert.Equal(expected, SelectorMatching.Matches(LabelSelector.ForLabels(("rack", "leaf1")), Labels(labels)));
    }

    [Theory]
    [InlineData("rack=leaf1,openelb-speaker=true", true)]
    [InlineData("rack=leaf1,openelb-speaker=true,zone=a", true)]
    [InlineData("rack=leaf1,openelb-speaker=true,zone=b", true)]
    [InlineData("rack=leaf1,openelb-speaker=true,zone=c", false)]
    [InlineData("rack=leaf1,openelb-speaker=true,excluded=", false)]
    [InlineData("rack=leaf1", false)]
    [InlineData("rack=leaf2,openelb-speaker=true", false)]
    [InlineData("openelb-speaker=true", false)]
    public void Matches_MatchLabelsAndMatchExpressions_Anded(string labels, bool expected)
    {
        var selector = new LabelSelector(
            LabelSet.Of(("rack", "leaf1")),
            EquatableArray.Create(
                LabelSelectorRequirement.Of("openelb-speaker", SelectorOperators.Exists),
                LabelSelectorRequirement.Of("zone", SelectorOperators.NotIn, "c"),
                LabelSelectorRequirement.Of("excluded", SelectorOperators.DoesNotExist)));

        Assert.Equal(expected, SelectorMatching.Matches(selector, Labels(labels)));
    }

    [Theory]
    [InlineData("In", new[] { "a", "b" }, "zone=b", true)]
    [InlineData("In", new[] { "a", "b" }, "zone=c", false)]
    [InlineData("In", new[] { "a" }, "", false)]
    [InlineData("NotIn", new[] { "a" }, "zone=b", true)]
    [InlineData("NotIn", new[] { "a" }, "zone=a", false)]
    [InlineData("NotIn", new[] { "a" }, "", true)]
    [InlineData("Exists", new string[0], "zone=", true)]
    [InlineData("Exists", new string[0], "", false)]
    [InlineData("DoesNotExist", new string[0], "", true)]
    [InlineData("DoesNotExist", new string[0], "zone=a", false)]
    public void Matches_MatchExpression_FollowsOperatorSemantics(string op, string[] values, string labels, bool expected)
    {
        var selector = new LabelSelector(LabelSet.Empty, EquatableArray.Create(LabelSelectorRequirement.Of("zone", op, values)));

        Assert.Equal(expected, SelectorMatching.Matches(selector, Labels(labels)));
    }

    [Theory]
    // Each selector is invalid, and every requirement in it would let the node (zone=a, size=10) pass if it were valid.
    [InlineData("bad key!", "a", "zone", "Exists", new string[0])]
    [InlineData("zone", "bad value!", "zone", "Exists", new string[0])]
    [InlineData("zone", "a", "zone", "Unknown", new[] { "a" })]
    [InlineData("zone", "a", "zone", "NotIn", new string[0])]
    [InlineData("zone", "a", "zone", "Exists", new[] { "a" })]
    [InlineData("zone", "a", "missing", "DoesNotExist", new[] { "a" })]
    [InlineData("zone", "a", "missing!", "DoesNotExist", new string[0])]
    [InlineData("zone", "a", "zone", "NotIn", new[] { "bad value!" })]
    [InlineData("zone", "a", "size", "Gt", new[] { "1" })]
    [InlineData("zone", "a", "size", "Lt", new[] { "100" })]
    public void Matches_InvalidSelector_SelectsNone(string labelKey, string labelValue, string key, string op, string[] values)
    {
        var selector = new LabelSelector(LabelSet.Of((labelKey, labelValue)), EquatableArray.Create(LabelSelectorRequirement.Of(key, op, values)));
        var labels = LabelSet.Of(("zone", "a"), ("size", "10"), (labelKey, labelValue));

        Assert.False(SelectorMatching.IsValid(selector));
        Assert.False(SelectorMatching.Matches(selector, labels));
    }

    [Fact]
    public void Matches_GtInLabelSelectorButValidInNodeAffinity_OnlyNodeAffinityMatches()
    {
        var node = Node("node1", "size=10");
        var selector = new LabelSelector(LabelSet.Empty, EquatableArray.Create(LabelSelectorRequirement.Of("size", SelectorOperators.Gt, "1")));

        Assert.False(SelectorMatching.Matches(selector, node.Labels));
        Assert.True(SelectorMatching.TermMatches(NodeSelectorTerm.Of(Req("size", SelectorOperators.Gt, "1")), node));
    }

    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "openelb-speaker=true", true)]
    [InlineData("openelb-speaker=true", "openelb-speaker=true", true)]
    [InlineData("openelb-speaker=true", "openelb-speaker=true,kubernetes.io/os=linux", true)]
    [InlineData("openelb-speaker=true", "openelb-speaker=false", false)]
    [InlineData("openelb-speaker=true", "openelb-speaker=True", false)]
    [InlineData("openelb-speaker=true", "", false)]
    [InlineData("openelb-speaker=", "", false)]
    [InlineData("openelb-speaker=", "openelb-speaker=", true)]
    [InlineData("openelb-speaker=true,kubernetes.io/os=linux", "openelb-speaker=true", false)]
    [InlineData("openelb-speaker=true,kubernetes.io/os=linux", "kubernetes.io/os=linux,openelb-speaker=true", true)]
    public void NodeSelectorMatches_Pairs_EveryPairMustBePresentWithSameValue(string nodeSelector, string labels, bool expected)
    {
        Assert.Equal(expected, SelectorMatching.NodeSelectorMatches(Labels(nodeSelector), Labels(labels)));
    }
}
