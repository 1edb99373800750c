using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Components.Wizards;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Wizards;

/// <summary>
/// The Restrict speakers wizard page against the demo cluster (simulator over HTTPS, real executor, real SQLite audit):
/// leaf-a a1 (zone-a) + a2 (zone-b) established, master-1 without a speaker; leaf-b b1 + b2 established, both zone-a;
/// leaf-c only c1; the DaemonSet already selects openelb-speaker=true.
/// </summary>
public sealed class RestrictSpeakersWizardTests : WizardTestContext
{
    private IRenderedComponent<RestrictSpeakersWizard> Open(string query = "")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("wizards/restrict-speakers" + query);
        return Render<RestrictSpeakersWizard>();
    }

    private static string[] Proposed(IRenderedComponent<RestrictSpeakersWizard> cut, string router) =>
        cut.FindAll($"section[data-router={router}] tr[data-proposed=true]").Select(static r => r.GetAttribute("data-node")!).ToArray();

    [Fact]
    public void Open_FocusedRouter_ShownFirstAndEveryRouterProposedTwoSpreadOverZones()
    {
        var cut = Open("?router=leaf-c");

        var sections = cut.FindAll("section[data-router]");
        Assert.Equal(["leaf-c", "leaf-a", "leaf-b"], sections.Select(static s => s.GetAttribute("data-router")));
        Assert.Equal("true", sections[0].GetAttribute("data-focused"));
        Assert.Equal("restrict-router-leaf-c", sections[0].GetAttribute("aria-labelledby"));
        Assert.Equal(["worker-a1", "worker-a2"], Proposed(cut, "leaf-a"));
        // b1 and b2 are both in zone-a: the spread takes b3 (zone-b) over b2.
        Assert.Equal(["worker-b1", "worker-b3"], Proposed(cut, "leaf-b"));
        Assert.Equal(["worker-c1", "worker-c2"], Proposed(cut, "leaf-c"));
        Assert.Equal("nospeaker", cut.Find("section[data-router=leaf-a] tr[data-node=master-1]").GetAttribute("data-rank"));
        Assert.True(cut.Find("#pick-leaf-c-worker-c2").HasAttribute("checked"));
        Assert.False(cut.Find("#pick-leaf-c-worker-c3").HasAttribute("checked"));
        Assert.Equal("worker-c2", cut.Find("label[for=pick-leaf-c-worker-c2]").TextContent);
        // worker-b2 carries openelb-speaker=true but is not proposed: by default its label is removed, last.
        Assert.Contains("worker-b2", cut.Find("[data-section=remove-from-others]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-warning=unpicked-labelled]"));
        Assert.False(Disabled(cut, "preview"));
    }

    [Fact]
    public void Uncheck_LeavesRouterWithOne_WarnsAndBackToTheProposalClears()
    {
        var cut = Open();

        cut.Find("#pick-leaf-c-worker-c2").Change(false);

        cut.WaitForAssertion(() => Assert.Equal("leaf-c", cut.Find("[data-warning=fewer-than-two]").GetAttribute("data-subject")));
        Assert.Equal("1", cut.Find("section[data-router=leaf-c]").GetAttribute("data-picked"));
        Assert.Equal("false", cut.Find("section[data-router=leaf-c] tr[data-node=worker-c2]").GetAttribute("data-picked"));
        cut.Find("[data-action=accept-proposal]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-warning=fewer-than-two]")));
    }

    [Fact]
    public void KeyInput_InvalidKey_ShowsCoresReasonAndDisablesPreview()
    {
        var cut = Open();
        var expected = Assert.Single(KubernetesValidation.ValidateKey("bad key!", "key")).Message;

        cut.Find("#label-key").Input("bad key!");

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find(".restrict-wizard-inputs").TextContent, StringComparison.Ordinal));
        Assert.True(Disabled(cut, "preview"));
    }

    [Fact]
    public void Preview_Proposal_GainsForTheNewPicksAndEveryRouterRedundant()
    {
        var cut = Open();

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-section=preview]")));
        cut.WaitForAssertion(() => Assert.Equal("gains", cut.Find("[data-table=nodes] tr[data-node=worker-c2]").GetAttribute("data-outcome")));
        Assert.Equal("gains", cut.Find("[data-table=nodes] tr[data-node=worker-b3]").GetAttribute("data-outcome"));
        Assert.Equal("ok", cut.Find("[data-table=routers] tr[data-router=leaf-c]").GetAttribute("data-redundancy-after"));
        Assert.Empty(cut.FindAll("[data-dry-run=failed]"));
        Assert.Empty(cut.FindAll("[data-banner=redundancy-drop]"));
        Assert.False(Disabled(cut, "apply"));
        Assert.False(Host.State.Current.FindNode("worker-c2")!.Labels.ContainsKey("openelb-speaker"));
    }

    [Fact]
    public void Preview_NewLabelWithoutASecondPickForLeafA_AsksForTheTypedWord()
    {
        var cut = Open();
        cut.Find("#label-key").Input("example.com/speaker");
        cut.Find("#label-value").Input("yes");
        cut.Find("#pick-leaf-a-worker-a2").Change(false);

        cut.Find("[data-action=preview]").Click();

        cut.WaitForAssertion(() => Assert.Contains("leaf-a", cut.Find("[data-banner=redundancy-drop]").TextContent, StringComparison.Ordinal));
        Assert.True(Disabled(cut, "apply"));
        cut.Find("#confirmation").Input(ChangePreview.DefaultConfirmationWord);
        cut.WaitForAssertion(() => Assert.False(Disabled(cut, "apply")));
        // Any input change withdraws the preview.
        cut.Find("input[data-method=node-affinity]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-section=preview]")));
    }
}
