using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.UnitTests.Cluster;

public class EquatableArrayTests
{
    [Theory]
    [InlineData(new int[0], new int[0], true)]
    [InlineData(new[] { 1 }, new[] { 1 }, true)]
    [InlineData(new[] { 1, 2, 3 }, new[] { 1, 2, 3 }, true)]
    [InlineData(new[] { 1, 2, 3 }, new[] { 3, 2, 1 }, false)]
    [InlineData(new[] { 1, 2 }, new[] { 1, 2, 3 }, false)]
    [InlineData(new[] { 1 }, new int[0], false)]
    [InlineData(new[] { 1, 2 }, new[] { 1, 3 }, false)]
    public void Equals_Elements_StructuralEquality(int[] left, int[] right, bool expected)
    {
        var a = EquatableArray.Create(left);
        var b = EquatableArray.Create(right);

        Assert.Equal(expected, a.Equals(b));
        Assert.Equal(expected, a.Equals((object)b));
        Assert.Equal(expected, a == b);
        Assert.Equal(!expected, a != b);
        if (expected)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Theory]
    [InlineData("a", "a", true)]
    [InlineData("a", "A", false)]
    [InlineData("", "", true)]
    public void Equals_StringElements_OrdinalByElementEquals(string left, string right, bool expected)
    {
        Assert.Equal(expected, EquatableArray.Create(left) == EquatableArray.Create(right));
    }

    [Fact]
    public void Equals_OtherTypeOrNull_False()
    {
        var array = EquatableArray.Create(1, 2);

        Assert.False(array.Equals(null));
        Assert.False(array.Equals(new[] { 1, 2 }));
        Assert.False(array.Equals(EquatableArray.Create(1L, 2L)));
    }

    [Fact]
    public void Default_BehavesAsEmpty()
    {
        EquatableArray<string> none = default;

        Assert.True(none.IsEmpty);
        Assert.True(none == EquatableArray<string>.Empty);
        Assert.Equal(EquatableArray<string>.Empty.GetHashCode(), none.GetHashCode());
        Assert.Empty(none);
        Assert.Equal("[]", none.ToString());
        Assert.True(none.AsSpan().IsEmpty);
        Assert.Throws<IndexOutOfRangeException>(() => none[0]);
        var enumerated = 0;
        foreach (var _ in none)
        {
            enumerated++;
        }
        Assert.Equal(0, enumerated);
    }

    [Fact]
    public void Default_InsideRecords_EqualToEmpty()
    {
        var withDefault = new NodeSelectorTerm(default, default);
        var withEmpty = new NodeSelectorTerm(EquatableArray<NodeSelectorRequirement>.Empty, EquatableArray<NodeSelectorRequirement>.Empty);

        Assert.Equal(withEmpty, withDefault);
        Assert.Equal(withEmpty.GetHashCode(), withDefault.GetHashCode());
    }

    [Fact]
    public void Equals_RecordsHoldingSeparatelyBuiltArrays_CompareByContent()
    {
        NodeInfo Build() => new(
            "node1",
            LabelSet.Of(("zone", "a")),
            EquatableArray.Create(new Taint("k", "v", TaintEffect.NoSchedule), new Taint("x", "", TaintEffect.NoExecute)));
        SpeakerPlacement BuildPlacement() => new(
            LabelSet.Empty,
            EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("zone", "In", "a", "b"))),
            EquatableArray.Create(new Toleration("k", TolerationOperator.Exists)));

        Assert.Equal(Build(), Build());
        Assert.Equal(Build().GetHashCode(), Build().GetHashCode());
        Assert.Equal(BuildPlacement(), BuildPlacement());
        Assert.Equal(BuildPlacement().GetHashCode(), BuildPlacement().GetHashCode());
        Assert.NotEqual(Build(), Build() with { Taints = EquatableArray.Create(new Taint("k", "v", TaintEffect.NoSchedule)) });
        Assert.NotEqual(
            BuildPlacement(),
            BuildPlacement() with { RequiredNodeAffinity = EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("zone", "In", "b", "a"))) });
    }

    [Fact]
    public void Create_SourceArrayChangedAfterwards_Unaffected()
    {
        var source = new[] { 1, 2, 3 };

        var array = EquatableArray.Create(source);
        source[0] = 42;

        Assert.Equal([1, 2, 3], array);
    }

    [Fact]
    public void From_SourceListChangedAfterwardsOrNull_CopiedOrEmpty()
    {
        var source = new List<string> { "a", "b" };

        var array = EquatableArray<string>.From(source);
        source.Add("c");

        Assert.Equal(["a", "b"], array);
        Assert.Equal(["a", "b"], source.Take(2).ToEquatableArray());
        var sourceArray = new[] { "x", "y" };
        var fromArray = EquatableArray<string>.From(sourceArray);
        sourceArray[0] = "changed";
        Assert.Equal(["x", "y"], fromArray);
        Assert.True(EquatableArray<string>.From(null).IsEmpty);
        Assert.True(((IEnumerable<string>?)null).ToEquatableArray().IsEmpty);
    }

    [Theory]
    [InlineData(new[] { "a" }, "[a]")]
    [InlineData(new[] { "a", "b", "c" }, "[a, b, c]")]
    [InlineData(new string[0], "[]")]
    public void ToString_Elements_BracketedAndCommaSeparated(string[] items, string expected)
    {
        Assert.Equal(expected, EquatableArray.Create(items).ToString());
    }

    [Fact]
    public void Indexer_InAndOutOfRange_ElementOrThrows()
    {
        var array = EquatableArray.Create("a", "b");

        Assert.Equal("a", array[0]);
        Assert.Equal("b", array[1]);
        Assert.Throws<IndexOutOfRangeException>(() => array[2]);
        Assert.Throws<IndexOutOfRangeException>(() => array[-1]);
    }

    [Fact]
    public void GetEnumerator_AsInterface_YieldsElementsInOrder()
    {
        var array = EquatableArray.Create(3, 1, 2);

        Assert.Equal([3, 1, 2], array.ToList());
        Assert.Equal([3, 1, 2], array.Cast<int>());
        Assert.Equal([1, 2, 3], array.Order());
    }
}
