using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Components.Wizards;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Model;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Wizards;

/// <summary>
/// The Speaker placement wizard against the demo simulator (DaemonSet nodeSelector kubernetes.io/os=linux +
/// openelb-speaker=true, the manifest's two control-plane tolerations), with the real executor and a SQLite audit store.
/// </summary>
public sealed class SpeakerPlacementWizardTests : WizardTestContext
{
    private static string Text(IRenderedComponent<SpeakerPlacementWizard> cut, string section) =>
        cut.Find($"[data-section={section}]").TextContent;

    [Fact]
    public void Render_DemoCluster_EditorsShowTheCurrentPlacementAndNothingToPreview()
    {
        var cut = Render<SpeakerPlacementWizard>();

        Assert.Equal("kubernetes.io/os", cut.Find("#selector-key-0").GetAttribute("value"));
        Assert.Equal("linux", cut.Find("#selector-value-0").GetAttribute("value"));
        Assert.Equal("openelb-speaker", cut.Find("#selector-key-1").GetAttribute("value"));
        Assert.Equal("true", cut.Find("#selector-value-1").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-term]"));
        Assert.Equal("node-role.kubernetes.io/master", cut.Find("#toleration-0-key").GetAttribute("value"));
        Assert.Equal("node-role.kubernetes.io/control-plane", cut.Find("#toleration-1-key").GetAttribute("value"));
        Assert.Empty(cut.FindAll("#toleration-0-value"));
        Assert.Equal(nameof(PlacementParts.None), cut.Find("[data-parts]").GetAttribute("data-parts"));
        Assert.True(Disabled(cut, "preview"));
        Assert.Empty(cut.FindAll("[data-banner=no-speaker]"));
        Assert.Empty(cut.FindAll("[data-section=preview]"));
    }

