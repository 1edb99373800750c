using Microsoft.AspNetCore.WebUtilities;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class AuditLogFilterFormTests
{
    [Fact]
    public void ToQueryString_LocalTimes_ConvertedToUtc()
    {
        var zone = AuditTimeZone.Resolve("Europe/Berlin");
        var form = new AuditLogFilterForm { From = "2026-01-10T08:30", To = "2026-07-01T12:00", Actor = " alice ", Outcome = AuditOutcome.Denied };

        var parsed = AuditLogFilter.Parse(QueryHelpers.ParseQuery(form.ToQueryString(zone)));

        Assert.Empty(parsed.Errors);
        Assert.Equal(new DateTime(2026, 1, 10, 7, 30, 0, DateTimeKind.Utc), parsed.Filter.FromUtc); // CET, +01:00
        Assert.Equal(new DateTime(2026, 7, 1, 10, 0, 0, DateTimeKind.Utc), parsed.Filter.ToUtc); // CEST, +02:00
        Assert.Equal("alice", parsed.Filter.Actor);
        Assert.Equal(AuditOutcome.Denied, parsed.Filter.Outcome);
    }

    [Fact]
    public void ToQueryString_UnreadableValue_KeptSoThePageCanNameIt()
    {
        var form = new AuditLogFilterForm { Correlation = "run-42" };

        var parsed = AuditLogFilter.Parse(QueryHelpers.ParseQuery(form.ToQueryString(AuditTimeZone.Utc)));

        Assert.Contains("run-42", Assert.Single(parsed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_ShowsTimesInTheViewersZone()
    {
        var filter = new AuditLogFilter(FromUtc: new DateTime(2026, 5, 1, 22, 0, 0, DateTimeKind.Utc));

        var form = AuditLogFilterForm.Of(filter, AuditTimeZone.Resolve("Asia/Tokyo"));

        Assert.Equal("2026-05-02T07:00", form.From);
        Assert.Equal("", form.To);
    }
}
