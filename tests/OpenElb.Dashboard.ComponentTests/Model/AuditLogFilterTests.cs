using Microsoft.AspNetCore.WebUtilities;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class AuditLogFilterTests
{
    private static AuditLogFilterParse Parse(string query) => AuditLogFilter.Parse(QueryHelpers.ParseQuery(query));

    [Fact]
    public void Parse_EveryParameter_FillsTheStoreQuery()
    {
        var correlation = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var parsed = Parse($"?from=2026-05-01T10:00:00Z&to=2026-05-02T00:00:00%2B02:00&actor=alice&action=TaintNodes&target=DaemonSet/openelb-system/openelb-speaker&outcome=conflict&correlation={correlation}&q=rack-b");
        var query = parsed.Filter.ToQuery(pageSize: 20, beforeId: 99);

        Assert.Empty(parsed.Errors);
        Assert.Equal(new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc), query.FromUtc);
        Assert.Equal(new DateTime(2026, 5, 1, 22, 0, 0, DateTimeKind.Utc), query.ToUtc);
        Assert.Equal(DateTimeKind.Utc, query.FromUtc!.Value.Kind);
        Assert.Equal("alice", query.Actor);
        Assert.Equal(AuditAction.TaintNodes, query.Action);
        Assert.Equal(("DaemonSet", "openelb-system", "openelb-speaker"), (query.TargetKind, query.TargetNamespace, query.TargetName));
        Assert.Equal(AuditOutcome.Conflict, query.Outcome);
        Assert.Equal(correlation, query.CorrelationId);
        Assert.Equal("rack-b", query.Text);
        Assert.Equal((20, 99L), (query.PageSize, query.BeforeId!.Value));
    }

    [Theory]
    [InlineData("?action=Frobnicate", "action")]
    [InlineData("?action=3", "action")]
    [InlineData("?outcome=Maybe", "outcome")]
    [InlineData("?correlation=not-a-guid", "correlation")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?target=Node//worker-1", "target")]
    [InlineData("?target=a/b/c/d", "target")]
    public void Parse_UnreadableValue_LeftOutAndNamed(string query, string key)
    {
        var parsed = Parse(query);

        Assert.True(parsed.Filter.IsEmpty);
        var error = Assert.Single(parsed.Errors);
        Assert.Contains(key, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyAndUnknownParameters_NoFilterNoError()
    {
        var parsed = Parse("?actor=&q=%20&page=3&utm_source=mail");

        Assert.True(parsed.Filter.IsEmpty);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Parse_TimeWithoutOffset_ReadAsUtc()
    {
        var parsed = Parse("?from=2026-05-01T10:00");

        Assert.Equal(new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc), parsed.Filter.FromUtc);
    }

    [Fact]
    public void Parse_EndNotAfterStart_Warns()
    {
        var parsed = Parse("?from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z");

        Assert.NotNull(parsed.Filter.FromUtc);
        Assert.Contains("not after its start", Assert.Single(parsed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ToQueryString_RoundTripsThroughParse()
    {
        var filter = new AuditLogFilter(
            FromUtc: new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc),
            ToUtc: new DateTime(2026, 5, 1, 11, 30, 0, DateTimeKind.Utc),
            Actor: "alice & bob",
            Action: AuditAction.RestartSpeakers,
            Target: "Node/worker-1",
            Outcome: AuditOutcome.Failed,
            CorrelationId: Guid.NewGuid(),
            Text: "50% = done?");

        var query = filter.ToQueryString();
        var parsed = Parse(query);

        Assert.StartsWith("?from=2026-05-01T10%3A00%3A00Z&", query, StringComparison.Ordinal);
        Assert.Empty(parsed.Errors);
        Assert.Equal(filter, parsed.Filter);
    }

    [Fact]
    public void ToQueryString_NoFilter_Empty() => Assert.Equal("", AuditLogFilter.None.ToQueryString());

    [Theory]
    [InlineData("worker-1", null, null, "worker-1")]
    [InlineData("Node/worker-1", "Node", null, "worker-1")]
    [InlineData(" DaemonSet / openelb-system / openelb-speaker ", "DaemonSet", "openelb-system", "openelb-speaker")]
    public void AuditTargetParse_Forms(string text, string? kind, string? ns, string name)
        => Assert.Equal(new AuditTarget(kind, ns, name), AuditTarget.Parse(text));

    [Theory]
    [InlineData("Node", null, "worker-1", "Node/worker-1")]
    [InlineData("DaemonSet", "openelb-system", "openelb-speaker", "DaemonSet/openelb-system/openelb-speaker")]
    [InlineData("", null, "worker-1", "worker-1")]
    public void AuditTargetFormat_ParsesBackToTheSameTarget(string kind, string? ns, string name, string expected)
    {
        var entry = new AuditEntry { TargetKind = kind, TargetNamespace = ns, TargetName = name };

        var text = AuditTarget.Format(entry);

        Assert.Equal(expected, text);
        Assert.Equal(name, AuditTarget.Parse(text)!.Name);
    }

    [Fact]
    public void Verification_ReasonNamingTheEntry_NamedOnce()
    {
        var text = AuditWords.Verification(new ChainVerification(false, 12, 4, "Entry 4: the begin record does not match its hash."));

        Assert.Equal("The chain is broken at entry #4: the begin record does not match its hash.", text);
        Assert.Equal("The chain is broken after the last entry: the chain head names sequence 9.",
            AuditWords.Verification(new ChainVerification(false, 8, null, "the chain head names sequence 9.")));
    }
}
