using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// The audit log filter as the user sees it, kept in the URL query of <c>/audit</c> and understood by the export
/// endpoints with the same names. Immutable.
/// </summary>
/// <param name="FromUtc">Requested at or after (UTC).</param>
/// <param name="ToUtc">Requested before (UTC, exclusive).</param>
/// <param name="Actor">Exact actor user name.</param>
/// <param name="Action">Action.</param>
/// <param name="Target">Target as <c>name</c>, <c>Kind/name</c> or <c>Kind/namespace/name</c> (see <see cref="AuditTarget"/>).</param>
/// <param name="Outcome">Outcome.</param>
/// <param name="CorrelationId">One wizard run.</param>
/// <param name="Text">Free text (actor, target, message, request body, field manager).</param>
public sealed record AuditLogFilter(
    DateTime? FromUtc = null,
    DateTime? ToUtc = null,
    string? Actor = null,
    AuditAction? Action = null,
    string? Target = null,
    AuditOutcome? Outcome = null,
    Guid? CorrelationId = null,
    string? Text = null)
{
    /// <summary>Query parameter names, shared by the page URL and the export endpoints.</summary>
    public static class Keys
    {
        public const string From = "from";
        public const string To = "to";
        public const string Actor = "actor";
        public const string Action = "action";
        public const string Target = "target";
        public const string Outcome = "outcome";
        public const string Correlation = "correlation";
        public const string Text = "q";
    }

    /// <summary>No filter: every entry.</summary>
    public static AuditLogFilter None { get; } = new();

    /// <summary>Whether nothing is filtered.</summary>
    public bool IsEmpty => this == None;

    /// <summary>
    /// Reads the filter from query parameters (a page URL's query or an HTTP request's). Unknown parameters are
    /// ignored; a value that cannot be read is left out of the filter and named in <see cref="AuditLogFilterParse.Errors"/>,
    /// so a mistyped link still shows something and says why it is broader than intended. Empty values mean "any".
    /// </summary>
    public static AuditLogFilterParse Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new List<string>();
        var filter = None;
        foreach (var (key, values) in query)
        {
            var value = values.Count > 0 ? values[^1]?.Trim() : null;
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            switch (key)
            {
                case Keys.From:
                    filter = filter with { FromUtc = ParseTime(key, value, errors) };
                    break;
                case Keys.To:
                    filter = filter with { ToUtc = ParseTime(key, value, errors) };
                    break;
                case Keys.Actor:
                    filter = filter with { Actor = value };
                    break;
                case Keys.Action:
                    filter = filter with { Action = ParseEnum<AuditAction>(key, value, errors) };
                    break;
                case Keys.Target:
                    filter = filter with { Target = value };
                    break;
                case Keys.Outcome:
                    filter = filter with { Outcome = ParseEnum<AuditOutcome>(key, value, errors) };
                    break;
                case Keys.Correlation:
                    if (Guid.TryParse(value, out var correlation))
                    {
                        filter = filter with { CorrelationId = correlation };
                    }
                    else
                    {
                        errors.Add($"“{value}” is not a correlation id (a GUID), so the {key} filter is ignored.");
                    }
                    break;
                case Keys.Text:
                    filter = filter with { Text = value };
                    break;
                default:
                    break;
            }
        }
        if (filter.Target is { } target && AuditTarget.Parse(target) is null)
        {
            errors.Add($"“{target}” is not a target (name, Kind/name or Kind/namespace/name), so the target filter is ignored.");
            filter = filter with { Target = null };
        }
        if (filter is { FromUtc: { } from, ToUtc: { } to } && to <= from)
        {
            errors.Add("The end of the time range is not after its start, so no entry can match.");
        }
        return new AuditLogFilterParse(filter, errors);
    }

    /// <summary>The store query for this filter: newest first, <paramref name="pageSize"/> entries before <paramref name="beforeId"/>.</summary>
    public AuditQuery ToQuery(int pageSize = AuditLogModel.DefaultPageSize, long? beforeId = null)
    {
        var target = Target is null ? null : AuditTarget.Parse(Target);
        return new AuditQuery
        {
            FromUtc = FromUtc,
            ToUtc = ToUtc,
            Actor = Actor,
            Action = Action,
            TargetKind = target?.Kind,
            TargetNamespace = target?.Namespace,
            TargetName = target?.Name,
            Outcome = Outcome,
            CorrelationId = CorrelationId,
            Text = Text,
            PageSize = pageSize,
            BeforeId = beforeId,
        };
    }

    /// <summary>The query string for this filter, starting with <c>?</c>, or empty when nothing is filtered. Round-trips through <see cref="Parse"/>.</summary>
    public string ToQueryString()
    {
        var builder = new StringBuilder();
        Append(builder, Keys.From, FromUtc is { } from ? FormatTime(from) : null);
        Append(builder, Keys.To, ToUtc is { } to ? FormatTime(to) : null);
        Append(builder, Keys.Actor, Actor);
        Append(builder, Keys.Action, Action?.ToString());
        Append(builder, Keys.Target, Target);
        Append(builder, Keys.Outcome, Outcome?.ToString());
        Append(builder, Keys.Correlation, CorrelationId?.ToString("D"));
        Append(builder, Keys.Text, Text);
        return builder.ToString();
    }

    /// <summary>The UTC instant as it appears in URLs: <c>2026-05-01T10:00:00Z</c>.</summary>
    public static string FormatTime(DateTime utc)
        => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder builder, string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
    }

    // Times without an offset are read as UTC: links carry UTC, and guessing the reader's zone on the server would
    // make the same link mean different things to different people.
    private static DateTime? ParseTime(string key, string value, List<string> errors)
    {
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            return time.UtcDateTime;
        }
        errors.Add($"“{value}” is not a time (use 2026-05-01T10:00:00Z), so the {key} filter is ignored.");
        return null;
    }

    private static T? ParseEnum<T>(string key, string value, List<string> errors) where T : struct, Enum
    {
        // Names only: a number would parse too, and mean nothing to whoever reads the link.
        if (!value.Any(char.IsAsciiDigit) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }
        errors.Add($"“{value}” is not one of {string.Join(", ", Enum.GetNames<T>())}, so the {key} filter is ignored.");
        return null;
    }
}

