using OpenElb.Dashboard.Core.Cluster;
using static OpenElb.Dashboard.UnitTests.Scheduling.SchedulingNotation;

namespace OpenElb.Dashboard.UnitTests.Cluster;

public class LabelSetTests
{
    [Theory]
    [InlineData("a=1,b=2", "b=2,a=1")]
    [InlineData("", "")]
    [InlineData("k=", "k=")]
    [InlineData("zone=a,rack=r1,kubernetes.io/os=linux", "kubernetes.io/os=linux,zone=a,rack=r1")]
    public void Equals_SameContentAnyOrder_EqualWithSameHashCode(string left, string right)
    {
        var a = Labels(left);
        var b = Labels(right);

        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("a=1", "a=2")]
    [InlineData("a=1", "A=1")]
    [InlineData("a=1", "a=1,b=2")]
    [InlineData("a=1,b=2", "a=1")]
    [InlineData("a=", "")]
    [InlineData("a=1", "b=1")]
    [InlineData("a=x", "a=X")]
    public void Equals_DifferentContent_NotEqual(string left, string right)
    {
        Assert.False(Labels(left).Equals(Labels(right)));
        Assert.False(Labels(right).Equals(Labels(left)));
    }

    [Fact]
    public void Equals_NullOrOtherDictionary_NotEqual()
    {
        var labels = LabelSet.Of(("a", "1"));

        Assert.False(labels.Equals(null));
        Assert.False(labels.Equals((object?)null));
        Assert.False(labels.Equals(new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Fact]
    public void Equals_RecordsHoldingLabelSets_CompareByContent()
    {
        var left = new NodeInfo("node1", LabelSet.Of(("a", "1"), ("b", "2")), default);
        var right = new NodeInfo("node1", LabelSet.Of(("b", "2"), ("a", "1")), EquatableArray<Taint>.Empty);

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
    }

    [Fact]
    public void From_NullOrNoPairs_Empty()
    {
        Assert.Same(LabelSet.Empty, LabelSet.From(null));
        Assert.Same(LabelSet.Empty, LabelSet.From([]));
        Assert.Same(LabelSet.Empty, LabelSet.Of());
        Assert.Empty(LabelSet.Empty);
        Assert.Equal("", LabelSet.Empty.ToString());
    }

    [Fact]
    public void From_DuplicateKeys_LaterWins()
    {
        var labels = LabelSet.Of(("a", "1"), ("b", "2"), ("a", "3"));

        Assert.Equal(2, labels.Count);
        Assert.Equal("3", labels["a"]);
        Assert.Equal("a=3,b=2", labels.ToString());
    }

    [Fact]
    public void From_NullValue_StoredAsEmpty()
    {
        var labels = LabelSet.From([KeyValuePair.Create("a", (string)null!)]);

        Assert.Equal("", labels["a"]);
    }

    [Fact]
    public void From_NullKey_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LabelSet.From([KeyValuePair.Create((string)null!, "v")]));
    }

    [Theory]
    [InlineData("b=2,a=1,c=3", "a,b,c")]
    [InlineData("b=1,B=2,a=3,_=4,1=5", "1,B,_,a,b")]
    [InlineData("zone=a,kubernetes.io/os=linux,kubernetes.io/hostname=n1", "kubernetes.io/hostname,kubernetes.io/os,zone")]
    public void Keys_AnyInsertionOrder_OrdinalOrder(string labels, string expectedKeys)
    {
        var set = Labels(labels);

        Assert.Equal(expectedKeys.Split(','), set.Keys);
        Assert.Equal(set.Keys, set.Select(p => p.Key));
        Assert.Equal(set.Keys.Select(k => set[k]), set.Values);
    }

    [Theory]
    [InlineData("b=2,a=1", "a=1,b=2")]
    [InlineData("k=", "k=")]
    [InlineData("openelb-speaker=true,kubernetes.io/os=linux", "kubernetes.io/os=linux,openelb-speaker=true")]
    public void ToString_Labels_KubectlSelectorSyntaxInKeyOrder(string labels, string expected)
    {
        Assert.Equal(expected, Labels(labels).ToString());
    }

    [Theory]
    [InlineData("a", true, "1")]
    [InlineData("b", true, "")]
    [InlineData("example.com/c", true, "3")]
    [InlineData("A", false, null)]
    [InlineData("c", false, null)]
    [InlineData("example.com", false, null)]
    [InlineData("", false, null)]
    [InlineData("zzz", false, null)]
    public void TryGetValue_Key_FoundOnlyForExactKey(string key, bool found, string? value)
    {
        var labels = LabelSet.Of(("a", "1"), ("b", ""), ("example.com/c", "3"));

        Assert.Equal(found, labels.TryGetValue(key, out var actual));
        Assert.Equal(value, actual);
        Assert.Equal(found, labels.ContainsKey(key));
        Assert.Equal(value, labels.GetValueOrDefault(key));
        if (found)
        {
            Assert.Equal(value, labels[key]);
        }
        else
        {
            Assert.Throws<KeyNotFoundException>(() => labels[key]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    public void TryGetValue_ManyKeys_FindsEveryKeyAndNoOther(int count)
    {
        var labels = LabelSet.From(Enumerable.Range(0, count).Reverse().Select(i => KeyValuePair.Create($"key-{i:D3}", $"v{i}")));

        Assert.Equal(count, labels.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal($"v{i}", labels[$"key-{i:D3}"]);
            Assert.False(labels.ContainsKey($"key-{i:D3}x"));
        }
        Assert.False(labels.ContainsKey("key-"));
        Assert.False(labels.ContainsKey("a"));
        Assert.False(labels.ContainsKey("z"));
    }

    [Theory]
    [InlineData("a=1", "c=3", "", "a=1,c=3")]
    [InlineData("a=1", "a=2", "", "a=2")]
    [InlineData("a=1,b=2", "", "a", "b=2")]
    [InlineData("a=1,b=2", "", "missing", "a=1,b=2")]
    [InlineData("a=1,b=2", "c=3", "a,b", "c=3")]
    [InlineData("a=1", "", "a", "")]
    [InlineData("", "z=1,a=2", "", "a=2,z=1")]
    [InlineData("a=1", "a=", "", "a=")]
    public void With_SetAndRemove_ReturnsChangedCopy(string labels, string set, string remove, string expected)
    {
        var original = Labels(labels);

        var changed = original.With(Labels(set), remove.Length == 0 ? null : remove.Split(','));

        Assert.Equal(Labels(expected), changed);
        Assert.Equal(expected, changed.ToString());
        Assert.Equal(Labels(labels), original);
    }

    [Theory]
    [InlineData("a=1,b=2", "", true)]
    [InlineData("a=1,b=2", "a=1", true)]
    [InlineData("a=1,b=2", "b=2,a=1", true)]
    [InlineData("a=1,b=2", "a=2", false)]
    [InlineData("a=1,b=2", "c=3", false)]
    [InlineData("a=1,b=2", "a=1,c=3", false)]
    [InlineData("a=", "a=", true)]
    [InlineData("", "a=", false)]
    [InlineData("", "", true)]
    public void ContainsAll_Subset_EveryPairPresentWithSameValue(string labels, string subset, bool expected)
    {
        Assert.Equal(expected, Labels(labels).ContainsAll(Labels(subset)));
    }
}
