using System.Text;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// The filter form's fields as typed (times in the viewer's zone). Mutable, bound to the inputs; one per page.
/// Applying it turns it into a URL query; the page reads the filter back from the URL, so links and the back button
/// work and a value that cannot be read is named there.
/// </summary>
public sealed class AuditLogFilterForm
{
    /// <summary>Start, as a <c>datetime-local</c> value in the viewer's zone.</summary>
    public string? From { get; set; }

    /// <summary>End, as a <c>datetime-local</c> value in the viewer's zone.</summary>
    public string? To { get; set; }

    /// <summary>Actor user name.</summary>
    public string? Actor { get; set; }

    /// <summary>Action, or null for any.</summary>
    public AuditAction? Action { get; set; }

    /// <summary>Target (<c>name</c>, <c>Kind/name</c> or <c>Kind/namespace/name</c>).</summary>
    public string? Target { get; set; }

    /// <summary>Outcome, or null for any.</summary>
    public AuditOutcome? Outcome { get; set; }

    /// <summary>Correlation id.</summary>
    public string? Correlation { get; set; }

    /// <summary>Free text.</summary>
    public string? Text { get; set; }

    /// <summary>The form showing <paramref name="filter"/>, with times in <paramref name="zone"/>.</summary>
    public static AuditLogFilterForm Of(AuditLogFilter filter, AuditTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(zone);
        return new AuditLogFilterForm
        {
            From = zone.ToInput(filter.FromUtc),
            To = zone.ToInput(filter.ToUtc),
            Actor = filter.Actor,
            Action = filter.Action,
            Target = filter.Target,
            Outcome = filter.Outcome,
            Correlation = filter.CorrelationId?.ToString("D"),
            Text = filter.Text,
        };
    }

    /// <summary>
    /// The URL query for these fields (starting with <c>?</c>, or empty): times converted from <paramref name="zone"/>
    /// to UTC. Values that cannot be read are kept as typed, so the page can say what is wrong with them.
    /// </summary>
    public string ToQueryString(AuditTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var builder = new StringBuilder();
        Append(builder, AuditLogFilter.Keys.From, Time(From, zone));
        Append(builder, AuditLogFilter.Keys.To, Time(To, zone));
        Append(builder, AuditLogFilter.Keys.Actor, Actor);
        Append(builder, AuditLogFilter.Keys.Action, Action?.ToString());
        Append(builder, AuditLogFilter.Keys.Target, Target);
        Append(builder, AuditLogFilter.Keys.Outcome, Outcome?.ToString());
        Append(builder, AuditLogFilter.Keys.Correlation, Correlation);
        Append(builder, AuditLogFilter.Keys.Text, Text);
        return builder.ToString();
    }

    private static string? Time(string? local, AuditTimeZone zone)
        => zone.FromInput(local) is { } utc ? AuditLogFilter.FormatTime(utc) : local;

    private static void Append(StringBuilder builder, string key, string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
    }
}
