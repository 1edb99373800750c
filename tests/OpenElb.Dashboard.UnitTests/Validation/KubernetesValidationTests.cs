using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.UnitTests.Validation;

public class KubernetesValidationTests
{
    private const string RequirementPath = "affinity.nodeSelectorTerms[0].matchExpressions[0]";

    private static readonly Dictionary<string, SpeakerPlacement> s_placements = new()
    {
        ["unrestricted"] = SpeakerPlacement.Unrestricted,
        ["kubectl manifest"] = SpeakerPlacement.KubectlManifestDefault,
        ["seed"] = new(
            LabelSet.Of(("openelb-speaker", "true")),
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("openelb-speaker", "In", "true"))),
            EquatableArray.Create(new Toleration("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule))),
        ["bad nodeSelector key"] = new(LabelSet.Of(("bad key!", "true")), null, default),
        ["bad nodeSelector value"] = new(LabelSet.Of(("openelb-speaker", "not ok")), null, default),
        ["empty term list"] = new(LabelSet.Empty, EquatableArray<NodeSelectorTerm>.Empty, default),
        ["empty second term"] = new(
            LabelSet.Empty,
            EquatableArray.Create(
                NodeSelectorTerm.Of(NodeSelectorRequirement.Of("rack", "Exists")),
                new NodeSelectorTerm(default, default)),
            default),
        ["bad second requirement"] = new(
            LabelSet.Empty,
            EquatableArray.Create(NodeSelectorTerm.Of(
                NodeSelectorRequirement.Of("rack", "Exists"),
                NodeSelectorRequirement.Of("rack", "In"))),
            default),
        ["bad match field"] = new(
            LabelSet.Empty,
            EquatableArray.Create(new NodeSelectorTerm(default, EquatableArray.Create(NodeSelectorRequirement.Of("kubernetes.io/hostname", "In", "node1")))),
            default),
        ["bad second toleration"] = new(
            LabelSet.Empty,
            null,
            EquatableArray.Create(new Toleration("a", TolerationOperator.Exists), new Toleration("", TolerationOperator.Equal))),
        ["several problems"] = new(
            LabelSet.Of(("a/b/c", "x")),
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("size", "Gt", "big"))),
            EquatableArray.Create(new Toleration("k", TolerationOperator.Exists, TolerationSeconds: 60))),
    };

    [Theory]
    [InlineData("a")]
    [InlineData("A")]
    [InlineData("1")]
    [InlineData("MyName")]
    [InlineData("my.name")]
    [InlineData("123-abc")]
    [InlineData("openelb-speaker")]
    [InlineData("my_key")]
    [InlineData("a-b_c.d")]
    [InlineData("a..b")]
    [InlineData("kubernetes.io/os")]
    [InlineData("openelb.kubesphere.io/rack")]
    [InlineData("node-role.kubernetes.io/control-plane")]
    [InlineData("a/b")]
    [InlineData("1.2/MyName")]
    [InlineData("example.com/My_Name.v2")]
    [InlineData("metadata.name")]
    public void IsQualifiedName_ValidKey_True(string key)
    {
        Assert.True(KubernetesValidation.IsQualifiedName(key));
        Assert.Empty(KubernetesValidation.QualifiedNameErrors(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("_a")]
    [InlineData("a_")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a b")]
    [InlineData("a:b")]
    [InlineData("a=b")]
    [InlineData("a*")]
    [InlineData("é")]
    [InlineData("a\n")]
    [InlineData("a/b/c")]
    [InlineData("example.com/a/b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("/")]
    [InlineData("Example.com/a")]
    [InlineData("example.COM/a")]
    [InlineData("eXample.com/a")]
    [InlineData("example.coM/a")]
    [InlineData("exa_mple.com/a")]
    [InlineData("-example.com/a")]
    [InlineData("example.com-/a")]
    [InlineData("example..com/a")]
    [InlineData(".example.com/a")]
    [InlineData("example.com./a")]
    [InlineData("example.com\n/a")]
    [InlineData("example.com/-a")]
    public void IsQualifiedName_InvalidKey_False(string? key)
    {
        Assert.False(KubernetesValidation.IsQualifiedName(key));
        Assert.NotEmpty(KubernetesValidation.QualifiedNameErrors(key));
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(0, 63, true)]
    [InlineData(0, 64, false)]
    [InlineData(1, 63, true)]
    [InlineData(253, 1, true)]
    [InlineData(253, 63, true)]
    [InlineData(254, 1, false)]
    [InlineData(253, 64, false)]
    public void IsQualifiedName_PrefixAndNameLengths_LimitedTo253And63(int prefixLength, int nameLength, bool expected)
    {
        // A subdomain's parts are not limited to 63 characters by Kubernetes' regex, only the whole is to 253.
        var prefix = prefixLength == 0 ? "" : new string('p', prefixLength) + "/";
        var key = prefix + new string('n', nameLength);

        Assert.Equal(expected, KubernetesValidation.IsQualifiedName(key));
    }

    [Fact]
    public void IsQualifiedName_DottedPrefixOf253_True()
    {
        var prefix = string.Join('.', Enumerable.Repeat(new string('a', 63), 4))[..253];

        Assert.True(KubernetesValidation.IsQualifiedName(prefix + "/key"));
        Assert.False(KubernetesValidation.IsQualifiedName(prefix + "b/key"));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a/b/c", "'a/b/c' has more than one '/'")]
    [InlineData("/a", "the prefix before '/' must not be empty")]
    [InlineData("a/", "the name part must not be empty")]
    [InlineData("Example.com/a", "prefix 'Example.com' must be a DNS subdomain")]
    [InlineData("a-", "the name part 'a-' must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "is 64 characters long; at most 63 are allowed")]
    public void QualifiedNameErrors_InvalidKey_NamesTheProblem(string key, string fragment)
    {
        Assert.Contains(KubernetesValidation.QualifiedNameErrors(key), e => e.Contains(fragment, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("a", true)]
    [InlineData("1", true)]
    [InlineData("MyValue", true)]
    [InlineData("my_value", true)]
    [InlineData("A-b_c.d", true)]
    [InlineData("leaf-1.rack_2", true)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("_a", false)]
    [InlineData(".a", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    [InlineData("a:b", false)]
    [InlineData("true\n", false)]
    [InlineData(" true", false)]
    [InlineData("é", false)]
    [InlineData("-1", false)]
    [InlineData("+1", false)]
    public void IsLabelValue_Value_MatchesKubernetes(string? value, bool expected)
    {
        Assert.Equal(expected, KubernetesValidation.IsLabelValue(value));
        Assert.Equal(expected, KubernetesValidation.LabelValueErrors(value).Count == 0);
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void IsLabelValue_Length_AtMost63(int length, bool expected)
    {
        Assert.Equal(expected, KubernetesValidation.IsLabelValue(new string('v', length)));
    }

    [Theory]
    [InlineData("bad value!", "value 'bad value!' must be empty or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit")]
    [InlineData("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", "is 64 characters long; at most 63 are allowed")]
    public void LabelValueErrors_InvalidValue_QuotesTheValue(string value, string fragment)
    {
        Assert.Contains(KubernetesValidation.LabelValueErrors(value), e => e.Contains(fragment, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("a", true)]
    [InlineData("1.2.3", true)]
    [InlineData("a-b.c-d", true)]
    [InlineData("", false)]
    [InlineData("Example.com", false)]
    [InlineData("a_b", false)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("a..b", false)]
    [InlineData("a.", false)]
    [InlineData("a\n", false)]
    public void SubdomainErrors_Value_EmptyOnlyForDns1123Subdomain(string value, bool valid)
    {
        Assert.Equal(valid, KubernetesValidation.SubdomainErrors(value).Count == 0);
    }

    [Theory]
    [InlineData("0", true, 0L)]
    [InlineData("10", true, 10L)]
    [InlineData("007", true, 7L)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("9223372036854775808", false, 0L)]
    [InlineData("-1", false, 0L)]
    [InlineData("+1", false, 0L)]
    [InlineData("1.5", false, 0L)]
    [InlineData("1e3", false, 0L)]
    [InlineData("1_000", false, 0L)]
    [InlineData("0x10", false, 0L)]
    [InlineData(" 1", false, 0L)]
    [InlineData("1\n", false, 0L)]
    [InlineData("", false, 0L)]
    [InlineData("abc", false, 0L)]
    public void TryParseSelectorInteger_Value_UnsignedBase10Only(string value, bool expected, long number)
    {
        Assert.Equal(expected, KubernetesValidation.TryParseSelectorInteger(value, out var result));
        Assert.Equal(number, result);
    }

    [Theory]
    [InlineData("NoSchedule", true, TaintEffect.NoSchedule)]
    [InlineData("PreferNoSchedule", true, TaintEffect.PreferNoSchedule)]
    [InlineData("NoExecute", true, TaintEffect.NoExecute)]
    [InlineData("noschedule", false, TaintEffect.NoSchedule)]
    [InlineData("Noschedule", false, TaintEffect.NoSchedule)]
    [InlineData("NOEXECUTE", false, TaintEffect.NoSchedule)]
    [InlineData("preferNoSchedule", false, TaintEffect.NoSchedule)]
    [InlineData(" NoSchedule", false, TaintEffect.NoSchedule)]
    [InlineData("NoSchedule ", false, TaintEffect.NoSchedule)]
    [InlineData("2", false, TaintEffect.NoSchedule)]
    [InlineData("", false, TaintEffect.NoSchedule)]
    [InlineData(null, false, TaintEffect.NoSchedule)]
    public void TryParseTaintEffect_Text_CaseSensitiveApiNames(string? text, bool expected, TaintEffect effect)
    {
        Assert.Equal(expected, KubernetesValidation.TryParseTaintEffect(text, out var parsed));
        Assert.Equal(effect, parsed);
    }

    [Theory]
    [InlineData("openelb-speaker", "true", TaintEffect.NoSchedule, new string[0])]
    [InlineData("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule, new string[0])]
    [InlineData("k", "v", TaintEffect.PreferNoSchedule, new string[0])]
    [InlineData("k", "v", TaintEffect.NoExecute, new string[0])]
    [InlineData("bad key!", "v", TaintEffect.NoSchedule, new[] { "spec.taints[0].key" })]
    [InlineData("", "v", TaintEffect.NoSchedule, new[] { "spec.taints[0].key" })]
    [InlineData("k", "bad value!", TaintEffect.NoSchedule, new[] { "spec.taints[0].value" })]
    [InlineData("k", "v", (TaintEffect)42, new[] { "spec.taints[0].effect" })]
    [InlineData("a/b/c", "-", (TaintEffect)(-1), new[] { "spec.taints[0].key", "spec.taints[0].value", "spec.taints[0].effect" })]
    public void ValidateTaint_Taint_ErrorsAtFieldPaths(string key, string value, TaintEffect effect, string[] paths)
    {
        var errors = KubernetesValidation.ValidateTaint(new Taint(key, value, effect), "spec.taints[0]").ToList();

        Assert.Equal(paths, errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("bad key!", "v", TaintEffect.NoSchedule, "spec.taints[0].key: key 'bad key!': ")]
    [InlineData("k", "bad value!", TaintEffect.NoSchedule, "spec.taints[0].value: value 'bad value!' ")]
    [InlineData("k", "v", (TaintEffect)42, "spec.taints[0].effect: effect '42' is not one of NoSchedule, PreferNoSchedule, NoExecute")]
    public void ValidateTaint_InvalidTaint_MessageHasPathAndValue(string key, string value, TaintEffect effect, string expectedStart)
    {
        var error = Assert.Single(KubernetesValidation.ValidateTaint(new Taint(key, value, effect), "spec.taints[0]"));

        Assert.StartsWith(expectedStart, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "k=a:NoSchedule", "k=a:NoExecute", "k=a:PreferNoSchedule" }, new string[0])]
    [InlineData(new[] { "a=1:NoSchedule", "b=1:NoSchedule" }, new string[0])]
    [InlineData(new[] { "k=a:NoSchedule", "k=b:NoSchedule" }, new[] { "taints[1]: taint 'k:NoSchedule' appears twice: a key and effect pair must be unique" })]
    [InlineData(new[] { "k:NoExecute", "other:NoSchedule", "k=x:NoExecute" }, new[] { "taints[2]: taint 'k:NoExecute' appears twice: a key and effect pair must be unique" })]
    [InlineData(new[] { "k:NoSchedule", "k:NoSchedule", "k:NoSchedule" }, new[] { "taints[1]: taint 'k:NoSchedule' appears twice: a key and effect pair must be unique", "taints[2]: taint 'k:NoSchedule' appears twice: a key and effect pair must be unique" })]
    [InlineData(new[] { "K:NoSchedule", "k:NoSchedule" }, new string[0])]
    public void ValidateTaints_List_DuplicateKeyAndEffectRejected(string[] taints, string[] expected)
    {
        var list = taints.Select(Scheduling.SchedulingNotation.Taint).ToList();

        Assert.Equal(expected, KubernetesValidation.ValidateTaints(list, "taints").Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("k", TolerationOperator.Equal, "v", TaintEffect.NoSchedule, null, new string[0])]
    [InlineData("k", TolerationOperator.Equal, "", null, null, new string[0])]
    [InlineData("k", TolerationOperator.Exists, "", null, null, new string[0])]
    [InlineData("", TolerationOperator.Exists, "", null, null, new string[0])]
    [InlineData("", TolerationOperator.Exists, "", TaintEffect.NoExecute, 300L, new string[0])]
    [InlineData("k", TolerationOperator.Exists, "", TaintEffect.NoExecute, 300L, new string[0])]
    [InlineData("k", TolerationOperator.Equal, "v", TaintEffect.NoExecute, 0L, new string[0])]
    // An empty key requires Exists.
    [InlineData("", TolerationOperator.Equal, "", null, null, new[] { "t.operator" })]
    [InlineData("", TolerationOperator.Equal, "v", TaintEffect.NoSchedule, null, new[] { "t.operator" })]
    // Exists takes no value.
    [InlineData("k", TolerationOperator.Exists, "v", null, null, new[] { "t.value" })]
    [InlineData("", TolerationOperator.Exists, "v", null, null, new[] { "t.value" })]
    // tolerationSeconds only with NoExecute (an empty effect is not NoExecute).
    [InlineData("k", TolerationOperator.Exists, "", TaintEffect.NoSchedule, 300L, new[] { "t.tolerationSeconds" })]
    [InlineData("k", TolerationOperator.Exists, "", TaintEffect.PreferNoSchedule, 300L, new[] { "t.tolerationSeconds" })]
    [InlineData("k", TolerationOperator.Exists, "", null, 300L, new[] { "t.tolerationSeconds" })]
    // Key and value rules.
    [InlineData("bad key!", TolerationOperator.Exists, "", null, null, new[] { "t.key" })]
    [InlineData("a/b/c", TolerationOperator.Equal, "v", null, null, new[] { "t.key" })]
    [InlineData("k", TolerationOperator.Equal, "bad value!", null, null, new[] { "t.value" })]
    [InlineData("bad key!", TolerationOperator.Exists, "v", TaintEffect.NoSchedule, 5L, new[] { "t.key", "t.value", "t.tolerationSeconds" })]
    public void ValidateToleration_Toleration_ErrorsAtFieldPaths(string key, TolerationOperator op, string value, TaintEffect? effect, long? seconds, string[] paths)
    {
        var errors = KubernetesValidation.ValidateToleration(new Toleration(key, op, value, effect, seconds), "t").ToList();

        Assert.Equal(paths, errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("", TolerationOperator.Equal, "", "tolerations[3].operator: an empty key requires operator Exists")]
    [InlineData("k", TolerationOperator.Exists, "on", "tolerations[3].value: value 'on' must be empty when operator is Exists")]
    [InlineData("k", TolerationOperator.Equal, "bad value!", "tolerations[3].value: value 'bad value!' ")]
    [InlineData("bad key!", TolerationOperator.Exists, "", "tolerations[3].key: key 'bad key!': ")]
    public void ValidateToleration_InvalidToleration_MessageHasPathAndValue(string key, TolerationOperator op, string value, string expectedStart)
    {
        var error = Assert.Single(KubernetesValidation.ValidateToleration(new Toleration(key, op, value), "tolerations[3]"));

        Assert.StartsWith(expectedStart, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zone", "In", new[] { "a" }, new string[0])]
    [InlineData("zone", "In", new[] { "a", "b", "" }, new string[0])]
    [InlineData("zone", "In", new string[0], new[] { ".values" })]
    [InlineData("zone", "In", new[] { "a", "bad value!" }, new[] { ".values[1]" })]
    [InlineData("zone", "NotIn", new[] { "a" }, new string[0])]
    [InlineData("zone", "NotIn", new string[0], new[] { ".values" })]
    [InlineData("zone", "NotIn", new[] { "-a", "b-" }, new[] { ".values[0]", ".values[1]" })]
    [InlineData("zone", "Exists", new string[0], new string[0])]
    [InlineData("zone", "Exists", new[] { "a" }, new[] { ".values" })]
    [InlineData("zone", "DoesNotExist", new string[0], new string[0])]
    [InlineData("zone", "DoesNotExist", new[] { "a", "b" }, new[] { ".values" })]
    [InlineData("size", "Gt", new[] { "10" }, new string[0])]
    [InlineData("size", "Gt", new string[0], new[] { ".values" })]
    [InlineData("size", "Gt", new[] { "1", "2" }, new[] { ".values" })]
    [InlineData("size", "Gt", new[] { "ten" }, new[] { ".values[0]" })]
    [InlineData("size", "Gt", new[] { "-1" }, new[] { ".values[0]" })]
    [InlineData("size", "Lt", new[] { "10" }, new string[0])]
    [InlineData("size", "Lt", new string[0], new[] { ".values" })]
    [InlineData("size", "Lt", new[] { "1", "2" }, new[] { ".values" })]
    [InlineData("size", "Lt", new[] { "1.5" }, new[] { ".values[0]" })]
    [InlineData("zone", "Unknown", new[] { "a" }, new[] { ".operator" })]
    [InlineData("zone", "in", new[] { "a" }, new[] { ".operator" })]
    [InlineData("zone", "", new string[0], new[] { ".operator" })]
    [InlineData("bad key!", "In", new[] { "a" }, new[] { ".key" })]
    [InlineData("bad key!", "In", new string[0], new[] { ".key", ".values" })]
    [InlineData("", "Exists", new[] { "bad value!" }, new[] { ".key", ".values", ".values[0]" })]
    [InlineData("bad key!", "Gt", new[] { "x" }, new[] { ".key", ".values[0]" })]
    public void ValidateNodeSelectorRequirement_OperatorAndValues_ConsistencyEnforced(string key, string op, string[] values, string[] pathSuffixes)
    {
        var errors = KubernetesValidation.ValidateNodeSelectorRequirement(NodeSelectorRequirement.Of(key, op, values), RequirementPath).ToList();

        Assert.Equal(pathSuffixes.Select(s => RequirementPath + s), errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("zone", "In", new string[0], ".values: operator In needs at least one value")]
    [InlineData("zone", "Exists", new[] { "a", "b" }, ".values: operator Exists takes no values, but 2 were given")]
    [InlineData("size", "Lt", new[] { "1", "2" }, ".values: operator Lt needs exactly one value, not 2")]
    [InlineData("size", "Gt", new[] { "ten" }, ".values[0]: operator Gt compares integers, and 'ten' is not a whole number")]
    [InlineData("zone", "Matches", new[] { "a" }, ".operator: operator 'Matches' is not one of In, NotIn, Exists, DoesNotExist, Gt, Lt")]
    [InlineData("zone", "In", new[] { "bad value!" }, ".values[0]: value 'bad value!' ")]
    [InlineData("bad key!", "Exists", new string[0], ".key: key 'bad key!': ")]
    public void ValidateNodeSelectorRequirement_InvalidRequirement_MessageHasPathAndValue(string key, string op, string[] values, string expectedAfterPath)
    {
        var error = Assert.Single(KubernetesValidation.ValidateNodeSelectorRequirement(NodeSelectorRequirement.Of(key, op, values), RequirementPath));

        Assert.StartsWith(RequirementPath + expectedAfterPath, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metadata.name", "In", new[] { "node1" }, new string[0])]
    [InlineData("metadata.name", "NotIn", new[] { "node1" }, new string[0])]
    [InlineData("metadata.name", "In", new string[0], new[] { "f.values" })]
    [InlineData("metadata.name", "In", new[] { "node1", "node2" }, new[] { "f.values" })]
    [InlineData("metadata.name", "NotIn", new[] { "node1", "node2" }, new[] { "f.values" })]
    [InlineData("metadata.name", "Exists", new string[0], new[] { "f.operator" })]
    [InlineData("metadata.name", "DoesNotExist", new string[0], new[] { "f.operator" })]
    [InlineData("metadata.name", "Gt", new[] { "1" }, new[] { "f.operator" })]
    [InlineData("metadata.name", "Lt", new[] { "1" }, new[] { "f.operator" })]
    [InlineData("kubernetes.io/hostname", "In", new[] { "node1" }, new[] { "f.key" })]
    [InlineData("metadata.namespace", "In", new[] { "x" }, new[] { "f.key" })]
    [InlineData("metadata.labels", "Exists", new string[0], new[] { "f.key", "f.operator" })]
    public void ValidateNodeSelectorRequirement_MatchFields_OnlyMetadataNameInOrNotInWithOneValue(string key, string op, string[] values, string[] paths)
    {
        var errors = KubernetesValidation.ValidateNodeSelectorRequirement(NodeSelectorRequirement.Of(key, op, values), "f", isField: true).ToList();

        Assert.Equal(paths, errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("kubernetes.io/hostname", "In", new[] { "node1" }, "f.key: field 'kubernetes.io/hostname' is not supported: matchFields only supports 'metadata.name'")]
    [InlineData("metadata.name", "Exists", new string[0], "f.operator: operator 'Exists' is not supported in matchFields: use In or NotIn")]
    [InlineData("metadata.name", "In", new[] { "node1", "node2" }, "f.values: matchFields with In needs exactly one value (a node name), not 2")]
    public void ValidateNodeSelectorRequirement_InvalidMatchField_MessageHasPathAndValue(string key, string op, string[] values, string expectedStart)
    {
        var error = Assert.Single(KubernetesValidation.ValidateNodeSelectorRequirement(NodeSelectorRequirement.Of(key, op, values), "f", isField: true));

        Assert.StartsWith(expectedStart, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zone", "In", new[] { "a" }, new string[0])]
    [InlineData("zone", "NotIn", new[] { "a" }, new string[0])]
    [InlineData("zone", "Exists", new string[0], new string[0])]
    [InlineData("zone", "DoesNotExist", new string[0], new string[0])]
    [InlineData("size", "Gt", new[] { "1" }, new[] { "s.operator" })]
    [InlineData("size", "Lt", new[] { "1" }, new[] { "s.operator" })]
    [InlineData("zone", "In", new string[0], new[] { "s.values" })]
    [InlineData("zone", "Exists", new[] { "a" }, new[] { "s.values" })]
    [InlineData("zone", "Unknown", new[] { "a" }, new[] { "s.operator" })]
    [InlineData("bad key!", "In", new[] { "bad value!" }, new[] { "s.key", "s.values[0]" })]
    public void ValidateLabelSelectorRequirement_Requirement_NoGtOrLt(string key, string op, string[] values, string[] paths)
    {
        var errors = KubernetesValidation.ValidateLabelSelectorRequirement(LabelSelectorRequirement.Of(key, op, values), "s").ToList();

        Assert.Equal(paths, errors.Select(e => e.Path));
    }

    [Fact]
    public void ValidateLabelSelectorRequirement_Gt_MessageSaysNotValidInLabelSelector()
    {
        var error = Assert.Single(KubernetesValidation.ValidateLabelSelectorRequirement(LabelSelectorRequirement.Of("size", "Gt", "1"), "spec.nodeSelector.matchExpressions[0]"));

        Assert.Equal("spec.nodeSelector.matchExpressions[0].operator: operator 'Gt' is not valid in a label selector: use In, NotIn, Exists or DoesNotExist", error.ToString());
    }

    [Theory]
    [InlineData("unrestricted", new string[0])]
    [InlineData("kubectl manifest", new string[0])]
    [InlineData("seed", new string[0])]
    [InlineData("bad nodeSelector key", new[] { "nodeSelector[bad key!]: key 'bad key!': " })]
    [InlineData("bad nodeSelector value", new[] { "nodeSelector[openelb-speaker]: value 'not ok' " })]
    [InlineData("empty term list", new[] { "affinity.nodeSelectorTerms: required node affinity needs at least one term" })]
    [InlineData("empty second term", new[] { "affinity.nodeSelectorTerms[1]: a term needs at least one requirement" })]
    [InlineData("bad second requirement", new[] { "affinity.nodeSelectorTerms[0].matchExpressions[1].values: operator In needs at least one value" })]
    [InlineData("bad match field", new[] { "affinity.nodeSelectorTerms[0].matchFields[0].key: field 'kubernetes.io/hostname' is not supported" })]
    [InlineData("bad second toleration", new[] { "tolerations[1].operator: an empty key requires operator Exists" })]
    [InlineData("several problems", new[]
    {
        "nodeSelector[a/b/c]: key 'a/b/c': 'a/b/c' has more than one '/'",
        "affinity.nodeSelectorTerms[0].matchExpressions[0].values[0]: operator Gt compares integers, and 'big' is not a whole number",
        "tolerations[0].tolerationSeconds: tolerationSeconds is only allowed with effect NoExecute",
    })]
    public void ValidatePlacement_Placement_EveryProblemWithItsPath(string placement, string[] expectedStarts)
    {
        var errors = KubernetesValidation.ValidatePlacement(s_placements[placement]).Select(e => e.ToString()).ToList();

        Assert.Equal(expectedStarts.Length, errors.Count);
        for (var i = 0; i < errors.Count; i++)
        {
            Assert.StartsWith(expectedStarts[i], errors[i], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("openelb-speaker", "p", new string[0])]
    [InlineData("a/b/c", "p", new[] { "p: key 'a/b/c': 'a/b/c' has more than one '/'" })]
    [InlineData("", "labels", new[] { "labels: key '': must not be empty" })]
    [InlineData("-x", "labels[-x]", new[] { "labels[-x]: key '-x': the name part '-x' must consist of" })]
    public void ValidateKey_Key_ErrorsQuoteKeyUnderPath(string key, string path, string[] expectedStarts)
    {
        var errors = KubernetesValidation.ValidateKey(key, path).Select(e => e.ToString()).ToList();

        Assert.Equal(expectedStarts.Length, errors.Count);
        Assert.All(errors.Zip(expectedStarts), pair => Assert.StartsWith(pair.Second, pair.First, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("true", new string[0])]
    [InlineData("", new string[0])]
    [InlineData("no way", new[] { "labels[x]" })]
    public void ValidateValue_Value_ErrorsUnderPath(string value, string[] paths)
    {
        Assert.Equal(paths, KubernetesValidation.ValidateValue(value, "labels[x]").Select(e => e.Path));
    }
}
