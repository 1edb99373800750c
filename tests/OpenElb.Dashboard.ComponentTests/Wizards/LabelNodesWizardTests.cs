using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Components.Wizards;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Model;
using TestContext = Xunit.TestContext;

namespace OpenElb.Dashboard.ComponentTests.Wizards;

/// <summary>
/// The Label nodes wizard end to end: the real executor against a real simulator (demo scenario, over HTTPS as in
/// demo mode) and a real SQLite audit store.
/// </summary>
/// <summary>The Label nodes wizard end to end.</summary>
public sealed class LabelNodesWizardTests : WizardTestContext
{
    private IRenderedComponent<LabelNodesWizard> Open(string nodes) => Open<LabelNodesWizard>($"wizards/label-nodes?nodes={nodes}");

    [Fact]
    public void KeyInput_InvalidKey_ShowsCoresReasonAndDisablesPreview()
    {
        var cut = Open("worker-c2");
        var expected = Assert.Single(KubernetesValidation.ValidateKey("bad key!", "key")).Message;

        cut.Find("#label-key").Input("bad key!");

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find(".label-wizard-inputs").TextContent, StringComparison.Ordinal));
        Assert.True(Disabled(cut, "preview"));
        cut.Find("#label-key").Input("openelb-speaker");
        cut.WaitForAssertion(() => Assert.DoesNotContain(expected, cut.Find(".label-wizard-inputs").TextContent, StringComparison.Ordinal));
        Assert.False(Disabled(cut, "preview"));
    }

    [Fact]
    public void Preview_SelectorLabelOnTwoNodes_ShowsGainsRoutersAndDryRunsWithoutChangingTheCluster()
    {
        var cut = Open("worker-c2,worker-b3");
        cut.Find("#label-key").Input("openelb-speaker");
        cut.Find("#label-value").Input("true");

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-dry-run=succeeded]").Count));
        Assert.Equal("gains", cut.Find("[data-table=nodes] tr[data-node=worker-c2]").GetAttribute("data-outcome"));
        Assert.Equal("gains", cut.Find("[data-table=nodes] tr[data-node=worker-b3]").GetAttribute("data-outcome"));
        // leaf-c had a single speaker (worker-c1); worker-c2 makes it redundant.
        Assert.Equal("ok", cut.Find("[data-table=routers] tr[data-router=leaf-c]").GetAttribute("data-redundancy-after"));
        Assert.NotEmpty(cut.FindAll("[data-finding=cleared]"));
        Assert.Contains("\"openelb-speaker\": \"true\"", cut.Find("[data-patch=worker-c2] pre.wizard-json").TextContent, StringComparison.Ordinal);
        Assert.Equal("metadata.labels[openelb-speaker]:\n- (absent)\n+ true", cut.Find("[data-diff=worker-c2]").TextContent);
        Assert.Empty(cut.FindAll("[data-banner=redundancy-drop]"));
        Assert.False(Disabled(cut, "apply"));
        Assert.False(Host.State.Current.FindNode("worker-c2")!.Labels.ContainsKey("openelb-speaker"));
    }

    [Fact]
    public async Task Apply_RedundancyDrop_NeedsTheTypedWordThenAppliesAndLinksTheAuditRun()
    {
        var cut = Open("worker-a1");
        cut.Find("input[data-operation=remove]").Click();
        cut.Find("#label-key").Input("openelb-speaker");
        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.Equal("loses", cut.Find("[data-table=nodes] tr[data-node=worker-a1]").GetAttribute("data-outcome")));

        Assert.Contains("leaf-a", cut.Find("[data-banner=redundancy-drop]").TextContent, StringComparison.Ordinal);
        Assert.True(Disabled(cut, "apply"));
        cut.Find("#confirmation").Input("degrad");
        Assert.True(Disabled(cut, "apply"));
        cut.Find("#confirmation").Input(ChangePreview.DefaultConfirmationWord);
        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "apply")));

        cut.Find("[data-action=apply]").Click();

        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")));
        Assert.Equal("succeeded", cut.Find("[data-table=steps] tr[data-step='1']").GetAttribute("data-outcome"));
        var href = cut.Find("[data-link=audit]").GetAttribute("href")!;
        var correlation = Guid.Parse(href[(href.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var entry = Assert.Single(await Log.GetStepsAsync(correlation, TestContext.Current.CancellationToken).WaitAsync(s_timeout, TestContext.Current.CancellationToken));
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal("worker-a1", entry.TargetName);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":null}""", entry.AfterState);
        // The watch, not the wizard, brings the change into the snapshot.
        using var timeout = new CancellationTokenSource(s_timeout);
        while (Host.State.Current.FindNode("worker-a1")!.Labels.ContainsKey("openelb-speaker"))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task Apply_NodeChangedSincePreview_RefusedWithRePreviewThatWorks()
    {
        var ct = TestContext.Current.CancellationToken;
        var cut = Open("worker-c3");
        cut.Find("#label-key").Input("example.com/team");
        cut.Find("#label-value").Input("blue");
        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));

        // Someone else changes the node; wait until the dashboard's shared view has seen it.
        var other = new PlannedPatch(0, new ObjectRef("Node", null, "worker-c3"), PatchKind.MergePatch, """{"metadata":{"labels":{"someone":"else"}}}""", null, "someone else");
        Assert.True((await Host.Session!.Writer.WriteAsync(other, dryRun: false, ct).WaitAsync(s_timeout, ct)).Succeeded);
        var views = Services.GetRequiredService<LiveViewService>();
        using (var timeout = new CancellationTokenSource(s_timeout))
        {
            while (views.Current.Snapshot.FindNode("worker-c3")?.Labels.ContainsKey("someone") != true)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        cut.Find("[data-action=apply]").Click();

        cut.WaitForAssertion(() => Assert.Equal("refused", cut.Find("[data-section=result]").GetAttribute("data-status")));
        Assert.Contains("node worker-c3 changed", cut.Find("[data-banner=result]").TextContent, StringComparison.Ordinal);
        Assert.Contains("re-preview", cut.Find("[data-banner=result]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-link=audit]"));
        Assert.True(Disabled(cut, "apply"));

        cut.Find("[data-action=re-preview]").Click();

        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "apply")));
        Assert.Empty(cut.FindAll("[data-section=result]"));
    }
}
