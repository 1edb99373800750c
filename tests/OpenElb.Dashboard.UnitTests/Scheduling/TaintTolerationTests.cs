using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;
using static OpenElb.Dashboard.UnitTests.Scheduling.SchedulingNotation;

namespace OpenElb.Dashboard.UnitTests.Scheduling;

public class TaintTolerationTests
{
    [Fact]
    public void Tolerates_NoScheduleTolerationOnNoExecuteTaint_False()
    {
        var toleration = new Toleration("k", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule);
        Assert.False(TaintToleration.Tolerates(toleration, new Taint("k", "", TaintEffect.NoExecute)));
    }

    [Theory]
    // Equal: same key and value.
    [InlineData("k=v:NoSchedule", "k=v:NoSchedule", true)]
    [InlineData("k=v:NoSchedule", "k=w:NoSchedule", false)]
    [InlineData("k=v:NoSchedule", "k:NoSchedule", false)]
    [InlineData("k=:NoSchedule", "k:NoSchedule", true)]
    [InlineData("k=:NoSchedule", "k=v:NoSchedule", false)]
    [InlineData("k=v:NoSchedule", "other=v:NoSchedule", false)]
    [InlineData("k=v:NoSchedule", "k=V:NoSchedule", false)]
    [InlineData("K=v:NoSchedule", "k=v:NoSchedule", false)]
    [InlineData("example.com/k=v:NoSchedule", "k=v:NoSchedule", false)]
    // Exists: same key, any value.
    [InlineData("k Exists:NoSchedule", "k=anything:NoSchedule", true)]
    [InlineData("k Exists:NoSchedule", "k:NoSchedule", true)]
    [InlineData("k Exists:NoSchedule", "other=anything:NoSchedule", false)]
    [InlineData("k Exists:NoSchedule", "K:NoSchedule", false)]
    // An empty key with Exists tolerates every key, within its effect.
    [InlineData("* Exists:*", "k=v:NoSchedule", true)]
    [InlineData("* Exists:*", "node.kubernetes.io/unreachable:NoExecute", true)]
    [InlineData("* Exists:*", "k:PreferNoSchedule", true)]
    [InlineData("* Exists:NoSchedule", "k=v:NoSchedule", true)]
    [InlineData("* Exists:NoSchedule", "k=v:NoExecute", false)]
    // An empty toleration effect tolerates every effect.
    [InlineData("k=v:*", "k=v:NoSchedule", true)]
    [InlineData("k=v:*", "k=v:PreferNoSchedule", true)]
    [InlineData("k=v:*", "k=v:NoExecute", true)]
    [InlineData("k=v:*", "k=w:NoExecute", false)]
    [InlineData("k Exists:*", "k=v:NoExecute", true)]
    // A given effect tolerates that effect only.
    [InlineData("k=v:NoSchedule", "k=v:NoExecute", false)]
    [InlineData("k=v:NoSchedule", "k=v:PreferNoSchedule", false)]
    [InlineData("k=v:NoExecute", "k=v:NoSchedule", false)]
    [InlineData("k=v:NoExecute", "k=v:NoExecute", true)]
    [InlineData("k=v:PreferNoSchedule", "k=v:PreferNoSchedule", true)]
    [InlineData("k Exists:NoExecute", "k:NoSchedule", false)]
    // As Kubernetes' ToleratesTaint: an empty key with Equal compares the value only (the API rejects such a toleration).
    [InlineData("*=v:*", "any=v:NoSchedule", true)]
    [InlineData("*=v:*", "any=w:NoSchedule", false)]
    public void Tolerates_TolerationAndTaint_MatchesKubernetes(string toleration, string taint, bool expected)
    {
        Assert.Equal(expected, TaintToleration.Tolerates(Toleration(toleration), Taint(taint)));
    }

    [Theory]
    [InlineData("k", "v", "v", true)]
    [InlineData("k", "v", "w", false)]
    [InlineData("k", "", "", true)]
    public void Tolerates_OperatorOmitted_DefaultsToEqual(string key, string value, string taintValue, bool expected)
    {
        var toleration = new Toleration(key, Value: value);

        Assert.Equal(TolerationOperator.Equal, toleration.Operator);
        Assert.Equal(TolerationOperator.Equal, default(TolerationOperator));
        Assert.Equal(expected, TaintToleration.Tolerates(toleration, new Taint(key, taintValue, TaintEffect.NoSchedule)));
    }

    [Theory]
    [InlineData(new string[0], "k=v:NoSchedule", false)]
    [InlineData(new[] { "other Exists:*" }, "k=v:NoSchedule", false)]
    [InlineData(new[] { "other Exists:*", "k=v:NoSchedule" }, "k=v:NoSchedule", true)]
    [InlineData(new[] { "k=v:NoSchedule", "other Exists:*" }, "k=v:NoSchedule", true)]
    [InlineData(new[] { "k=v:NoSchedule", "k=w:NoExecute" }, "k=v:NoExecute", false)]
    [InlineData(new[] { "k=v:NoSchedule", "k Exists:NoExecute" }, "k=v:NoExecute", true)]
    public void IsTolerated_SeveralTolerations_AnyOneSuffices(string[] tolerations, string taint, bool expected)
    {
        Assert.Equal(expected, TaintToleration.IsTolerated(Taint(taint), Tolerations(tolerations)));
    }