    [Fact]
    public void Preview_SelectorOnRackC_ShowsNodesThatGainAndLoseWithoutChangingTheCluster()
    {
        var cut = Render<SpeakerPlacementWizard>();
        cut.Find("#selector-key-1").Input("openelb.kubesphere.io/rack");
        cut.Find("#selector-value-1").Input("rack-c");
        cut.WaitForAssertion(() => Assert.Equal(nameof(PlacementParts.NodeSelector), cut.Find("[data-parts]").GetAttribute("data-parts")));

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));
        Assert.Equal("gains", cut.Find("[data-table=nodes] tr[data-node=worker-c2]").GetAttribute("data-outcome"));
        Assert.Equal("loses", cut.Find("[data-table=nodes] tr[data-node=worker-a1]").GetAttribute("data-outcome"));
        Assert.Equal("loses", cut.Find("[data-table=nodes] tr[data-node=worker-b1]").GetAttribute("data-outcome"));
        Assert.Contains("rack-c", cut.Find("[data-patch=openelb-speaker] pre").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("tolerations", cut.Find("[data-patch=openelb-speaker] pre").TextContent, StringComparison.Ordinal);
        // leaf-a and leaf-b lose both their speakers: applying needs the typed word.
        Assert.NotEmpty(cut.FindAll("[data-banner=redundancy-drop]"));
        Assert.True(Disabled(cut, "apply"));
        Assert.Equal("true", Host.State.Current.Speaker!.Placement.NodeSelector.GetValueOrDefault("openelb-speaker"));

        // An edit after the preview makes it stale: it disappears until previewed again.
        cut.Find("#selector-value-1").Input("rack-b");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-section=preview]")));
    }

    [Fact]
    public void SelectorKey_Invalid_ShowsCoresReasonAndDisablesPreview()
    {
        var cut = Render<SpeakerPlacementWizard>();
        var expected = KubernetesValidation.ValidateKey("bad key!", "key").First().Message;

        cut.Find("#selector-key-1").Input("bad key!");

        cut.WaitForAssertion(() => Assert.Contains(expected, Text(cut, "node-selector"), StringComparison.Ordinal));
        Assert.True(Disabled(cut, "preview"));
        cut.Find("#selector-key-1").Input("example.com/speaker");
        cut.WaitForAssertion(() => Assert.DoesNotContain(expected, Text(cut, "node-selector"), StringComparison.Ordinal));
        Assert.False(Disabled(cut, "preview"));
    }

    [Fact]
    public async Task AffinityExpression_GtWithText_ShowsCoresReasonUntilAWholeNumber()
    {
        var cut = Render<SpeakerPlacementWizard>();
        cut.Find("[data-action=add-term]").Click();
        cut.WaitForElement("#term-0-expr-0-key").Input("example.com/size");
        var select = cut.FindComponents<MudSelect<string>>().Single();

        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(SelectorOperators.Gt));
        cut.Find("#term-0-expr-0-values").Input("abc");

        var expected = Assert.Single(KubernetesValidation.ValidateNodeSelectorRequirement(NodeSelectorRequirement.Of("example.com/size", SelectorOperators.Gt, "abc"), "")).Message;
        cut.WaitForAssertion(() => Assert.Contains(expected, Text(cut, "affinity"), StringComparison.Ordinal));
        Assert.True(Disabled(cut, "preview"));
        cut.Find("#term-0-expr-0-values").Input("3");
        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "preview")));
        Assert.Equal(nameof(PlacementParts.NodeAffinity), cut.Find("[data-parts]").GetAttribute("data-parts"));

        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(SelectorOperators.Exists));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#term-0-expr-0-values")));
        Assert.False(Disabled(cut, "preview"));
    }

    [Fact]
    public void Preset_Toleration_AddsARowSaysItsCaveatAndPreviewWarnsOfIt()
    {
        var cut = Render<SpeakerPlacementWizard>();
        Assert.Contains(SpeakerPlacementForm.TolerationPreset.Explanation, Text(cut, "presets"), StringComparison.Ordinal);

        cut.Find("[data-preset=toleration]").Click();

        cut.WaitForAssertion(() => Assert.Equal("openelb-speaker", cut.Find("#toleration-2-key").GetAttribute("value")));
        Assert.Equal("true", cut.Find("#toleration-2-value").GetAttribute("value"));
        Assert.Equal(nameof(PlacementParts.Tolerations), cut.Find("[data-parts]").GetAttribute("data-parts"));
        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));
        Assert.Contains(cut.FindAll("[data-warning]"), static w => w.TextContent.Contains("does not keep speakers off the other nodes", StringComparison.Ordinal));
        Assert.False(Disabled(cut, "apply"));
    }

    [Fact]
    public void ResetToCurrent_AfterEdits_EditorsBackToTheClustersPlacement()
    {
        var cut = Render<SpeakerPlacementWizard>();
        cut.Find("[data-preset=node-affinity]").Click();
        cut.WaitForElement("#term-0-expr-0-key");
        cut.FindAll("[data-action=remove-toleration]")[0].Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-toleration-row]")));
        Assert.Equal((PlacementParts.NodeAffinity | PlacementParts.Tolerations).ToString(), cut.Find("[data-parts]").GetAttribute("data-parts"));
        Assert.Equal("openelb-speaker", cut.Find("#term-0-expr-0-key").GetAttribute("value"));
        cut.Find("[data-action=add-term]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["Term 1", "or term 2"], cut.FindAll("[data-term] h3").Select(static h => h.TextContent.Trim())));

        cut.Find("[data-action=reset]").Click();

        cut.WaitForAssertion(() => Assert.Equal(nameof(PlacementParts.None), cut.Find("[data-parts]").GetAttribute("data-parts")));
        Assert.Empty(cut.FindAll("[data-term]"));
        Assert.Equal(2, cut.FindAll("[data-toleration-row]").Count);
        Assert.True(Disabled(cut, "preview"));
    }

    [Fact]
    public async Task Apply_TolerationPreset_SucceedsAndIsAudited()
    {
        var ct = TestContext.Current.CancellationToken;
        var cut = Render<SpeakerPlacementWizard>();
        cut.Find("[data-preset=toleration]").Click();
        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "preview")));
        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "apply")));

        ClickCurrent(cut, "[data-action=apply]");

        // A write, its dry run and two audit commits: seconds on a loaded machine, not bUnit's default second.
        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")), s_timeout);
        var href = cut.Find("[data-link=audit]").GetAttribute("href")!;
        var correlation = Guid.Parse(href[(href.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var entry = Assert.Single(await Services.GetRequiredService<SqliteAuditLog>().GetStepsAsync(correlation, ct).WaitAsync(s_timeout, ct));
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(AuditAction.SetSpeakerPlacement, entry.Action);
        using var timeout = new CancellationTokenSource(s_timeout);
        while (Host.State.Current.Speaker!.Placement.Tolerations.Count != 3)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