/// <summary>A parsed filter and what could not be read. Immutable.</summary>
/// <param name="Filter">The filter, without the values that could not be read.</param>
/// <param name="Errors">One sentence per value that could not be read.</param>
public sealed record AuditLogFilterParse(AuditLogFilter Filter, IReadOnlyList<string> Errors);

/// <summary>
/// A target as written in filters and tables: <c>name</c>, <c>Kind/name</c> (cluster-scoped, e.g. <c>Node/worker-1</c>)
/// or <c>Kind/namespace/name</c> (e.g. <c>DaemonSet/openelb-system/openelb-speaker</c>). Immutable.
/// </summary>
/// <param name="Kind">Kind, or null to match any kind.</param>
/// <param name="Namespace">Namespace, or null to match any namespace.</param>
/// <param name="Name">Name.</param>
public sealed record AuditTarget(string? Kind, string? Namespace, string Name)
{
    /// <summary>Reads a target; null when it has an empty part or more than three parts.</summary>
    public static AuditTarget? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Any(string.IsNullOrEmpty))
        {
            return null;
        }
        return parts.Length switch
        {
            1 => new AuditTarget(null, null, parts[0]),
            2 => new AuditTarget(parts[0], null, parts[1]),
            3 => new AuditTarget(parts[0], parts[1], parts[2]),
            _ => null,
        };
    }

    /// <summary>The entry's target in the same form, so a table cell can be pasted (or clicked) into the filter.</summary>
    public static string Format(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrEmpty(entry.TargetKind))
        {
            return entry.TargetName;
        }
        return string.IsNullOrEmpty(entry.TargetNamespace)
            ? $"{entry.TargetKind}/{entry.TargetName}"
            : $"{entry.TargetKind}/{entry.TargetNamespace}/{entry.TargetName}";
    }
}
