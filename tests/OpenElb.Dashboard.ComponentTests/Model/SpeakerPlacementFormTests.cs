using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

/// <summary>The Speaker placement wizard's form: editors from the current placement, Core's reasons per field, parts and presets.</summary>
public sealed class SpeakerPlacementFormTests
{
    private static readonly SpeakerPlacement s_manifest = SpeakerPlacement.KubectlManifestDefault;
    private static readonly Toleration s_seedToleration = new("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule);

    private static string[] CoreReasons(NodeSelectorRequirement requirement) =>
        KubernetesValidation.ValidateNodeSelectorRequirement(requirement, "").Where(static e => e.Path != ".key").Select(static e => e.Message).ToArray();

    private static string[] CoreReasons(Toleration toleration, string field) =>
        KubernetesValidation.ValidateToleration(toleration, "").Where(e => e.Path == field).Select(static e => e.Message).ToArray();

    private static SpeakerPlacementForm WithExpression(ExpressionRow row)
    {
        var form = new SpeakerPlacementForm(s_manifest);
        form.AddTerm();
        form.Terms[0].Expressions[0] = row;
        return form;
    }

    [Fact]
    public void New_KubectlManifestDefault_EditorsHoldTheCurrentPlacementAndNothingToWrite()
    {
        var form = new SpeakerPlacementForm(s_manifest);

        Assert.Equal(["kubernetes.io/os=linux"], form.Selector.Select(static r => $"{r.Key}={r.Value}"));
        Assert.Empty(form.Terms);
        Assert.Equal(s_manifest.Tolerations, form.Tolerations.Select(static t => t.ToToleration()));
        Assert.Equal(s_manifest, form.ToPlacement());
        Assert.Equal(PlacementParts.None, form.Parts);
        Assert.False(form.HasErrors);
        Assert.False(form.CanPreview);
    }

    [Fact]
    public void New_AffinityWithMatchFields_KeepsTheTermsAndTheirMatchFields()
    {
        var term = new NodeSelectorTerm(
            EquatableArray.Create(NodeSelectorRequirement.Of("rack", SelectorOperators.NotIn, "r1", "r2"), NodeSelectorRequirement.Of("gpu", SelectorOperators.DoesNotExist)),
            EquatableArray.Create(NodeSelectorRequirement.Of("metadata.name", SelectorOperators.In, "n1")));
        var current = s_manifest with { RequiredNodeAffinity = EquatableArray.Create(term, NodeSelectorTerm.Of(NodeSelectorRequirement.Of("size", SelectorOperators.Gt, "3"))) };

        var form = new SpeakerPlacementForm(current);

        Assert.Equal(2, form.Terms.Count);
        Assert.Equal("r1,r2", form.Terms[0].Expressions[0].Values);
        Assert.Equal(current, form.ToPlacement());
        Assert.Equal(PlacementParts.None, form.Parts);
    }

    [Theory]
    [InlineData(SelectorOperators.In, "a, b", new[] { "a", "b" }, true)]
    [InlineData(SelectorOperators.In, "", new string[0], false)]
    [InlineData(SelectorOperators.In, "not valid!", new[] { "not valid!" }, false)]
    [InlineData(SelectorOperators.NotIn, "x", new[] { "x" }, true)]
    [InlineData(SelectorOperators.NotIn, " , ", new string[0], false)]
    [InlineData(SelectorOperators.Exists, "ignored", new string[0], true)]
    [InlineData(SelectorOperators.DoesNotExist, "ignored,too", new string[0], true)]
    [InlineData(SelectorOperators.Gt, "5", new[] { "5" }, true)]
    [InlineData(SelectorOperators.Gt, "1,2", new[] { "1", "2" }, false)]
    [InlineData(SelectorOperators.Gt, "", new string[0], false)]
    [InlineData(SelectorOperators.Lt, "abc", new[] { "abc" }, false)]
    [InlineData(SelectorOperators.Lt, "-1", new[] { "-1" }, false)]
    [InlineData(SelectorOperators.Lt, "10", new[] { "10" }, true)]
    [InlineData("Near", "x", new[] { "x" }, false)]
    public void ExpressionRow_EveryOperator_ValuesParsedAndCoresReasons(string op, string values, string[] parsed, bool valid)
    {
        var row = new ExpressionRow { Key = "example.com/size", Operator = op, Values = values };
        var expected = new NodeSelectorRequirement("example.com/size", op, new(parsed));

        Assert.Equal(expected, row.ToRequirement());
        Assert.Equal(CoreReasons(expected), row.ValuesErrors);
        Assert.Equal(valid, row.ValuesErrors.Count == 0);
        Assert.Empty(row.KeyErrors);
        Assert.Equal(!valid, WithExpression(row).HasErrors);
        Assert.Equal(valid, WithExpression(row).CanPreview);
    }

    [Fact]
    public void ExpressionRow_BadKey_CoresKeyReasonOnTheKeyOnly()
    {
        var row = new ExpressionRow { Key = "bad key!", Operator = SelectorOperators.Exists };

        Assert.Equal(KubernetesValidation.ValidateKey("bad key!", "").Select(static e => e.Message), row.KeyErrors);
        Assert.NotEmpty(row.KeyErrors);
        Assert.Empty(row.ValuesErrors);
        Assert.True(WithExpression(row).HasErrors);
    }

    [Fact]
    public void TermRow_NoExpressions_CoresEmptyTermReason()
    {
        var form = new SpeakerPlacementForm(s_manifest);
        form.AddTerm();
        form.Terms[0].Expressions.Clear();

        var expected = KubernetesValidation.ValidatePlacement(s_manifest with { RequiredNodeAffinity = EquatableArray.Create(NodeSelectorTerm.Of()) })
            .Single(static e => e.Path == "affinity.nodeSelectorTerms[0]").Message;
        Assert.Equal([expected], form.Terms[0].Errors);
        Assert.True(form.HasErrors);
        Assert.False(form.CanPreview);
    }

    [Fact]
    public void SelectorRow_BadKeyAndValue_CoresReasons()
    {
        var form = new SpeakerPlacementForm(s_manifest);
        form.AddSelector();
        form.Selector[1].Key = "a/b/c";
        form.Selector[1].Value = "-x";

        Assert.Equal(KubernetesValidation.ValidateKey("a/b/c", "").Select(static e => e.Message), form.SelectorKeyErrors(form.Selector[1]));
        Assert.Equal(KubernetesValidation.ValidateValue("-x", "").Select(static e => e.Message), form.Selector[1].ValueErrors);
        Assert.NotEmpty(form.Selector[1].ValueErrors);
        Assert.False(form.CanPreview);
    }

    [Fact]
    public void SelectorRow_KeyTwice_DuplicateReasonOnBothRows()
    {
        var form = new SpeakerPlacementForm(s_manifest);
        form.AddSelector();
        form.Selector[1].Key = "kubernetes.io/os";
        form.Selector[1].Value = "windows";

        Assert.Equal([SpeakerPlacementForm.DuplicateKey], form.SelectorKeyErrors(form.Selector[0]));
        Assert.Equal([SpeakerPlacementForm.DuplicateKey], form.SelectorKeyErrors(form.Selector[1]));
        Assert.True(form.HasErrors);
        Assert.False(form.CanPreview);
    }

    [Fact]
    public void TolerationRow_EmptyKeyWithEqual_CoresOperatorReason()
    {
        var row = new TolerationRow { Key = "", Operator = TolerationOperator.Equal, Value = "x" };

        Assert.Equal(CoreReasons(new Toleration("", TolerationOperator.Equal, "x"), ".operator"), row.KeyErrors);
        Assert.NotEmpty(row.KeyErrors);
        row.Operator = TolerationOperator.Exists;
        Assert.Empty(row.KeyErrors);
        // The value input is hidden for Exists, and what it held is not written.
        Assert.Equal(new Toleration("", TolerationOperator.Exists), row.ToToleration());
        Assert.Empty(row.ValueErrors);
    }

    [Fact]
    public void TolerationRow_BadValue_CoresValueReason()
    {
        var row = new TolerationRow { Key = "dedicated", Value = "lb!" };

        Assert.Equal(CoreReasons(new Toleration("dedicated", TolerationOperator.Equal, "lb!"), ".value"), row.ValueErrors);
        Assert.NotEmpty(row.ValueErrors);
    }

    [Theory]
    [InlineData(TaintEffect.NoExecute, "30", 30L, false)]
    [InlineData(TaintEffect.NoExecute, "", null, false)]
    [InlineData(TaintEffect.NoExecute, "soon", null, true)]
    [InlineData(TaintEffect.NoSchedule, "30", null, false)]
    [InlineData(null, "soon", null, false)]
    public void TolerationRow_Seconds_OnlyForNoExecute(TaintEffect? effect, string seconds, long? written, bool error)
    {
        var row = new TolerationRow { Key = "maintenance", Operator = TolerationOperator.Exists, Effect = effect, Seconds = seconds };

        Assert.Equal(written, row.ToToleration().TolerationSeconds);
        Assert.Equal(effect == TaintEffect.NoExecute, row.TakesSeconds);
        Assert.Equal(error ? [TolerationRow.SecondsNotANumber] : [], row.SecondsErrors);
    }

    [Fact]
    public void Parts_EachEditor_OnlyItsPartAndResetClearsThem()
    {
        var form = new SpeakerPlacementForm(s_manifest);

        form.Selector[0].Value = "windows";
        Assert.Equal(PlacementParts.NodeSelector, form.Parts);
        form.AddTerm();
        form.Terms[0].Expressions[0].Key = "rack";
        form.Terms[0].Expressions[0].Operator = SelectorOperators.Exists;
        Assert.Equal(PlacementParts.NodeSelector | PlacementParts.NodeAffinity, form.Parts);
        form.Tolerations.RemoveAt(0);
        Assert.Equal(PlacementParts.All, form.Parts);
        Assert.Equal(new SetSpeakerPlacement(form.ToPlacement(), PlacementParts.All), form.ToRequest());

        form.Reset();

        Assert.Equal(PlacementParts.None, form.Parts);
        Assert.Equal(s_manifest, form.ToPlacement());
    }

    [Fact]
    public void Parts_ValueChangedBackToCurrent_None()
    {
        var form = new SpeakerPlacementForm(s_manifest);
        form.Tolerations[1].Effect = TaintEffect.NoExecute;
        Assert.Equal(PlacementParts.Tolerations, form.Parts);

        form.Tolerations[1].Effect = TaintEffect.NoSchedule;

        Assert.Equal(PlacementParts.None, form.Parts);
    }

    [Fact]
    public void Preset_NodeSelector_MergesTheSeedLabelIntoTheSelectorOnce()
    {
        var form = new SpeakerPlacementForm(s_manifest);

        form.Apply(SpeakerPlacementForm.NodeSelectorPreset);
        form.Apply(SpeakerPlacementForm.NodeSelectorPreset);

        Assert.Equal(LabelSet.Of(("kubernetes.io/os", "linux"), ("openelb-speaker", "true")), form.ToPlacement().NodeSelector);
        Assert.Equal(PlacementParts.NodeSelector, form.Parts);
        Assert.True(form.CanPreview);
    }

    [Fact]
    public void Preset_NodeAffinity_OneTermWithAnInRequirement()
    {
        var current = s_manifest with { RequiredNodeAffinity = EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("old", SelectorOperators.Exists))) };
        var form = new SpeakerPlacementForm(current);

