using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.UnitTests.Validation;

/// <summary>The allocation-free fast checks must agree with the explaining error lists on every input.</summary>
public class KubernetesValidationConsistencyTests
{
    public static TheoryData<string> Keys => new(
        "a", "A", "0", "a-b", "a_b", "a.b", "-a", "a-", "_a", "a_", ".a", "a.", "a/b", "/a", "a/", "a/b/c", "//",
        "example.com/key", "Example.com/key", "example.com./key", "-example.com/key", "example..com/key", "ex_ample.com/key",
        "kubernetes.io/hostname", "node-role.kubernetes.io/control-plane", "openelb.kubesphere.io/rack", "a b", "a\n", "a/b\n",
        new string('a', 63), new string('a', 64), new string('a', 253) + "/k", new string('a', 254) + "/k", "ü", "a/ü", "");

    [Theory]
    [MemberData(nameof(Keys))]
    public void IsQualifiedName_AgreesWithQualifiedNameErrors(string key)
    {
        Assert.Equal(KubernetesValidation.QualifiedNameErrors(key).Count == 0, KubernetesValidation.IsQualifiedName(key));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void IsLabelValue_AgreesWithLabelValueErrors(string value)
    {
        Assert.Equal(KubernetesValidation.LabelValueErrors(value).Count == 0, KubernetesValidation.IsLabelValue(value));
    }
}
