using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using static OpenElb.Dashboard.UnitTests.Scheduling.SchedulingNotation;

namespace OpenElb.Dashboard.UnitTests.Scheduling;

public class SpeakerSchedulingTests
{
    private static SpeakerPlacement Placement(string nodeSelector = "", params string[] tolerations) =>
        new(Labels(nodeSelector), null, Tolerations(tolerations));

    private static SpeakerPlacement AffinityPlacement(params NodeSelectorTerm[] terms) =>
        new(LabelSet.Empty, new([.. terms]), EquatableArray<Toleration>.Empty);

    private static SpeakerDaemonSet Speaker(SpeakerPlacement placement, SpeakerWorkloadKind kind = SpeakerWorkloadKind.DaemonSet, bool hostNetwork = true) =>
        new("openelb-system", "openelb-speaker", placement, kind, hostNetwork);

    [Theory]
    [InlineData("")]
    [InlineData("openelb-speaker=true")]
    public void Evaluate_NoSpeakerWorkload_NoSpeakerWorkloadAndNothingRuns(string labels)
    {
        var decision = SpeakerScheduling.Evaluate(Node("node1", labels), speaker: null);

        Assert.Equal(new PlacementDecision(PlacementReason.NoSpeakerWorkload), decision);
        Assert.False(decision.ShouldRun);
        Assert.False(decision.ShouldContinueRunning);
    }

    [Theory]
    [InlineData("")]
    [InlineData("openelb-speaker=true,kubernetes.io/os=linux")]
    public void Evaluate_UnrestrictedPlacementUntaintedNode_Eligible(string labels)
    {
        var decision = SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(SpeakerPlacement.Unrestricted));

