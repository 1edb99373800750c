using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.UnitTests.Changes;

public class ChangePlannerTests
{
    private static readonly Toleration s_seedToleration = new("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule);

    /// <summary>Two racks of three nodes, one router per rack, a speaker on every node, every session established.</summary>
    private static ClusterSnapshotBuilder TwoRacks(string? helmRelease = null) => new ClusterSnapshotBuilder()
        .Node("a1", [(KnownLabels.Rack, "a"), (KnownLabels.Zone, "z1")])
        .Node("a2", [(KnownLabels.Rack, "a"), (KnownLabels.Zone, "z2")])
        .Node("a3", [(KnownLabels.Rack, "a"), (KnownLabels.Zone, "z1")])
        .Node("b1", [(KnownLabels.Rack, "b"), (KnownLabels.Zone, "z1")])
        .Node("b2", [(KnownLabels.Rack, "b"), (KnownLabels.Zone, "z2")])
        .Node("b3", [(KnownLabels.Rack, "b"), (KnownLabels.Zone, "z1")])
        .Speaker(helmRelease: helmRelease)
        .PodsWhereEligible()
        .RackPeer("leaf-a", "172.16.0.1", "a")
        .RackPeer("leaf-b", "172.16.0.2", "b")
        .EstablishAll()
        .BgpConf(65000, ("a", 65001), ("b", 65002));

    private static NodePlan NodeOf(ChangePlan plan, string name) => plan.Nodes.Single(n => n.NodeName == name);

    private static RouterImpact RouterOf(ChangePlan plan, string name) => plan.Routers.Single(r => r.Name == name);

    [Fact]
    public void Plan_SeedNodeSelectorRecipe_KeepsTwoSpeakersPerRouterAndRemovesTheRest()
    {
        var snapshot = TwoRacks().Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", useAffinity: false, "a1", "a2", "b1", "b2");

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.True(plan.IsValid);
        Assert.Equal(["a3", "b3"], plan.Losing.Select(n => n.NodeName));
        Assert.Empty(plan.Gaining);
        Assert.All(["a1", "a2", "b1", "b2"], n => Assert.Equal(SpeakerOutcome.Keeps, NodeOf(plan, n).Outcome));
        Assert.Equal(PlacementReason.NodeSelectorMismatch, NodeOf(plan, "a3").After.Reason);
        Assert.Contains("openelb-speaker=true", NodeOf(plan, "a3").Why, StringComparison.Ordinal);
        Assert.True(plan.PodTemplateChanges);
        Assert.All(["a1", "a2", "b1", "b2"], n => Assert.True(NodeOf(plan, n).Restarted));
        Assert.False(plan.DropsBelowMinimum());
        var leafA = RouterOf(plan, "leaf-a");
        Assert.Equal((3, 2, 3, 2), (leafA.ExpectedBefore, leafA.ExpectedAfter, leafA.EstablishedBefore, leafA.EstablishedAfter));
        Assert.Equal(["a1", "a2"], leafA.SpeakerNodesAfter);
    }

    [Fact]
    public void Plan_SeedNodeSelectorRecipe_LabelsFirstThenMergesNodeSelector()
    {
        var snapshot = TwoRacks().Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", useAffinity: false, "a1", "b1");

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.Equal(3, plan.Patches.Count);
        Assert.Equal([0, 0, 1], plan.Patches.Select(p => p.Step));
        Assert.Equal(new ObjectRef("Node", null, "a1"), plan.Patches[0].Target);
        Assert.Equal("""{"metadata":{"labels":{"openelb-speaker":"true"}}}""", plan.Patches[0].Body);
        Assert.Null(plan.Patches[0].ResourceVersion);
        var daemonSet = plan.Patches[2];
        Assert.Equal(new ObjectRef("DaemonSet", "openelb-system", "openelb-speaker"), daemonSet.Target);
        Assert.Equal(PatchKind.MergePatch, daemonSet.Kind);
        // The nodeSelector merges: kubernetes.io/os=linux stays and is not even mentioned.
        Assert.Equal("""{"metadata":{"resourceVersion":"100"},"spec":{"template":{"spec":{"nodeSelector":{"openelb-speaker":"true"}}}}}""", daemonSet.Body);
        Assert.Equal("100", daemonSet.ResourceVersion);
        // The changed fields, as the drift detector names and renders them.
        Assert.Equal([new FieldChange("metadata.labels[openelb-speaker]", null, "true")], plan.Patches[0].Fields);
        Assert.Equal([new FieldChange(FieldText.NodeSelectorPath, "kubernetes.io/os=linux", "kubernetes.io/os=linux,openelb-speaker=true")], daemonSet.Fields);
    }

    [Fact]
    public void Plan_SeedAffinityRecipe_WritesRequiredTermWhole()
    {
        var snapshot = TwoRacks().Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", useAffinity: true, "a1", "a2", "b1", "b2");

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.Equal(["a3", "b3"], plan.Losing.Select(n => n.NodeName));
        Assert.Equal(PlacementReason.NodeAffinityMismatch, NodeOf(plan, "b3").After.Reason);
        Assert.Equal(
            """{"metadata":{"resourceVersion":"100"},"spec":{"template":{"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"openelb-speaker","operator":"In","values":["true"]}]}]}}}}}}}""",
            plan.Patches[^1].Body);
        Assert.Equal([new FieldChange(FieldText.NodeAffinityPath, null, "(openelb-speaker In (true))")], plan.Patches[^1].Fields);
    }

    [Fact]
    public void Plan_SeedTaintRecipe_AdmitsSpeakersButDoesNotRestrictThem()
    {
        var snapshot = TwoRacks().Build();
        var current = snapshot.Speaker!.Placement;
        var request = new CompositeChange("seed taint recipe", EquatableArray.Create<ChangeRequest>(
            SetNodeTaints.Adding(new Taint("openelb-speaker", "true", TaintEffect.NoSchedule), "a1", "b1"),
            new SetSpeakerPlacement(current with { Tolerations = new([.. current.Tolerations, s_seedToleration]) }, PlacementParts.Tolerations)));

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.True(plan.IsValid);
        Assert.Empty(plan.Losing);
        Assert.All(plan.Nodes, n => Assert.Equal(SpeakerOutcome.Keeps, n.Outcome));
        Assert.Contains(ChangePlanner.TaintCaveat, plan.Warnings);
        Assert.Equal(3, RouterOf(plan, "leaf-a").ExpectedAfter);
    }

    [Fact]
    public void Plan_TaintRecipeWithoutToleration_TaintedSpeakerKeepsRunningUntilReplaced()
    {
        var snapshot = TwoRacks().Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeTaints.Adding(new Taint("openelb-speaker", "true", TaintEffect.NoSchedule), "a1"));

        var a1 = NodeOf(plan, "a1");
        Assert.Equal(SpeakerOutcome.Keeps, a1.Outcome);
        Assert.Equal(PlacementReason.UntoleratedNoSchedule, a1.After.Reason);
        Assert.DoesNotContain(ChangePlanner.TaintCaveat, plan.Warnings);
        Assert.False(plan.PodTemplateChanges);
    }

