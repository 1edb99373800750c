using System.Text.Json;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Model;

/// <summary>The pure parts of the Label nodes change: the form, the patch guard, the staleness check and the audit records.</summary>
public sealed class LabelNodesChangeTests
{
    // leaf-a has two established speakers (a1, a2), both selected by the label openelb-speaker=true; n1 and b2 are unlabelled.
    private static ClusterSnapshot Cluster() => new ClusterSnapshotBuilder()
        .Node("a1", [(KnownLabels.Rack, "rack-a"), ("openelb-speaker", "true")])
        .Node("a2", [(KnownLabels.Rack, "rack-a"), ("openelb-speaker", "true")])
        .Node("n1", [(KnownLabels.Rack, "rack-a")])
        .Node("b2", [(KnownLabels.Rack, "rack-b")])
        .Speaker(SpeakerPlacement.KubectlManifestDefault with { NodeSelector = LabelSet.Of(("openelb-speaker", "true")) })
        .RackPeer("leaf-a", "10.0.1.1", "rack-a")
        .BgpConf()
        .Pod("a1").Pod("a2")
        .Session("leaf-a", BgpSessionState.Established, "a1", "a2")
        .Build();

    private static ChangePreview Preview(ClusterSnapshot snapshot, ChangeRequest request)
    {
        var plan = ChangePlanner.Plan(snapshot, request);
        var patches = plan.Patches.Select(p => PatchGuards.Guard(p, snapshot)).ToList();
        var dryRuns = patches.Select(p => new WriteResult(p, WriteOutcome.Succeeded, 200, null, "audit-1", "2", DryRun: true)).ToList();
        return new ChangePreview(plan, snapshot, patches, dryRuns, 2);
    }

    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("", new string[0])]
    [InlineData("a1", new[] { "a1" })]
    [InlineData(" b1 , a1,,b1 ", new[] { "b1", "a1" })]
    public void ParseNodes_QueryValue_TrimmedDistinctInOrder(string? value, string[] expected) =>
        Assert.Equal(expected, LabelNodesForm.ParseNodes(value));

    [Theory]
    [InlineData("bad key!", "", LabelOperation.AddOrOverwrite, false)]
    [InlineData("openelb-speaker", "true", LabelOperation.AddOrOverwrite, true)]
    [InlineData("openelb-speaker", "not valid!", LabelOperation.AddOrOverwrite, false)]
    [InlineData("openelb-speaker", "not valid!", LabelOperation.Remove, true)]
    [InlineData("", "true", LabelOperation.AddOrOverwrite, false)]
    public void CanPreview_Inputs_FollowsCoreValidation(string key, string value, LabelOperation operation, bool expected)
    {
        var form = new LabelNodesForm { Nodes = ["a1"], Key = key, Value = value, Operation = operation };

        Assert.Equal(expected, form.CanPreview);
        Assert.Equal(KubernetesValidation.ValidateKey(key, "key").Select(static e => e.Message).Where(_ => key.Length > 0), form.KeyErrors);
    }

    [Fact]
    public void ToRequest_Remove_DeletesTheKeyOnTheNodes()
    {
        var form = new LabelNodesForm { Nodes = ["a1", "b1"], Key = "openelb-speaker", Value = "ignored", Operation = LabelOperation.Remove };

        Assert.Equal(SetNodeLabels.Delete("openelb-speaker", "a1", "b1"), form.ToRequest());
    }

    [Fact]
    public void Link_Nodes_SortedAndEscaped() =>
        Assert.Equal("wizards/label-nodes?nodes=a1%2Cb1", LabelNodesForm.Link(["b1", "a1"]));

    [Fact]
    public void Guard_LabelPatch_CarriesTheNodesResourceVersion()
    {
        var snapshot = Cluster();
        var patch = Assert.Single(ChangePlanner.Plan(snapshot, SetNodeLabels.Add("openelb-speaker", "true", "n1")).Patches);

        var guarded = PatchGuards.Guard(patch, snapshot);

        using var body = JsonDocument.Parse(guarded.Body);
        Assert.Equal("1", body.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("true", body.RootElement.GetProperty("metadata").GetProperty("labels").GetProperty("openelb-speaker").GetString());
        Assert.Equal("1", guarded.ResourceVersion);
        Assert.Same(guarded, PatchGuards.Guard(guarded, snapshot));
    }

    [Fact]
    public void StaleTargets_TargetChangedOrGone_NamedOtherNodesIgnored()
    {
        var snapshot = Cluster();
        var preview = Preview(snapshot, SetNodeLabels.Add("openelb-speaker", "true", "n1", "b2"));
        NodeInfo Bump(NodeInfo n) => n.Name switch { "n1" or "a1" => n with { ResourceVersion = "7" }, _ => n };

        Assert.Empty(PatchGuards.StaleTargets(preview, snapshot));
        Assert.Empty(PatchGuards.StaleTargets(preview, snapshot.With(nodes: snapshot.Nodes.Where(static n => n.Name == "a1").Select(Bump).Concat(snapshot.Nodes.Where(static n => n.Name != "a1")))));
        Assert.Equal(["node n1 changed"], PatchGuards.StaleTargets(preview, snapshot.With(nodes: snapshot.Nodes.Select(Bump))));
        Assert.Equal(["node b2 is gone"], PatchGuards.StaleTargets(preview, snapshot.With(nodes: snapshot.Nodes.Where(static n => n.Name != "b2"))));
    }

    [Fact]
    public void RequiresConfirmation_RemovingARedundantRoutersSpeaker_TrueAndPendingEntryDescribesTheChange()
    {
        var snapshot = Cluster();
        var preview = Preview(snapshot, SetNodeLabels.Delete("openelb-speaker", "a1"));
        var correlation = Guid.NewGuid();

        var actor = new DashboardActor("alice", "Alice A.", "oidc", ["ops", "noc"]);

        var entry = ChangeAudit.Pending(preview, preview.Patches[0], correlation, 1, actor);

        Assert.True(preview.RequiresConfirmation);
        Assert.Equal(correlation, entry.CorrelationId);
        Assert.Equal(1, entry.Step);
        Assert.Equal(AuditOutcome.Pending, entry.Outcome);
        Assert.Equal(AuditAction.LabelNodes, entry.Action);
        Assert.Equal(("alice", "Alice A.", "oidc"), (entry.ActorUserName, entry.ActorDisplayName, entry.ActorAuthMethod));
        Assert.Equal(["ops", "noc"], entry.ActorGroups);
        Assert.Equal(("Node", "a1", "1"), (entry.TargetKind, entry.TargetName, entry.ResourceVersionBefore));
        Assert.Equal(preview.Patches[0].Body, entry.RequestBody);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":"true"}""", entry.BeforeState);
        Assert.Equal("""{"metadata.labels[openelb-speaker]":null}""", ChangeAudit.AfterState(preview.Patches[0]));
        Assert.Contains("Succeeded", entry.DryRunResult, StringComparison.Ordinal);
        Assert.Contains("leaf-a", entry.PredictedImpact, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiresConfirmation_AddingASpeaker_False() =>
        Assert.False(Preview(Cluster(), SetNodeLabels.Add("openelb-speaker", "true", "n1")).RequiresConfirmation);

    [Fact]
    public void ShownNodes_HarmlessLabel_TargetsAndSpeakerNodesButNotUntouchedNodesWithout()
    {
        var preview = Preview(Cluster(), SetNodeLabels.Add("example.com/team", "x", "n1"));

        Assert.Equal(["a1", "a2", "n1"], ChangePreviewText.ShownNodes(preview).Select(static n => n.NodeName));
        Assert.Equal(SpeakerOutcome.StaysWithout, ChangePreviewText.ShownNodes(preview).Single(static n => n.NodeName == "n1").Outcome);
    }

    [Theory]
    [InlineData(WriteOutcome.Succeeded, AuditOutcome.Succeeded, true)]
    [InlineData(WriteOutcome.Conflict, AuditOutcome.Conflict, false)]
    [InlineData(WriteOutcome.Denied, AuditOutcome.Denied, false)]
    [InlineData(WriteOutcome.Invalid, AuditOutcome.Failed, false)]
    [InlineData(WriteOutcome.NotFound, AuditOutcome.Failed, false)]
    [InlineData(WriteOutcome.Unknown, AuditOutcome.Failed, false)]
    public void Completion_WriteOutcome_AuditOutcomeAndAfterStateOnlyWhenApplied(WriteOutcome write, AuditOutcome expected, bool hasAfterState)
    {
        var patch = new PlannedPatch(0, new ObjectRef("Node", null, "a1"), PatchKind.MergePatch, "{}", "1", "x");
        var completion = ChangeAudit.Completion(new WriteResult(patch, write, 409, "msg", "aid", "5", false), "said", "{}");

        Assert.Equal(expected, completion.Outcome);
        Assert.Equal(hasAfterState, completion.AfterState is not null);
        Assert.Equal(("said", "aid", "5", 409), (completion.Message, completion.ApiAuditId, completion.ResourceVersionAfter, completion.HttpStatus));
    }
}