        Assert.Equal(PlacementDecision.Eligible, decision);
        Assert.True(decision.ShouldRun);
        Assert.True(decision.ShouldContinueRunning);
    }

    [Theory]
    [InlineData("openelb-speaker=true", "", "openelb-speaker=true (the node has no label 'openelb-speaker')")]
    [InlineData("openelb-speaker=true", "kubernetes.io/os=linux", "openelb-speaker=true (the node has no label 'openelb-speaker')")]
    [InlineData("openelb-speaker=true", "openelb-speaker=false", "openelb-speaker=true (the node has openelb-speaker=false)")]
    [InlineData("openelb-speaker=true", "openelb-speaker=True", "openelb-speaker=true (the node has openelb-speaker=True)")]
    [InlineData("openelb-speaker=true", "openelb-speaker=", "openelb-speaker=true (the node has openelb-speaker=)")]
    [InlineData("openelb-speaker=", "", "openelb-speaker= (the node has no label 'openelb-speaker')")]
    // Pairs are checked in key order; the first failing pair is reported.
    [InlineData("a=1,b=2", "a=1", "b=2 (the node has no label 'b')")]
    [InlineData("a=1,b=2", "b=3", "a=1 (the node has no label 'a')")]
    [InlineData("a=1,b=2", "a=1,b=3", "b=2 (the node has b=3)")]
    [InlineData("kubernetes.io/os=linux,openelb-speaker=true", "kubernetes.io/os=windows,openelb-speaker=true", "kubernetes.io/os=linux (the node has kubernetes.io/os=windows)")]
    public void Evaluate_NodeSelectorMismatch_ExcludedWithFirstFailingPair(string nodeSelector, string labels, string detail)
    {
        var decision = SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(Placement(nodeSelector)));

        Assert.Equal(new PlacementDecision(PlacementReason.NodeSelectorMismatch, Detail: detail), decision);
        Assert.False(decision.ShouldRun);
        Assert.False(decision.ShouldContinueRunning);
        Assert.Equal($"Excluded by the speaker nodeSelector: {detail}.", decision.Describe());
    }

    [Theory]
    [InlineData("openelb-speaker=true", "openelb-speaker=true")]
    [InlineData("openelb-speaker=true", "openelb-speaker=true,rack=leaf1")]
    [InlineData("openelb-speaker=", "openelb-speaker=")]
    [InlineData("a=1,b=2", "b=2,a=1,c=3")]
    public void Evaluate_NodeSelectorMatches_Eligible(string nodeSelector, string labels)
    {
        Assert.Equal(PlacementDecision.Eligible, SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(Placement(nodeSelector))));
    }

    [Theory]
    [InlineData("openelb-speaker=true", true)]
    [InlineData("openelb-speaker=false", false)]
    [InlineData("", false)]
    [InlineData("openelb-speaker=true,excluded=yes", false)]
    public void Evaluate_RequiredNodeAffinity_EligibleOnlyWhenATermMatches(string labels, bool eligible)
    {
        var placement = AffinityPlacement(NodeSelectorTerm.Of(
            NodeSelectorRequirement.Of("openelb-speaker", SelectorOperators.In, "true"),
            NodeSelectorRequirement.Of("excluded", SelectorOperators.DoesNotExist)));

        var decision = SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(placement));

        Assert.Equal(eligible ? PlacementDecision.Eligible : new PlacementDecision(PlacementReason.NodeAffinityMismatch), decision);
        Assert.Equal(eligible, decision.ShouldRun);
        Assert.Equal(eligible, decision.ShouldContinueRunning);
    }

    [Theory]
    [InlineData("")]
    [InlineData("openelb-speaker=true")]
    public void Evaluate_EmptyRequiredNodeAffinityList_NodeAffinityMismatch(string labels)
    {
        Assert.Equal(
            new PlacementDecision(PlacementReason.NodeAffinityMismatch),
            SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(AffinityPlacement())));
    }

    [Fact]
    public void Evaluate_NodeSelectorAndAffinityBothMismatch_NodeSelectorReportedFirst()
    {
        var placement = new SpeakerPlacement(
            LabelSet.Of(("openelb-speaker", "true")),
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("rack", SelectorOperators.Exists))),
            EquatableArray<Toleration>.Empty);

        var decision = SpeakerScheduling.Evaluate(Node("node1"), Speaker(placement));

        Assert.Equal(PlacementReason.NodeSelectorMismatch, decision.Reason);
    }

    [Theory]
    [InlineData("", "rack Exists:*", PlacementReason.NodeSelectorMismatch)]
    [InlineData("openelb-speaker=true", "* Exists:*", PlacementReason.NodeAffinityMismatch)]
    public void Evaluate_SelectorMismatchOnUntaintedOrTaintedNode_SelectorReasonNotTaint(string labels, string toleration, PlacementReason expected)
    {
        var placement = new SpeakerPlacement(
            LabelSet.Of(("openelb-speaker", "true")),
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("rack", SelectorOperators.Exists))),
            Tolerations(toleration));

        var decision = SpeakerScheduling.Evaluate(Node("node1", labels, "dedicated=lb:NoExecute"), Speaker(placement));

        Assert.Equal(expected, decision.Reason);
        Assert.Null(decision.Taint);
    }

    [Theory]
    // Untolerated NoSchedule: no new speaker, a running one stays.
    [InlineData(new[] { "dedicated=lb:NoSchedule" }, new string[0], PlacementReason.UntoleratedNoSchedule, "dedicated=lb:NoSchedule")]
    [InlineData(new[] { "dedicated=lb:NoSchedule" }, new[] { "dedicated=other:NoSchedule" }, PlacementReason.UntoleratedNoSchedule, "dedicated=lb:NoSchedule")]
    [InlineData(new[] { "dedicated=lb:NoSchedule" }, new[] { "dedicated=lb:NoExecute" }, PlacementReason.UntoleratedNoSchedule, "dedicated=lb:NoSchedule")]
    [InlineData(new[] { "a:NoSchedule", "b:NoSchedule" }, new string[0], PlacementReason.UntoleratedNoSchedule, "a:NoSchedule")]
    [InlineData(new[] { "a:NoSchedule", "b:NoSchedule" }, new[] { "a Exists:NoSchedule" }, PlacementReason.UntoleratedNoSchedule, "b:NoSchedule")]
    [InlineData(new[] { "node-role.kubernetes.io/control-plane:NoSchedule" }, new string[0], PlacementReason.UntoleratedNoSchedule, "node-role.kubernetes.io/control-plane:NoSchedule")]
    // Untolerated NoExecute: nothing runs, and it wins over a NoSchedule taint listed before it.
    [InlineData(new[] { "dedicated=lb:NoExecute" }, new string[0], PlacementReason.UntoleratedNoExecute, "dedicated=lb:NoExecute")]
    [InlineData(new[] { "dedicated=lb:NoExecute" }, new[] { "dedicated Exists:NoSchedule" }, PlacementReason.UntoleratedNoExecute, "dedicated=lb:NoExecute")]
    [InlineData(new[] { "a:NoSchedule", "b:NoExecute" }, new string[0], PlacementReason.UntoleratedNoExecute, "b:NoExecute")]
    [InlineData(new[] { "a:NoSchedule", "b:NoExecute", "c:NoExecute" }, new string[0], PlacementReason.UntoleratedNoExecute, "b:NoExecute")]
    [InlineData(new[] { "a:NoSchedule", "b:NoExecute", "c:NoExecute" }, new[] { "b Exists:*" }, PlacementReason.UntoleratedNoExecute, "c:NoExecute")]
    [InlineData(new[] { "a:NoSchedule", "b:NoExecute" }, new[] { "b Exists:NoExecute" }, PlacementReason.UntoleratedNoSchedule, "a:NoSchedule")]
    // Tolerated, or PreferNoSchedule only.
    [InlineData(new[] { "x:PreferNoSchedule" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "x:PreferNoSchedule", "y=1:PreferNoSchedule" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "dedicated=lb:NoSchedule" }, new[] { "dedicated=lb:NoSchedule" }, PlacementReason.Eligible, null)]
    [InlineData(new[] { "dedicated=lb:NoExecute" }, new[] { "dedicated Exists:*" }, PlacementReason.Eligible, null)]
    [InlineData(new[] { "a:NoSchedule", "b:NoExecute", "c:PreferNoSchedule" }, new[] { "* Exists:*" }, PlacementReason.Eligible, null)]
    [InlineData(new[] { "a:NoSchedule", "b:NoExecute" }, new[] { "a=:NoSchedule", "b Exists:NoExecute" }, PlacementReason.Eligible, null)]
    // The DaemonSet controller's own tolerations: a cordoned or not-ready node keeps its speaker.
    [InlineData(new[] { "node.kubernetes.io/unschedulable:NoSchedule" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "node.kubernetes.io/not-ready:NoExecute" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "node.kubernetes.io/unreachable:NoExecute" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "node.kubernetes.io/network-unavailable:NoSchedule" }, new string[0], PlacementReason.Eligible, null)]
    [InlineData(new[] { "node.kubernetes.io/not-ready:NoSchedule" }, new string[0], PlacementReason.UntoleratedNoSchedule, "node.kubernetes.io/not-ready:NoSchedule")]
    [InlineData(new[] { "node.kubernetes.io/unschedulable:NoSchedule", "dedicated=lb:NoSchedule" }, new string[0], PlacementReason.UntoleratedNoSchedule, "dedicated=lb:NoSchedule")]
    public void Evaluate_NodeTaints_FirstUntoleratedNoExecuteThenNoSchedule(string[] taints, string[] tolerations, PlacementReason reason, string? taint)
    {
        var decision = SpeakerScheduling.Evaluate(Node("node1", "", taints), Speaker(Placement("", tolerations)));

        Assert.Equal(new PlacementDecision(reason, taint is null ? null : Taint(taint)), decision);
    }

    [Theory]
    [InlineData(PlacementReason.Eligible, true, true)]
    [InlineData(PlacementReason.NoSpeakerWorkload, false, false)]
    [InlineData(PlacementReason.NodeSelectorMismatch, false, false)]
    [InlineData(PlacementReason.NodeAffinityMismatch, false, false)]
    [InlineData(PlacementReason.UntoleratedNoSchedule, false, true)]
    [InlineData(PlacementReason.UntoleratedNoExecute, false, false)]
    public void ShouldRunAndShouldContinueRunning_Reason_AsDaemonSetController(PlacementReason reason, bool shouldRun, bool shouldContinueRunning)
    {
        var decision = new PlacementDecision(reason);

        Assert.Equal(shouldRun, decision.ShouldRun);
        Assert.Equal(shouldContinueRunning, decision.ShouldContinueRunning);
    }

    [Theory]
    [InlineData("node.kubernetes.io/not-ready:NoExecute", PlacementReason.UntoleratedNoExecute)]
    [InlineData("node.kubernetes.io/unreachable:NoExecute", PlacementReason.UntoleratedNoExecute)]
    [InlineData("node.kubernetes.io/disk-pressure:NoSchedule", PlacementReason.UntoleratedNoSchedule)]
    [InlineData("node.kubernetes.io/memory-pressure:NoSchedule", PlacementReason.UntoleratedNoSchedule)]
    [InlineData("node.kubernetes.io/pid-pressure:NoSchedule", PlacementReason.UntoleratedNoSchedule)]
    [InlineData("node.kubernetes.io/unschedulable:NoSchedule", PlacementReason.UntoleratedNoSchedule)]
    [InlineData("node.kubernetes.io/network-unavailable:NoSchedule", PlacementReason.UntoleratedNoSchedule)]
    public void Evaluate_DeploymentOnNodeConditionTaint_NoAutoTolerations(string taint, PlacementReason reason)
    {
        var node = Node("node1", "", taint);
        var expected = new PlacementDecision(reason, Taint(taint));

        Assert.Equal(expected, SpeakerScheduling.Evaluate(node, SpeakerPlacement.Unrestricted, isDaemonSet: false));
        Assert.Equal(expected, SpeakerScheduling.Evaluate(node, Speaker(SpeakerPlacement.Unrestricted, SpeakerWorkloadKind.LegacyManagerDeployment)));
        Assert.Equal(PlacementDecision.Eligible, SpeakerScheduling.Evaluate(node, SpeakerPlacement.Unrestricted, isDaemonSet: true));
        Assert.Equal(PlacementDecision.Eligible, SpeakerScheduling.Evaluate(node, Speaker(SpeakerPlacement.Unrestricted)));
    }

    [Theory]
    [InlineData(true, PlacementReason.Eligible)]
    [InlineData(false, PlacementReason.UntoleratedNoSchedule)]
    public void Evaluate_NetworkUnavailableTaint_ToleratedOnlyWithHostNetwork(bool hostNetwork, PlacementReason reason)
    {
        var node = Node("node1", "", "node.kubernetes.io/network-unavailable:NoSchedule");

        Assert.Equal(reason, SpeakerScheduling.Evaluate(node, SpeakerPlacement.Unrestricted, hostNetwork: hostNetwork).Reason);
        Assert.Equal(reason, SpeakerScheduling.Evaluate(node, Speaker(SpeakerPlacement.Unrestricted, hostNetwork: hostNetwork)).Reason);
    }

    [Fact]
    public void Evaluate_CordonedNode_DaemonSetSpeakerStaysEligible()
    {
        var cordoned = new NodeInfo(
            "node1",
            LabelSet.Of(("kubernetes.io/os", "linux")),
            Taints("node.kubernetes.io/unschedulable:NoSchedule"),
            Unschedulable: true);

        Assert.Equal(PlacementDecision.Eligible, SpeakerScheduling.Evaluate(cordoned, Speaker(SpeakerPlacement.KubectlManifestDefault)));
    }

    [Theory]
    [InlineData("kubernetes.io/os=linux", new[] { "node-role.kubernetes.io/control-plane:NoSchedule" }, PlacementReason.Eligible)]
    [InlineData("kubernetes.io/os=linux", new[] { "node-role.kubernetes.io/master:NoSchedule" }, PlacementReason.Eligible)]
    [InlineData("kubernetes.io/os=linux", new[] { "node-role.kubernetes.io/control-plane:NoExecute" }, PlacementReason.UntoleratedNoExecute)]
    [InlineData("kubernetes.io/os=linux", new[] { "dedicated=lb:NoSchedule" }, PlacementReason.UntoleratedNoSchedule)]
    [InlineData("kubernetes.io/os=windows", new string[0], PlacementReason.NodeSelectorMismatch)]
    [InlineData("", new string[0], PlacementReason.NodeSelectorMismatch)]
    public void Evaluate_KubectlManifestDefault_LinuxNodesAndControlPlaneTolerated(string labels, string[] taints, PlacementReason reason)
    {
        Assert.Equal(reason, SpeakerScheduling.Evaluate(Node("node1", labels, taints), Speaker(SpeakerPlacement.KubectlManifestDefault)).Reason);
    }

    [Theory]
    [InlineData("node1", PlacementReason.Eligible)]
    [InlineData("node2", PlacementReason.Eligible)]
    [InlineData("node3", PlacementReason.UntoleratedNoSchedule)]
    public void Evaluate_SeedTaintRecipe_AdmitsTaintedNodeWithoutRestrictingToIt(string nodeName, PlacementReason reason)
    {
        NodeInfo[] nodes =
        [
            Node("node1", "kubernetes.io/os=linux", "openelb-speaker=true:NoSchedule"),
            Node("node2", "kubernetes.io/os=linux"),
            Node("node3", "kubernetes.io/os=linux", "dedicated=db:NoSchedule"),
        ];
        var seedToleration = new Toleration("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule);
        var placement = Placement("", "openelb-speaker=true:NoSchedule");

        Assert.Equal(seedToleration, Assert.Single(placement.Tolerations));
        Assert.Equal(reason, SpeakerScheduling.Evaluate(nodes.Single(n => n.Name == nodeName), Speaker(placement)).Reason);
    }

    [Theory]
    [InlineData("openelb-speaker=true", PlacementReason.Eligible)]
    [InlineData("", PlacementReason.NodeSelectorMismatch)]
    public void Evaluate_SeedNodeSelectorRecipe_RestrictsToLabelledNodes(string labels, PlacementReason reason)
    {
        Assert.Equal(reason, SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(Placement("openelb-speaker=true"))).Reason);
    }

    [Theory]
    [InlineData("openelb-speaker=true", PlacementReason.Eligible)]
    [InlineData("openelb-speaker=false", PlacementReason.NodeAffinityMismatch)]
    [InlineData("", PlacementReason.NodeAffinityMismatch)]
    public void Evaluate_SeedNodeAffinityRecipe_RestrictsToLabelledNodes(string labels, PlacementReason reason)
    {
        var placement = AffinityPlacement(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("openelb-speaker", SelectorOperators.In, "true")));

        Assert.Equal(reason, SpeakerScheduling.Evaluate(Node("node1", labels), Speaker(placement)).Reason);
    }

    [Theory]
    [InlineData(PlacementReason.UntoleratedNoSchedule, "dedicated=lb:NoSchedule", "The taint dedicated=lb:NoSchedule is not tolerated by the speaker: no new speaker is placed here (a running one stays until replaced).")]
    [InlineData(PlacementReason.UntoleratedNoExecute, "dedicated:NoExecute", "The taint dedicated:NoExecute is not tolerated by the speaker: no speaker runs here, and a running one is evicted.")]
    public void Describe_UntoleratedTaint_NamesTheTaint(PlacementReason reason, string taint, string expected)
    {
        Assert.Equal(expected, new PlacementDecision(reason, Taint(taint)).Describe());
    }
}