    [Fact]
    public void Plan_NoExecuteTaint_EvictsSpeakerAndWarns()
    {
        var snapshot = TwoRacks().Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeTaints.Adding(new Taint("maintenance", "", TaintEffect.NoExecute), "a1"));

        Assert.Equal(SpeakerOutcome.Loses, NodeOf(plan, "a1").Outcome);
        Assert.Equal(PlacementReason.UntoleratedNoExecute, NodeOf(plan, "a1").After.Reason);
        Assert.Contains(plan.Warnings, w => w.Contains("NoExecute", StringComparison.Ordinal));
        Assert.Equal(2, RouterOf(plan, "leaf-a").EstablishedAfter);
        Assert.Contains(plan.FindingsAdded, f => f.RuleId == FindingRules.StaleSessionEntries && f.Nodes.Contains("a1"));
    }

    [Fact]
    public void Plan_TaintPatch_WritesWholeListGuardedByResourceVersion()
    {
        var snapshot = TwoRacks().Taint(new Taint("gpu", "yes", TaintEffect.PreferNoSchedule), "a1").Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeTaints.Adding(new Taint("maintenance", "", TaintEffect.NoSchedule), "a1"));

        var patch = Assert.Single(plan.Patches);
        Assert.Equal("1", patch.ResourceVersion);
        Assert.Equal(
            """{"metadata":{"resourceVersion":"1"},"spec":{"taints":[{"key":"gpu","value":"yes","effect":"PreferNoSchedule"},{"key":"maintenance","effect":"NoSchedule"}]}}""",
            patch.Body);
        Assert.Equal([new FieldChange("spec.taints", "gpu=yes:PreferNoSchedule", "gpu=yes:PreferNoSchedule; maintenance:NoSchedule")], patch.Fields);
    }

    [Fact]
    public void Plan_RemoveTaintByKeyOnly_RemovesEveryEffectAndWritesNullWhenNoneLeft()
    {
        var snapshot = TwoRacks()
            .Taint(new Taint("k", "v", TaintEffect.NoSchedule), "a1")
            .Taint(new Taint("k", "v", TaintEffect.PreferNoSchedule), "a1")
            .Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeTaints.Removing(new TaintRef("k"), "a1", "a2"));

        var patch = Assert.Single(plan.Patches);
        Assert.Equal("Node/a1", patch.Target.ToString());
        Assert.Equal("""{"metadata":{"resourceVersion":"1"},"spec":{"taints":null}}""", patch.Body);
    }

    [Fact]
    public void Plan_AddExistingTaintWithNewValue_OverwritesInPlace()
    {
        var snapshot = TwoRacks().Taint(new Taint("k", "old", TaintEffect.NoSchedule), "a1").Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeTaints.Adding(new Taint("k", "new", TaintEffect.NoSchedule), "a1"));

        Assert.Contains("""{"key":"k","value":"new","effect":"NoSchedule"}]""", Assert.Single(plan.Patches).Body, StringComparison.Ordinal);
        Assert.DoesNotContain("old", plan.Patches[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ReplacingTolerationsWithSeedSnippet_ShowsRemovedControlPlaneTolerations()
    {
        var snapshot = TwoRacks()
            .Node("cp1", [(KnownLabels.Rack, "a")], [new Taint("node-role.kubernetes.io/control-plane", "", TaintEffect.NoSchedule)])
            .Pod("cp1")
            .Build();
        var placement = snapshot.Speaker!.Placement with { Tolerations = EquatableArray.Create(s_seedToleration) };

        var plan = ChangePlanner.Plan(snapshot, new SetSpeakerPlacement(placement, PlacementParts.Tolerations));

        Assert.Contains(plan.Warnings, w => w.Contains("node-role.kubernetes.io/control-plane", StringComparison.Ordinal) && w.StartsWith("Removes the toleration", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("node-role.kubernetes.io/master", StringComparison.Ordinal));
        Assert.Equal(SpeakerOutcome.Loses, NodeOf(plan, "cp1").Outcome);
        Assert.Equal(PlacementReason.UntoleratedNoSchedule, NodeOf(plan, "cp1").After.Reason);
        Assert.Equal(
            """{"metadata":{"resourceVersion":"100"},"spec":{"template":{"spec":{"tolerations":[{"key":"openelb-speaker","operator":"Equal","value":"true","effect":"NoSchedule"}]}}}}""",
            Assert.Single(plan.Patches).Body);
    }

    [Fact]
    public void Plan_RestrictToOneNodePerRouter_TripsTheGuard()
    {
        var snapshot = TwoRacks().Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", useAffinity: false, "a1", "b1");

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.True(plan.DropsBelowMinimum());
        Assert.Equal(["leaf-a", "leaf-b"], plan.RoutersDroppingBelow().Select(r => r.Name));
        Assert.Equal(Core.Topology.RedundancyState.Degraded, RouterOf(plan, "leaf-a").RedundancyAfter);
        Assert.Contains(plan.FindingsAdded, f => f.RuleId == FindingRules.RouterFewSessions && f.Router == "leaf-a");
        Assert.Contains(plan.FindingsAdded, f => f.RuleId == FindingRules.RouterFewSpeakers && f.Router == "leaf-b");
    }

    [Fact]
    public void Plan_FixingSingleSessionRouter_ClearsFinding()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Node("a1", [(KnownLabels.Rack, "a"), ("openelb-speaker", "true")])
            .Node("a2", [(KnownLabels.Rack, "a")])
            .Speaker(SpeakerPlacement.KubectlManifestDefault with { NodeSelector = LabelSet.Of(("openelb-speaker", "true")) })
            .PodsWhereEligible()
            .RackPeer("leaf-a", "172.16.0.1", "a")
            .EstablishAll()
            .BgpConf(65000, ("a", 65001))
            .Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeLabels.Add("openelb-speaker", "true", "a2"));

        Assert.Equal(SpeakerOutcome.Gains, NodeOf(plan, "a2").Outcome);
        Assert.Contains(plan.FindingsCleared, f => f.RuleId == FindingRules.RouterFewSessions);
        Assert.Equal((1, 2), (RouterOf(plan, "leaf-a").EstablishedBefore, RouterOf(plan, "leaf-a").EstablishedAfter));
        Assert.False(plan.DropsBelowMinimum());
    }

    [Fact]
    public void Plan_RelabelIntoOtherRack_NeedsSpeakerRestart()
    {
        var snapshot = TwoRacks().Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeLabels.Add(KnownLabels.Rack, "b", "a3"));

        var a3 = NodeOf(plan, "a3");
        Assert.True(a3.NeedsRestart);
        Assert.Equal(["leaf-a"], a3.RoutersBefore);
        Assert.Equal(["leaf-b"], a3.RoutersAfter);
        Assert.Equal(["a3"], plan.NodesNeedingRestart);
        Assert.Contains(plan.Warnings, w => w.Contains("restart the speakers on a3", StringComparison.Ordinal));
        Assert.Equal((3, 4), (RouterOf(plan, "leaf-b").ExpectedBefore, RouterOf(plan, "leaf-b").ExpectedAfter));
    }

    [Fact]
    public void Plan_RelabelThenRestart_DeletesThePodAndNeedsNoFurtherRestart()
    {
        var snapshot = TwoRacks().Build();
        var request = new CompositeChange("move a3", EquatableArray.Create<ChangeRequest>(
            SetNodeLabels.Add(KnownLabels.Rack, "b", "a3"),
            new RestartSpeakers(EquatableArray.Create("a3"))));

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.Empty(plan.NodesNeedingRestart);
        Assert.True(NodeOf(plan, "a3").Restarted);
        var delete = plan.Patches[^1];
        Assert.Equal(PatchKind.Delete, delete.Kind);
        Assert.Equal(new ObjectRef("Pod", "openelb-system", "openelb-speaker-a3"), delete.Target);
        Assert.Equal(1, delete.Step);
    }

    [Fact]
    public void Plan_HelmManagedSpeaker_WarnsAndGivesValues()
    {
        var snapshot = TwoRacks(helmRelease: "openelb").Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", useAffinity: false, "a1", "a2", "b1", "b2");

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.Contains(plan.Warnings, w => w.Contains("Helm release 'openelb'", StringComparison.Ordinal));
        Assert.NotNull(plan.HelmValues);
        Assert.Contains("  nodeSelector:\n    kubernetes.io/os: \"linux\"\n    openelb-speaker: \"true\"\n", plan.HelmValues, StringComparison.Ordinal);
        Assert.Contains("key: \"node-role.kubernetes.io/control-plane\"", plan.HelmValues, StringComparison.Ordinal);
        // The same as --set flags: dots in keys escaped, strings kept strings, absent affinity cleared.
        Assert.Equal(
            [
                @"--set-string 'speaker.nodeSelector.kubernetes\.io/os=linux'",
                "--set-string 'speaker.nodeSelector.openelb-speaker=true'",
                "--set 'speaker.affinity=null'",
            ],
            plan.HelmSetFlags.Take(3));
        Assert.Contains("--set-string 'speaker.tolerations[1].key=node-role.kubernetes.io/control-plane'", plan.HelmSetFlags);
    }

    [Fact]
    public void HelmSetFlags_AffinityTolerationSecondsAndCommas_EscapedAsHelmParsesThem()
    {
        var placement = new SpeakerPlacement(
            LabelSet.Empty,
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("zone", SelectorOperators.In, "a", "b"))),
            EquatableArray.Create(new Toleration("k", TolerationOperator.Exists, Effect: TaintEffect.NoExecute, TolerationSeconds: 30)));

        var flags = HelmValues.SetFlags(placement);

        Assert.Equal(
            [
                "--set 'speaker.nodeSelector=null'",
                "--set-string 'speaker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=zone'",
                "--set-string 'speaker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=In'",
                "--set-string 'speaker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]=a'",
                "--set-string 'speaker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[1]=b'",
                "--set-string 'speaker.tolerations[0].key=k'",
                "--set-string 'speaker.tolerations[0].operator=Exists'",
                "--set-string 'speaker.tolerations[0].effect=NoExecute'",
                "--set 'speaker.tolerations[0].tolerationSeconds=30'",
            ],
            flags);
    }

    [Fact]
    public void Plan_NotHelmManaged_HasNoHelmValues()
    {
        var snapshot = TwoRacks().Build();

        var plan = ChangePlanner.Plan(snapshot, CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "k", "v", false, "a1", "a2"));

        Assert.Null(plan.HelmValues);
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("Helm", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Bad Key", "v", "set[Bad Key]")]
    [InlineData("example.com/", "v", "set[example.com/]")]
    [InlineData("ok", "-bad", "set[ok]")]
    [InlineData("ok", "a-very-long-value-that-goes-on-and-on-and-on-past-sixty-three-characters", "set[ok]")]
    public void Plan_InvalidLabel_IsRejectedWithPath(string key, string value, string path)
    {
        var snapshot = TwoRacks().Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeLabels.Add(key, value, "a1"));

        Assert.False(plan.IsValid);
        Assert.Contains(plan.Errors, e => e.Path == path);
        Assert.Empty(plan.Patches);
    }

    [Fact]
    public void Plan_UnknownNode_IsRejected()
    {
        var plan = ChangePlanner.Plan(TwoRacks().Build(), SetNodeLabels.Add("k", "v", "a1", "ghost"));

        var error = Assert.Single(plan.Errors);
        Assert.Equal("nodes[1]", error.Path);
        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CompositeStepError_HasStepPath()
    {
        var snapshot = TwoRacks().Build();
        var request = new CompositeChange("bad", EquatableArray.Create<ChangeRequest>(
            SetNodeLabels.Add("k", "v", "a1"),
            new SetSpeakerPlacement(snapshot.Speaker!.Placement with
            {
                RequiredNodeAffinity = EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("k", SelectorOperators.Gt, "ten"))),
            }, PlacementParts.NodeAffinity)));

        var plan = ChangePlanner.Plan(snapshot, request);

        var error = Assert.Single(plan.Errors);
        Assert.Equal("steps[1].affinity.nodeSelectorTerms[0].matchExpressions[0].values[0]", error.Path);
        Assert.Contains("'ten'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_LabelBothSetAndRemoved_IsRejected()
    {
        var request = new SetNodeLabels(EquatableArray.Create("a1"), LabelSet.Of(("k", "v")), EquatableArray.Create("k"));

        var plan = ChangePlanner.Plan(TwoRacks().Build(), request);

        Assert.Contains(plan.Errors, e => e.Path == "remove[0]" && e.Message.Contains("both set and removed", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_LegacyManagerDeployment_PlacementIsReadOnly()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Node("n1")
            .Speaker(kind: SpeakerWorkloadKind.LegacyManagerDeployment)
            .Build();

        var plan = ChangePlanner.Plan(snapshot, new SetSpeakerPlacement(SpeakerPlacement.Unrestricted));

        Assert.Contains("read-only", Assert.Single(plan.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoSpeakerWorkload_PlacementIsRejected()
    {
        var plan = ChangePlanner.Plan(new ClusterSnapshotBuilder().Node("n1").Build(), new SetSpeakerPlacement(SpeakerPlacement.Unrestricted));

        Assert.Contains("no OpenELB speaker DaemonSet", Assert.Single(plan.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_LabelAlreadySet_IsNoOp()
    {
        var snapshot = TwoRacks().Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeLabels.Add(KnownLabels.Rack, "a", "a1", "a2"));

        Assert.True(plan.IsNoOp);
        Assert.Empty(plan.FindingsAdded);
        Assert.Empty(plan.FindingsCleared);
        Assert.All(plan.Nodes, n => Assert.NotEqual(SpeakerOutcome.Loses, n.Outcome));
    }

    [Fact]
    public void Plan_RemoveLabel_WritesNull()
    {
        var snapshot = TwoRacks().Label("openelb-speaker", "true", "a1").Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeLabels.Delete("openelb-speaker", "a1", "a2"));

        Assert.Equal("""{"metadata":{"labels":{"openelb-speaker":null}}}""", Assert.Single(plan.Patches).Body);
    }

    [Fact]
    public void Plan_RemovingNodeSelectorKey_WritesNullForThatKeyOnly()
    {
        var snapshot = TwoRacks().Build();
        var placement = snapshot.Speaker!.Placement with { NodeSelector = LabelSet.Of(("other", "x")) };

        var plan = ChangePlanner.Plan(snapshot, new SetSpeakerPlacement(placement, PlacementParts.NodeSelector));

        Assert.Equal(
            """{"metadata":{"resourceVersion":"100"},"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/os":null,"other":"x"}}}}}""",
            Assert.Single(plan.Patches).Body);
        Assert.All(plan.Nodes, n => Assert.Equal(SpeakerOutcome.Loses, n.Outcome));
    }

    [Fact]
    public void Plan_RemovingRequiredAffinity_WritesNull()
    {
        var withAffinity = SpeakerPlacement.KubectlManifestDefault with
        {
            RequiredNodeAffinity = EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of(KnownLabels.Rack, SelectorOperators.In, "a"))),
        };
        var snapshot = new ClusterSnapshotBuilder()
            .Nodes(["a1", "a2"], (KnownLabels.Rack, "a"))
            .Nodes(["b1", "b2", "b3"], (KnownLabels.Rack, "b"))
            .Speaker(withAffinity)
            .PodsWhereEligible()
            .Build();

        var plan = ChangePlanner.Plan(snapshot, new SetSpeakerPlacement(SpeakerPlacement.KubectlManifestDefault, PlacementParts.NodeAffinity));

        Assert.Contains("""{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":null}}""", Assert.Single(plan.Patches).Body, StringComparison.Ordinal);
        Assert.Equal(["b1", "b2", "b3"], plan.Gaining.Select(n => n.NodeName));
    }

    [Fact]
    public void Plan_NodeUnderTwoRouters_CountsForBoth()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Nodes(["n1", "n2"])
            .Speaker()
            .PodsWhereEligible()
            .Peer("spine-1", "10.255.0.1")
            .Peer("spine-2", "10.255.0.2")
            .EstablishAll()
            .BgpConf()
            .Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeTaints.Adding(new Taint("drain", "", TaintEffect.NoExecute), "n1"));

        Assert.Equal(["spine-1", "spine-2"], NodeOf(plan, "n1").RoutersBefore);
        Assert.Equal(["spine-1", "spine-2"], plan.RoutersDroppingBelow().Select(r => r.Name));
    }

    [Fact]
    public void Plan_TemplateChangeOnTwoSpeakerRouter_WarnsAboutTransientDip()
    {
        var snapshot = TwoRacks().Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", false, "a1", "a2", "b1", "b2");

        var plan = ChangePlanner.Plan(snapshot, request);

        Assert.Contains(plan.Warnings, w => w.StartsWith("The speaker pod template changes", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("briefly", StringComparison.Ordinal));

        var small = ChangePlanner.Plan(snapshot, SetNodeLabels.Add("x", "y", "a1"));
        Assert.DoesNotContain(small.Warnings, w => w.StartsWith("The speaker pod template changes", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_SameInputTwice_GivesEqualPlans()
    {
        var snapshot = TwoRacks().Build();
        var request = CompositeChange.RestrictSpeakersTo(snapshot.Speaker!.Placement, "openelb-speaker", "true", false, "a1", "a2", "b1", "b2");

        Assert.Equal(ChangePlanner.Plan(snapshot, request), ChangePlanner.Plan(snapshot, request));
    }

    [Fact]
    public void Plan_RouterOutage_NewSessionsAreNotPredictedEstablished()
    {
        var snapshot = new ClusterSnapshotBuilder()
            .Node("a1", [(KnownLabels.Rack, "a"), ("openelb-speaker", "true")])
            .Node("a2", [(KnownLabels.Rack, "a")])
            .Speaker(SpeakerPlacement.KubectlManifestDefault with { NodeSelector = LabelSet.Of(("openelb-speaker", "true")) })
            .PodsWhereEligible()
            .RackPeer("leaf-a", "172.16.0.1", "a")
            .Session("leaf-a", BgpSessionState.Active, "a1")
            .BgpConf(65000, ("a", 65001))
            .Build();

        var plan = ChangePlanner.Plan(snapshot, SetNodeLabels.Add("openelb-speaker", "true", "a2"));

        var leafA = RouterOf(plan, "leaf-a");
        Assert.Equal((1, 2), (leafA.ExpectedBefore, leafA.ExpectedAfter));
        Assert.Equal((0, 0), (leafA.EstablishedBefore, leafA.EstablishedAfter));
    }
}