    [Theory]
    [InlineData(new[] { "a:NoSchedule", "b:NoSchedule" }, new string[0], "NoSchedule", "a:NoSchedule")]
    [InlineData(new[] { "a:NoSchedule", "b:NoSchedule" }, new[] { "a Exists:*" }, "NoSchedule", "b:NoSchedule")]
    [InlineData(new[] { "a:NoSchedule", "b:NoSchedule" }, new[] { "* Exists:NoSchedule" }, "NoSchedule", null)]
    [InlineData(new[] { "a:NoSchedule", "b=1:NoExecute" }, new string[0], "NoExecute", "b=1:NoExecute")]
    [InlineData(new[] { "a:NoSchedule", "b=1:NoExecute" }, new string[0], "NoSchedule,NoExecute", "a:NoSchedule")]
    [InlineData(new[] { "b=1:NoExecute", "a:NoSchedule" }, new string[0], "NoSchedule,NoExecute", "b=1:NoExecute")]
    [InlineData(new[] { "p:PreferNoSchedule" }, new string[0], "NoSchedule,NoExecute", null)]
    [InlineData(new[] { "p:PreferNoSchedule", "a:NoSchedule" }, new string[0], "NoSchedule,NoExecute", "a:NoSchedule")]
    [InlineData(new string[0], new string[0], "NoSchedule,NoExecute", null)]
    [InlineData(new[] { "a:NoSchedule" }, new string[0], "", null)]
    public void FindUntolerated_TaintsInNodeOrder_FirstUntoleratedWithListedEffect(string[] taints, string[] tolerations, string effects, string? expected)
    {
        var effectFilter = effects.Length == 0 ? [] : effects.Split(',').Select(Enum.Parse<TaintEffect>).ToArray();

        var found = TaintToleration.FindUntolerated(Taints(taints), Tolerations(tolerations), effectFilter);

        Assert.Equal(expected is null ? null : Taint(expected), found);
    }

    [Theory]
    [InlineData(false, "node.kubernetes.io/not-ready:NoExecute", true)]
    [InlineData(false, "node.kubernetes.io/unreachable:NoExecute", true)]
    [InlineData(false, "node.kubernetes.io/disk-pressure:NoSchedule", true)]
    [InlineData(false, "node.kubernetes.io/memory-pressure:NoSchedule", true)]
    [InlineData(false, "node.kubernetes.io/pid-pressure:NoSchedule", true)]
    [InlineData(false, "node.kubernetes.io/unschedulable:NoSchedule", true)]
    [InlineData(false, "node.kubernetes.io/network-unavailable:NoSchedule", false)]
    [InlineData(true, "node.kubernetes.io/not-ready:NoExecute", true)]
    [InlineData(true, "node.kubernetes.io/unreachable:NoExecute", true)]
    [InlineData(true, "node.kubernetes.io/disk-pressure:NoSchedule", true)]
    [InlineData(true, "node.kubernetes.io/memory-pressure:NoSchedule", true)]
    [InlineData(true, "node.kubernetes.io/pid-pressure:NoSchedule", true)]
    [InlineData(true, "node.kubernetes.io/unschedulable:NoSchedule", true)]
    [InlineData(true, "node.kubernetes.io/network-unavailable:NoSchedule", true)]
    // Each auto toleration is for one effect only.
    [InlineData(true, "node.kubernetes.io/not-ready:NoSchedule", false)]
    [InlineData(true, "node.kubernetes.io/unreachable:NoSchedule", false)]
    [InlineData(true, "node.kubernetes.io/unschedulable:NoExecute", false)]
    [InlineData(true, "node.kubernetes.io/disk-pressure:NoExecute", false)]
    [InlineData(true, "node.kubernetes.io/network-unavailable:NoExecute", false)]
    // Nothing else.
    [InlineData(true, "node-role.kubernetes.io/control-plane:NoSchedule", false)]
    [InlineData(true, "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute", false)]
    [InlineData(true, "openelb-speaker=true:NoSchedule", false)]
    public void DaemonSetAutoTolerations_HostNetwork_ToleratesNodeConditionTaints(bool hostNetwork, string taint, bool expected)
    {
        Assert.Equal(expected, TaintToleration.IsTolerated(Taint(taint), TaintToleration.DaemonSetAutoTolerations(hostNetwork)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DaemonSetAutoTolerations_HostNetwork_ExactListWithoutValuesOrSeconds(bool hostNetwork)
    {
        string[] expected =
        [
            "node.kubernetes.io/not-ready Exists:NoExecute",
            "node.kubernetes.io/unreachable Exists:NoExecute",
            "node.kubernetes.io/disk-pressure Exists:NoSchedule",
            "node.kubernetes.io/memory-pressure Exists:NoSchedule",
            "node.kubernetes.io/pid-pressure Exists:NoSchedule",
            "node.kubernetes.io/unschedulable Exists:NoSchedule",
            .. hostNetwork ? new[] { "node.kubernetes.io/network-unavailable Exists:NoSchedule" } : [],
        ];

        Assert.Equal(expected.Select(Toleration), TaintToleration.DaemonSetAutoTolerations(hostNetwork));
    }

    [Theory]
    [InlineData("k=v:NoSchedule")]
    [InlineData("k=:NoExecute")]
    [InlineData("k Exists:PreferNoSchedule")]
    [InlineData("k Exists:*")]
    [InlineData("* Exists:*")]
    [InlineData("example.com/k=v:*")]
    public void ToString_Toleration_KubectlLikeNotation(string text)
    {
        Assert.Equal(text, Toleration(text).ToString());
    }

    [Theory]
    [InlineData("k", "v", TaintEffect.NoSchedule, "k=v:NoSchedule")]
    [InlineData("k", "", TaintEffect.NoExecute, "k:NoExecute")]
    [InlineData("example.com/k", "v", TaintEffect.PreferNoSchedule, "example.com/k=v:PreferNoSchedule")]
    public void ToString_Taint_KubectlNotation(string key, string value, TaintEffect effect, string expected)
    {
        Assert.Equal(expected, new Taint(key, value, effect).ToString());
    }
}
