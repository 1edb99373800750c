using System.Globalization;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// The zone audit times are shown in: the viewer's (from the browser), or UTC when the browser's zone is not known
/// on this server. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The app runs with <c>InvariantGlobalization</c>, which drops ICU but not the time zone database: on Linux
/// <see cref="TimeZoneInfo.FindSystemTimeZoneById"/> reads IANA ids (what browsers report) from
/// <c>/usr/share/zoneinfo</c>. Only Windows-id conversion needs ICU, and browsers never send Windows ids. A server
/// without tzdata finds no zone, and times are then shown (and labelled) in UTC.
/// </remarks>
public sealed class AuditTimeZone
{
    private const string DisplayFormat = "yyyy-MM-dd HH:mm:ss";
    private const string InputFormat = "yyyy-MM-dd'T'HH:mm";

    private AuditTimeZone(TimeZoneInfo zone, string name, bool isFallback)
    {
        Zone = zone;
        Name = name;
        IsFallback = isFallback;
    }

    /// <summary>UTC, as used before the browser has told its zone (prerendering, no JS).</summary>
    public static AuditTimeZone Utc { get; } = new(TimeZoneInfo.Utc, "UTC", isFallback: false);

    /// <summary>The zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The IANA name (or <c>UTC</c>).</summary>
    public string Name { get; }

    /// <summary>True when the viewer's zone was asked for but is not known here, so UTC is shown instead.</summary>
    public bool IsFallback { get; }

    /// <summary>The zone named by the browser (an IANA id), or UTC (marked as a fallback) when it is unknown here.</summary>
    public static AuditTimeZone Resolve(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId))
        {
            return new AuditTimeZone(TimeZoneInfo.Utc, "UTC", isFallback: true);
        }
        if (ianaId is "UTC" or "Etc/UTC")
        {
            return Utc;
        }
        try
        {
            return new AuditTimeZone(TimeZoneInfo.FindSystemTimeZoneById(ianaId), ianaId, isFallback: false);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return new AuditTimeZone(TimeZoneInfo.Utc, "UTC", isFallback: true);
        }
    }

    /// <summary>
    /// What the page says about its times, e.g. "Times in Europe/Berlin (UTC+01:00)"; the offset is the one at
    /// <paramref name="now"/>. A fallback says that the viewer's zone is unknown.
    /// </summary>
    public string Label(DateTimeOffset now)
    {
        if (IsFallback)
        {
            return "Times in UTC (your time zone is not known here)";
        }
        if (Zone == TimeZoneInfo.Utc)
        {
            return "Times in UTC";
        }
        return $"Times in {Name} ({Offset(Zone.GetUtcOffset(now))})";
    }

    /// <summary>A stored UTC time in this zone, e.g. <c>2026-05-01 12:00:00</c>.</summary>
    public string Format(DateTime utc) => ToLocal(utc).ToString(DisplayFormat, CultureInfo.InvariantCulture);

    /// <summary>The UTC offset at <paramref name="utc"/>, e.g. <c>UTC+02:00</c> (for tooltips: the label's offset may differ across DST).</summary>
    public string OffsetAt(DateTime utc) => Offset(Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    /// <summary>A UTC time as the value of an <c>&lt;input type="datetime-local"&gt;</c> in this zone.</summary>
    public string ToInput(DateTime? utc) => utc is { } value ? ToLocal(value).ToString(InputFormat, CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// Reads a <c>datetime-local</c> value as a time in this zone and returns it in UTC; null when empty or unreadable.
    /// A wall time skipped by a DST change is read with the standard offset; an ambiguous one with the standard offset too.
    /// </summary>
    public DateTime? FromInput(string? local)
    {
        if (string.IsNullOrWhiteSpace(local)
            || !DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var wall))
        {
            return null;
        }
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        // GetUtcOffset never throws (ConvertTimeToUtc does for skipped times) and picks the standard offset for both
        // skipped and ambiguous wall times, which is as good a guess as any for a filter bound.
        return DateTime.SpecifyKind(wall - Zone.GetUtcOffset(wall), DateTimeKind.Utc);
    }

    private DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    private static string Offset(TimeSpan offset)
        => "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
