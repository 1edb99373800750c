using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class AuditDiffTests
{
    [Fact]
    public void Compute_Labels_AddedRemovedChangedUnchanged()
    {
        var changes = AuditDiff.Compute(
            """{"labels":{"openelb.kubesphere.io/rack":"rack-a","old":"x","same":"1"}}""",
            """{"labels":{"openelb.kubesphere.io/rack":"rack-b","same":"1","openelb-speaker":"true"}}""");

        Assert.Equal(
            [
                ("labels › openelb.kubesphere.io/rack", "rack-a", "rack-b", AuditFieldChangeKind.Changed),
                ("labels › old", "x", null, AuditFieldChangeKind.Removed),
                ("labels › same", "1", "1", AuditFieldChangeKind.Unchanged),
                ("labels › openelb-speaker", null, "true", AuditFieldChangeKind.Added),
            ],
            changes.Select(c => (c.PathText, c.Before, c.After, c.Kind)).ToArray());
        // A label key with dots and a slash stays one path segment.
        Assert.Equal(["labels", "openelb.kubesphere.io/rack"], changes[0].Path);
    }

    [Fact]
    public void Compute_NullMeansAbsent()
    {
        var change = Assert.Single(AuditDiff.Compute("""{"labels":{"openelb-speaker":"true"}}""", """{"labels":{"openelb-speaker":null}}"""));

        Assert.Equal(("true", (string?)null, AuditFieldChangeKind.Removed), (change.Before, change.After, change.Kind));
    }

    [Fact]
    public void Compute_ArraysAndNumbers_AreLeavesAsJson()
    {
        var change = Assert.Single(AuditDiff.Compute(
            """{"spec":{"tolerations":[{"key":"a"}]}}""",
            """{"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}}"""));

        Assert.Equal("spec › tolerations", change.PathText);
        Assert.Equal("""[{"key":"a"}]""", change.Before);
        Assert.Equal(AuditFieldChangeKind.Changed, change.Kind);
        Assert.Equal(AuditFieldChangeKind.Changed, Assert.Single(AuditDiff.Compute("""{"replicas":1}""", """{"replicas":2}""")).Kind);
    }

    [Fact]
    public void Compute_NotJson_OneValueRow()
    {
        var change = Assert.Single(AuditDiff.Compute("three speakers", "two speakers"));

        Assert.Equal(("(value)", "three speakers", "two speakers", AuditFieldChangeKind.Changed), (change.PathText, change.Before, change.After, change.Kind));
    }

    // A write that failed records no after-state: its fields were not removed, their after-values are unknown.
    [Fact]
    public void Compute_AfterNotRecorded_NotRecordedNotRemoved()
    {
        var change = Assert.Single(AuditDiff.Compute("""{"labels":{"rack":"rack-c"}}""", null));

        Assert.Equal(("rack-c", (string?)null, AuditFieldChangeKind.NotRecorded), (change.Before, change.After, change.Kind));
        Assert.Equal(AuditFieldChangeKind.Added, Assert.Single(AuditDiff.Compute("{}", """{"rack":"a"}""")).Kind);
    }

    [Fact]
    public void Compute_NothingRecorded_NoRows() => Assert.Empty(AuditDiff.Compute(null, " "));

    [Fact]
    public void Pretty_Json_IndentedWithoutEscapingSlashesOrPlus()
    {
        var pretty = AuditDiff.Pretty("""{"metadata":{"labels":{"openelb.kubesphere.io/rack":"a+b"}}}""");

        Assert.Contains("\n", pretty, StringComparison.Ordinal);
        Assert.Contains("\"openelb.kubesphere.io/rack\": \"a+b\"", pretty, StringComparison.Ordinal);
        Assert.Equal("not json {", AuditDiff.Pretty("not json {"));
        Assert.Null(AuditDiff.Pretty(""));
    }
}
