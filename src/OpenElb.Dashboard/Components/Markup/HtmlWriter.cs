using System.Text;
using System.Text.Encodings.Web;

namespace OpenElb.Dashboard.Components.Markup;

/// <summary>
/// Writes static HTML for fragments that are rendered many times over (a router card's node rows, chips): one markup
/// frame instead of a component tree, so a circuit holds a string that every circuit shares rather than thousands of
/// component instances and render-tree frames of its own. Every text and attribute value is HTML-encoded here; raw
/// markup only enters through <see cref="Raw"/>, which callers pass constant or already-written strings.
/// </summary>
internal sealed class HtmlWriter
{
    private static readonly HtmlEncoder s_encoder = HtmlEncoder.Default;
    private readonly StringBuilder _html;

    public HtmlWriter(int capacity = 256) => _html = new StringBuilder(capacity);

    /// <summary>Opens <c>&lt;tag</c>; follow with <see cref="Attr"/> calls and <see cref="Close"/>.</summary>
    public HtmlWriter Open(string tag)
    {
        _html.Append('<').Append(tag);
        return this;
    }

    /// <summary>An attribute, encoded; skipped when <paramref name="value"/> is null.</summary>
    public HtmlWriter Attr(string name, string? value)
    {
        if (value is not null)
        {
            _html.Append(' ').Append(name).Append("=\"").Append(s_encoder.Encode(value)).Append('"');
        }
        return this;
    }

    /// <summary>Ends the start tag.</summary>
    public HtmlWriter Close()
    {
        _html.Append('>');
        return this;
    }

    /// <summary>Text content, encoded.</summary>
    public HtmlWriter Text(string text)
    {
        _html.Append(s_encoder.Encode(text));
        return this;
    }

    /// <summary>Markup written by this class or a constant; never user data.</summary>
    public HtmlWriter Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary><c>&lt;/tag&gt;</c>.</summary>
    public HtmlWriter End(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element with text content: <c>&lt;tag class="…"&gt;text&lt;/tag&gt;</c>.</summary>
    public HtmlWriter Element(string tag, string? cssClass, string text) => Open(tag).Attr("class", cssClass).Close().Text(text).End(tag);

    /// <summary>
    /// A link as MudLink renders it (same classes, so the theme styles it); Blazor's navigation handles plain anchors,
    /// so it navigates inside the circuit like a MudLink.
    /// </summary>
    public HtmlWriter Link(string href, string text, string? extraClass = null, string? ariaLabel = null, string? dataLink = null) =>
        Open("a").Attr("href", href)
            .Attr("class", extraClass is null ? LinkClass : LinkClass + " " + extraClass)
            .Attr("aria-label", ariaLabel).Attr("data-link", dataLink).Close()
            .Text(text).End("a");

    /// <summary>MudLink's classes (Color.Primary, Underline.Hover).</summary>
    public const string LinkClass = "mud-typography mud-link mud-primary-text mud-link-underline-hover";

    public override string ToString() => _html.ToString();
}
