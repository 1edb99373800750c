using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Model;

public sealed class AuditTimeZoneTests
{
    private static readonly DateTime s_summer = new(2026, 7, 1, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime s_winter = new(2026, 1, 10, 10, 0, 0, DateTimeKind.Utc);

    // The app runs with InvariantGlobalization: IANA ids must still resolve (from tzdata, not ICU).
    [Fact]
    public void Resolve_IanaId_UnderInvariantGlobalization_ConvertsWithDst()
    {
        var zone = AuditTimeZone.Resolve("Europe/Berlin");

        Assert.False(zone.IsFallback);
        Assert.Equal("2026-07-01 12:00:00", zone.Format(s_summer));
        Assert.Equal("2026-01-10 11:00:00", zone.Format(s_winter));
        Assert.Equal("UTC+02:00", zone.OffsetAt(s_summer));
        Assert.Equal("Times in Europe/Berlin (UTC+01:00)", zone.Label(new DateTimeOffset(s_winter)));
    }

    [Fact]
    public void Resolve_NegativeOffset_Labelled()
        => Assert.Equal("Times in America/New_York (UTC-05:00)", AuditTimeZone.Resolve("America/New_York").Label(new DateTimeOffset(s_winter)));

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(null)]
    public void Resolve_Unknown_UtcAndSaysSo(string? id)
    {
        var zone = AuditTimeZone.Resolve(id);

        Assert.True(zone.IsFallback);
        Assert.Equal("2026-07-01 10:00:00", zone.Format(s_summer));
        Assert.Equal("Times in UTC (your time zone is not known here)", zone.Label(new DateTimeOffset(s_summer)));
    }

    [Fact]
    public void Resolve_Utc_NotAFallback()
    {
        var zone = AuditTimeZone.Resolve("Etc/UTC");

        Assert.False(zone.IsFallback);
        Assert.Equal("Times in UTC", zone.Label(new DateTimeOffset(s_summer)));
    }

    [Theory]
    [InlineData("2026-07-01T12:00", "2026-07-01T10:00:00Z")]
    [InlineData("2026-03-29T02:30", "2026-03-29T01:30:00Z")] // skipped by the spring-forward change: standard offset
    [InlineData("2026-10-25T02:30", "2026-10-25T01:30:00Z")] // ambiguous in autumn: standard offset
    public void FromInput_WallTimeInZone_ToUtc(string local, string utc)
    {
        var zone = AuditTimeZone.Resolve("Europe/Berlin");

        var result = zone.FromInput(local);

        Assert.Equal(utc, AuditLogFilter.FormatTime(result!.Value));
        Assert.Equal(DateTimeKind.Utc, result.Value.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    public void FromInput_Unreadable_Null(string local) => Assert.Null(AuditTimeZone.Utc.FromInput(local));

    [Fact]
    public void ToInput_RoundTripsThroughFromInput()
    {
        var zone = AuditTimeZone.Resolve("Asia/Kolkata");

        Assert.Equal(s_summer, zone.FromInput(zone.ToInput(s_summer)));
    }
}