        form.Apply(SpeakerPlacementForm.NodeAffinityPreset);

        Assert.Equal(
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("openelb-speaker", SelectorOperators.In, "true"))),
            form.ToPlacement().RequiredNodeAffinity);
        Assert.Equal(PlacementParts.NodeAffinity, form.Parts);
    }

    [Fact]
    public void Preset_Toleration_AddsTheSeedTolerationAndKeepsTheControlPlaneOnes()
    {
        var form = new SpeakerPlacementForm(s_manifest);

        form.Apply(SpeakerPlacementForm.TolerationPreset);
        form.Apply(SpeakerPlacementForm.TolerationPreset);

        Assert.Equal([.. s_manifest.Tolerations, s_seedToleration], form.ToPlacement().Tolerations);
        Assert.Equal(PlacementParts.Tolerations, form.Parts);
        Assert.Contains("does not keep speakers off the other nodes", SpeakerPlacementForm.TolerationPreset.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Presets_TheSeedsThreeRecipes_EachSaysWhatItDoes()
    {
        Assert.Equal(["node-selector", "node-affinity", "toleration"], SpeakerPlacementForm.Presets.Select(static p => p.Id));
        Assert.All(SpeakerPlacementForm.Presets, static p => Assert.Contains("openelb-speaker", p.Explanation, StringComparison.Ordinal));
    }

    [Fact]
    public void ToRequest_NodeSelectorPreset_PlanLosesTheUnlabelledNodesAndWritesOnlyTheSelector()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Node("a1", [("openelb-speaker", "true")])
            .Node("a2")
            .Speaker(s_manifest)
            .Pod("a1").Pod("a2")
            .Build();
        var form = new SpeakerPlacementForm(snapshot.Speaker!.Placement);
        form.Apply(SpeakerPlacementForm.NodeSelectorPreset);

        var plan = ChangePlanner.Plan(snapshot, form.ToRequest());

        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Equal(["a2"], plan.Losing.Select(static n => n.NodeName));
        var patch = Assert.Single(plan.Patches);
        Assert.Contains("openelb-speaker", patch.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("tolerations", patch.Body, StringComparison.Ordinal);
    }
}
