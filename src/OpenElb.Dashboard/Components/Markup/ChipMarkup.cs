using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Markup;

/// <summary>
/// The status chips (speaker, session, redundancy, node not ready) as static markup styled like MudChip, so they
/// look the same. A chip has no behaviour here (MudChip rendered them with tabindex -1 and no click), and a MudChip is
/// three components with a GUID id each; the overview shows thousands of them. Each variant's markup is built once and
/// shared. Colour is never the only signal: every chip has an icon and a word, and a title with the full words.
/// </summary>
internal static class ChipMarkup
{
    private static readonly ConcurrentDictionary<SpeakerStatus, MarkupString> s_speakers = new();
    private static readonly ConcurrentDictionary<(SessionHealth, BgpSessionState, bool), MarkupString> s_sessions = new();
    private static readonly ConcurrentDictionary<RedundancyState, MarkupString> s_redundancy = new();

    /// <summary>"node not ready", in the error colour.</summary>
    public static MarkupString NodeNotReady { get; } = new(Chip(Color.Error, Variant.Text, Icons.Material.Filled.PowerOff, "node-not-ready-chip", null, null, null, null, "node not ready"));

    /// <summary>A speaker's status: "speaker", "no speaker" or the trouble in words (<see cref="Words.Speaker"/>).</summary>
    public static MarkupString Speaker(SpeakerStatus status) => s_speakers.GetOrAdd(status, static s => new(SpeakerChip(s)));

    /// <summary>
    /// A node's session with a router, or nothing when the node has no speaker. <paramref name="compact"/> drops the word
    /// "session" where the context says it (router cards); the title keeps the full words.
    /// </summary>
    public static MarkupString Session(NodeSession? session, bool compact)
    {
        if (session is null || session.Health == SessionHealth.NoSpeaker)
        {
            return default;
        }
        var state = session.Entry?.State ?? BgpSessionState.Unknown;
        return s_sessions.GetOrAdd((session.Health, state, compact), static (_, s) => new(SessionChip(s.Session, s.Compact)), (Session: session, Compact: compact));
    }

    /// <summary>A router group's verdict, filled, with an icon and the word (never colour alone).</summary>
    public static MarkupString Redundancy(RedundancyState state) => s_redundancy.GetOrAdd(state, static s => new(RedundancyChip(s)));

    private static string SpeakerChip(SpeakerStatus status)
    {
        var label = status switch
        {
            SpeakerStatus.Ready => "speaker",
            SpeakerStatus.None => "no speaker",
            _ => Words.Speaker(status),
        };
        var color = status switch
        {
            SpeakerStatus.Ready => Color.Success,
            SpeakerStatus.None => Color.Default,
            SpeakerStatus.Pending or SpeakerStatus.Terminating => Color.Info,
            _ => Color.Error,
        };
        var icon = status switch
        {
            SpeakerStatus.Ready => Icons.Material.Filled.Campaign,
            SpeakerStatus.None => Icons.Material.Outlined.VolumeOff,
            SpeakerStatus.Pending or SpeakerStatus.Terminating => Icons.Material.Filled.HourglassTop,
            _ => Icons.Material.Filled.ReportProblem,
        };
        return Chip(color, Variant.Outlined, icon, "speaker-chip", "data-speaker", status.ToString().ToLowerInvariant(), Words.Speaker(status), null, label);
    }

    private static string SessionChip(NodeSession session, bool compact)
    {
        var words = Words.Session(session);
        var label = !compact ? words : session.Health switch
        {
            SessionHealth.Established => "established",
            SessionHealth.Down => session.Entry is { State: not BgpSessionState.Unknown } entry ? entry.State.ToString().ToUpperInvariant() : "down",
            SessionHealth.Stale => "stale entry",
            SessionHealth.Unknown => "no status",
            _ => "none",
        };
        var color = session.Health switch
        {
            SessionHealth.Established => Color.Success,
            SessionHealth.Down => Color.Error,
            SessionHealth.Stale or SessionHealth.Unknown => Color.Warning,
            _ => Color.Default,
        };
        var icon = session.Health switch
        {
            SessionHealth.Established => Icons.Material.Filled.Link,
            SessionHealth.Down => Icons.Material.Filled.LinkOff,
            SessionHealth.Stale => Icons.Material.Filled.History,
            SessionHealth.Unknown => Icons.Material.Filled.HelpOutline,
            _ => Icons.Material.Outlined.Remove,
        };
        return Chip(color, Variant.Outlined, icon, "session-chip", "data-session", session.Health.ToString().ToLowerInvariant(), words, null, label);
    }

    private static string RedundancyChip(RedundancyState state)
    {
        var text = Words.Redundancy(state);
        var (color, icon) = state switch
        {
            RedundancyState.Ok => (Color.Success, Icons.Material.Filled.CheckCircle),
            RedundancyState.Degraded => (Color.Warning, Icons.Material.Filled.Warning),
            _ => (Color.Error, Icons.Material.Filled.Error),
        };
        return Chip(color, Variant.Filled, icon, "redundancy-badge", "data-redundancy", state.ToString().ToLowerInvariant(), null, "Redundancy " + text, text);
    }

    /// <summary>
    /// A small chip with MudChip's look (size, colour and variant; dashboard.css, <c>.oe-chip</c>) as one element: MudChip's
    /// own markup is two nested elements with four long class names and an SVG with its own view box, ~390 characters a
    /// chip, and the overview draws ~3,000 chips at 5,000 nodes (a card's HTML was ~13,600 characters, every circuit's
    /// first render batch ~1.7 MB). This one is about half that.
    /// </summary>
    internal static string Chip(Color color, Variant variant, string icon, string cssClass, string? dataName, string? dataValue, string? title, string? ariaLabel, string text)
    {
        var chipClass = $"oe-chip oe-{variant.ToString().ToLowerInvariant()} oe-{color.ToString().ToLowerInvariant()} {cssClass}";
        var html = new HtmlWriter(192).Open("span").Attr("class", chipClass);
        if (dataName is not null)
        {
            html.Attr(dataName, dataValue);
        }
        return html.Attr("title", title).Attr("aria-label", ariaLabel).Close()
            .Raw(SvgIcons.Compact(icon, "oe-chip-icon"))
            .Text(text)
            .End("span").ToString();
    }
}
