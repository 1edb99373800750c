using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Components.Wizards;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Wizards;

/// <summary>The Taint nodes and Restart speakers wizards end to end.</summary>
public sealed class TaintAndRestartWizardTests : WizardTestContext
{
    private static async Task ChooseEffectAsync(IRenderedComponent<TaintNodesWizard> cut, OpenElb.Dashboard.Core.Cluster.TaintEffect? effect)
    {
        var select = cut.FindComponent<MudBlazor.MudSelect<OpenElb.Dashboard.Core.Cluster.TaintEffect?>>();
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(effect));
    }

    [Fact]
    public void Taint_InvalidKeyAndValue_ShowCoresReasonsAndDisablePreview()
    {
        var cut = Open<TaintNodesWizard>("wizards/taint-nodes?nodes=worker-c2");
        var keyReason = Assert.Single(KubernetesValidation.ValidateKey("bad key!", "key")).Message;
        var valueReason = KubernetesValidation.ValidateValue("not valid!", "value").First().Message;

        cut.Find("#taint-key").Input("bad key!");
        cut.Find("#taint-value").Input("not valid!");

        cut.WaitForAssertion(() => Assert.Contains(keyReason, cut.Find(".label-wizard-inputs").TextContent, StringComparison.Ordinal));
        Assert.Contains(valueReason, cut.Find(".label-wizard-inputs").TextContent, StringComparison.Ordinal);
        Assert.True(Disabled(cut, "preview"));
        cut.Find("#taint-key").Input("dedicated");
        cut.Find("#taint-value").Input("");
        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "preview")));
        Assert.Contains("kubectl taint nodes worker-c2 dedicated:NoSchedule --overwrite", cut.Find("[data-kubectl]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Taint_Page_ExplainsTheSeedsCaveatInPlace()
    {
        var cut = Open<TaintNodesWizard>("wizards/taint-nodes?nodes=worker-c2");

        var caveat = string.Join(' ', cut.Find("[data-banner=taint-caveat]").TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("it does not keep speakers off the other nodes", caveat, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-banner=no-execute]"));
    }

    [Fact]
    public async Task Taint_NoExecute_WarnsBeforeAndInThePreviewThenAppliesAndRecordsTheTaintList()
    {
        var cut = Open<TaintNodesWizard>("wizards/taint-nodes?nodes=worker-b2");
        cut.Find("#taint-key").Input("example.com/maintenance");
        cut.Find("#taint-value").Input("yes");
        await ChooseEffectAsync(cut, OpenElb.Dashboard.Core.Cluster.TaintEffect.NoExecute);
        cut.WaitForAssertion(() => Assert.Contains("evicts every running pod", cut.Find("[data-banner=no-execute]").TextContent, StringComparison.Ordinal));

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));
        Assert.Contains(cut.FindAll("[data-warning]"), w => w.TextContent.Contains("NoExecute taints evict", StringComparison.Ordinal));
        // The speaker on worker-b2 does not tolerate the taint: it loses its speaker, and leaf-b drops to one session.
        Assert.Equal("loses", cut.Find("[data-table=nodes] tr[data-node=worker-b2]").GetAttribute("data-outcome"));
        Assert.Equal("spec.taints:\n- (absent)\n+ example.com/maintenance=yes:NoExecute", cut.Find("[data-diff=worker-b2]").TextContent);
        Assert.Contains("leaf-b", cut.Find("[data-banner=redundancy-drop]").TextContent, StringComparison.Ordinal);
        Assert.True(Disabled(cut, "apply"));
        cut.Find("#confirmation").Input(ChangePreview.DefaultConfirmationWord);

        cut.Find("[data-action=apply]").Click();

        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")), s_timeout);
        var entry = Assert.Single(await AuditRunAsync(cut));
        Assert.Equal(AuditAction.TaintNodes, entry.Action);
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal("""{"spec.taints":null}""", entry.BeforeState);
        Assert.Equal("""{"spec.taints":"example.com/maintenance=yes:NoExecute"}""", entry.AfterState);
        await WaitForSnapshotAsync(s => s.FindNode("worker-b2")!.Taints.Any(t => t.Key == "example.com/maintenance"));
        // Followed live until the evicted speaker is gone and leaf-b shows the one predicted session.
        cut.WaitForAssertion(() => Assert.Equal("settled", cut.Find("[data-section=follow]").GetAttribute("data-follow")), TimeSpan.FromSeconds(60));
        Assert.Equal("no speaker", cut.Find("[data-table=follow-nodes] tr[data-node=worker-b2] td:nth-child(3)").TextContent);
        Assert.Equal("1", cut.Find("[data-table=follow-routers] tr[data-router=leaf-b] td:nth-child(3)").TextContent);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-link=impact]")), s_timeout);
    }

    [Fact]
    public async Task Taint_RemoveEveryEffectOfAKey_RemovesTheControlPlaneTaint()
    {
        var node = Host.State.Current.Nodes.First(n => n.Taints.Count > 0);
        var key = node.Taints[0].Key;
        var cut = Open<TaintNodesWizard>($"wizards/taint-nodes?nodes={node.Name}&key={Uri.EscapeDataString(key)}");
        Assert.Equal(key, cut.Find("#taint-key").GetAttribute("value"));
        cut.Find("input[data-operation=remove]").Click();
        await ChooseEffectAsync(cut, null);

        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));
        cut.Find("[data-action=apply]").Click();

        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")), s_timeout);
        await WaitForSnapshotAsync(s => s.FindNode(node.Name)!.Taints.All(t => t.Key != key));
    }

    [Fact]
    public void Restart_NoNodes_ExplainsHowToChooseAndDisablesPreview()
    {
        var cut = Open<RestartSpeakersWizard>("wizards/restart-speakers");

        Assert.Contains("Restart speakers on selected nodes…", cut.Find("[data-banner=no-nodes]").TextContent, StringComparison.Ordinal);
        Assert.True(Disabled(cut, "preview"));
    }

    [Fact]
    public async Task Restart_TwoNodes_DeletesTheirSpeakerPodsWhichTheDaemonSetRecreates()
    {
        var before = Host.State.Current.SpeakerPodsOn("worker-a1").Single().Name;
        var cut = Open<RestartSpeakersWizard>("wizards/restart-speakers?nodes=worker-a1,worker-b1");

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-dry-run=succeeded]").Count));
        Assert.Contains($"DELETE Pod/", cut.Find($"[data-patch='{before}'] pre").TextContent, StringComparison.Ordinal);
        cut.Find("[data-action=apply]").Click();

        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")), s_timeout);
        var entries = await AuditRunAsync(cut);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(AuditAction.RestartSpeakers, e.Action));
        Assert.Equal([1, 2], entries.Select(e => e.Step));
        Assert.Contains(entries, e => e.TargetKind == "Pod" && e.TargetName == before);
        await WaitForSnapshotAsync(s => s.SpeakerPodsOn("worker-a1").Any(p => p.Name != before && !p.Terminating));
    }

    [Fact]
    public void LabelPreview_NodeMovesToAnotherRack_SaysItsSpeakerMustRestartAndLinksTheRestartWizard()
    {
        var cut = Open<LabelNodesWizard>("wizards/label-nodes?nodes=worker-b1");
        cut.Find("#label-key").Input("openelb.kubesphere.io/rack");
        cut.Find("#label-value").Input("rack-c");

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));
        Assert.Contains("worker-b1", cut.Find("[data-banner=restart-needed]").TextContent, StringComparison.Ordinal);
        Assert.Equal("wizards/restart-speakers?nodes=worker-b1", cut.Find("[data-link=restart]").GetAttribute("href"));
        Assert.Equal("metadata.labels[openelb.kubesphere.io/rack]:\n- rack-b\n+ rack-c", cut.Find("[data-diff=worker-b1]").TextContent);
    }

    [Fact]
    public async Task Undo_AfterASucceededLabel_PreviewsTheInverseAndAppliesItAsARevert()
    {
        var cut = Open<LabelNodesWizard>("wizards/label-nodes?nodes=worker-c3");
        cut.Find("#label-key").Input("example.com/team");
        cut.Find("#label-value").Input("blue");
        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")));
        cut.Find("[data-action=apply]").Click();
        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")), s_timeout);

        ClickCurrent(cut, "[data-action=undo]");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-section=undo] [data-dry-run=succeeded]")), s_timeout);
        Assert.Equal("metadata.labels[example.com/team]:\n- blue\n+ (absent)", cut.Find("[data-section=undo] [data-diff=worker-c3]").TextContent);
        Assert.NotNull(cut.Find("#undo-wizard-preview"));
        ClickCurrent(cut, "[data-section=undo] [data-action=apply]");
        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=undo] [data-section=result]").GetAttribute("data-status")), s_timeout);
        var href = cut.Find("[data-section=undo] [data-link=audit]").GetAttribute("href")!;
        var entry = Assert.Single(await Log.GetStepsAsync(Guid.Parse(href[(href.IndexOf('=', StringComparison.Ordinal) + 1)..]), Xunit.TestContext.Current.CancellationToken));
        Assert.Equal(AuditAction.Revert, entry.Action);
        await WaitForSnapshotAsync(s => !s.FindNode("worker-c3")!.Labels.ContainsKey("example.com/team"));
    }

    [Fact]
    public async Task Revert_FromAnAuditEntry_ShowsTheFieldsPreviewsAndRestoresThem()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var executor = Services.GetRequiredService<ChangeExecutor>();
        var applied = await executor.ApplyAsync(await executor.PreviewAsync(SetNodeLabels.Add("example.com/team", "red", "worker-b4"), ct), null, ct);
        var id = Assert.Single(applied.Steps).AuditEntryId!.Value;
        await WaitForSnapshotAsync(s => s.FindNode("worker-b4")!.Labels.ContainsKey("example.com/team"));
        var entry = Assert.Single(await Log.GetStepsAsync(applied.CorrelationId, ct));
        Assert.True(ChangeInverse.MayRevert(entry));

        var cut = Open<RevertWizard>($"wizards/revert?entry={id}");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-table=fields]")), s_timeout);
        Assert.Contains("red", cut.Find("[data-table=fields]").TextContent, StringComparison.Ordinal);
        cut.Find("[data-action=preview]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")), s_timeout);
        Assert.Equal("metadata.labels[example.com/team]:\n- red\n+ (absent)", cut.Find("[data-diff=worker-b4]").TextContent);
        cut.Find("[data-action=apply]").Click();

        cut.WaitForAssertion(() => Assert.Equal("succeeded", cut.Find("[data-section=result]").GetAttribute("data-status")), s_timeout);
        await WaitForSnapshotAsync(s => !s.FindNode("worker-b4")!.Labels.ContainsKey("example.com/team"));
        var revert = Assert.Single(await AuditRunAsync(cut));
        Assert.Equal(AuditAction.Revert, revert.Action);
    }

    [Fact]
    public void Revert_UnknownEntry_SaysSo()
    {
        var cut = Open<RevertWizard>("wizards/revert?entry=987654");

        cut.WaitForAssertion(() => Assert.Contains("no audit entry #987654", cut.Find("[data-banner=not-found]").TextContent, StringComparison.Ordinal), s_timeout);
    }

    [Fact]
    public void AccessReview_PatchNodesDenied_BannerNamesTheKubectlCheckAndApplyStaysDisabled()
    {
        Host.Simulator!.Faults.DeniedPermissions = [new OpenElb.Dashboard.Simulator.Faults.ResourceAccess("patch", "", "nodes")];
        var cut = Open<TaintNodesWizard>("wizards/taint-nodes?nodes=worker-c2");

        cut.WaitForAssertion(() => Assert.Contains("kubectl auth can-i patch nodes", cut.Find("[data-banner=access-denied]").TextContent, StringComparison.Ordinal), s_timeout);
        Assert.Equal("patch:nodes", cut.Find("[data-banner=access-denied]").GetAttribute("data-access"));
        cut.Find("#taint-key").Input("dedicated");
        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-banner=apply-denied]")), s_timeout);
        Assert.Equal("denied", cut.Find("[data-dry-run]").GetAttribute("data-dry-run"));
        Assert.True(Disabled(cut, "apply"));
    }

    [Fact]
    public void AccessReview_RestartAllowed_NoBanner()
    {
        var cut = Open<RestartSpeakersWizard>("wizards/restart-speakers?nodes=worker-a1");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-action=preview]")));
        Assert.Empty(cut.FindAll("[data-banner=access-denied]"));
        Assert.Empty(cut.FindAll("[data-banner=access-unknown]"));
    }

    [Fact]
    public void ReadOnlyDashboard_PreviewWorksApplyDisabledWithTheReason()
    {
        Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenElb.Dashboard.Configuration.ChangeAuthorizationOptions>>().Value.ReadOnly = true;
        var cut = Open<RestartSpeakersWizard>("wizards/restart-speakers?nodes=worker-a1");

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-dry-run=succeeded]")), s_timeout);
        Assert.Contains("read-only", cut.Find("[data-banner=not-allowed]").TextContent, StringComparison.Ordinal);
        Assert.True(Disabled(cut, "apply"));
    }
}
