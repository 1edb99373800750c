using System.Collections.Frozen;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace OpenElb.Dashboard.Components.Markup;

/// <summary>
/// The icons that static markup (<see cref="ChipMarkup"/>, the overview's cards, the wall's node marks) draws, as one
/// SVG sprite in the layout (<see cref="Sprite"/>) and a short <c>&lt;use&gt;</c> reference per icon. A MudIcon writes
/// the whole path into every instance (0.5–1 KB each) and is a component; a reference is ~150 bytes of a shared string.
/// An icon that is not in the sprite is written inline, so markup never shows an empty box.
/// </summary>
internal static class SvgIcons
{
    private static readonly string[] s_icons =
    [
        Icons.Material.Filled.Campaign,
        Icons.Material.Outlined.VolumeOff,
        Icons.Material.Filled.HourglassTop,
        Icons.Material.Filled.ReportProblem,
        Icons.Material.Filled.Link,
        Icons.Material.Filled.LinkOff,
        Icons.Material.Filled.History,
        Icons.Material.Filled.HelpOutline,
        Icons.Material.Outlined.Remove,
        Icons.Material.Filled.CheckCircle,
        Icons.Material.Filled.Warning,
        Icons.Material.Filled.Error,
        Icons.Material.Filled.PowerOff,
        Icons.Material.Filled.Info,
        Icons.Material.Filled.Sensors,
        Icons.Material.Filled.SensorsOff,
        Icons.Material.Filled.Cancel,
        Icons.Material.Outlined.RemoveCircleOutline,
    ];

    private static readonly FrozenDictionary<string, string> s_ids = s_icons
        .Distinct(StringComparer.Ordinal)
        .Select(static (icon, i) => (icon, id: "oe-icon-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        .ToFrozenDictionary(static p => p.icon, static p => p.id, StringComparer.Ordinal);

    /// <summary>The sprite: every icon as a <c>&lt;symbol&gt;</c>, hidden; rendered once per page by the layouts.</summary>
    public static MarkupString Sprite { get; } = new(
        "<svg class=\"icon-sprite\" aria-hidden=\"true\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">"
        + string.Concat(s_ids.OrderBy(static p => p.Value, StringComparer.Ordinal).Select(static p => $"<symbol id=\"{p.Value}\" viewBox=\"0 0 24 24\">{p.Key}</symbol>"))
        + "</svg>");

    /// <summary>
    /// An icon as MudIcon would draw it with <paramref name="cssClass"/> (decorative: hidden from screen readers; the
    /// words next to it carry the meaning).
    /// </summary>
    public static string Svg(string icon, string cssClass)
    {
        var body = s_ids.TryGetValue(icon, out var id) ? $"<use href=\"#{id}\"></use>" : icon;
        return $"<svg class=\"mud-icon-root mud-svg-icon {cssClass}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">{body}</svg>";
    }

    /// <summary>
    /// <see cref="Svg"/> in fewer characters for icons drawn thousands of times (the overview's chips): an icon from the
    /// sprite needs no view box of its own (the symbol has one) and no MudIcon classes when <paramref name="cssClass"/>
    /// sizes it. Other icons are drawn as <see cref="Svg"/> does.
    /// </summary>
    public static string Compact(string icon, string cssClass) =>
        s_ids.TryGetValue(icon, out var id)
            ? $"<svg class=\"{cssClass}\" aria-hidden=\"true\"><use href=\"#{id}\"></use></svg>"
            : Svg(icon, cssClass);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Icon, string Class), MarkupString> s_markup = new();

    /// <summary>
    /// <see cref="Svg"/> as a markup fragment, one shared instance per icon and class: in place of a MudIcon component
    /// where an icon is drawn many times over (the wall's node rows).
    /// </summary>
    public static MarkupString Markup(string icon, string cssClass) =>
        s_markup.GetOrAdd((icon, cssClass), static key => new MarkupString(Svg(key.Icon, key.Class)));

    /// <summary>Whether <paramref name="icon"/> is drawn from the sprite.</summary>
    public static bool InSprite(string icon) => s_ids.ContainsKey(icon);
}
