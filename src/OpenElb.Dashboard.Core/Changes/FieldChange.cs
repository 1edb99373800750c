using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Changes;

/// <summary>
/// One field a patch changes, before and after, rendered as <see cref="FieldText"/> renders it (the same paths and text
/// the drift detector uses, so a recorded after-state can be compared with a later snapshot).
/// </summary>
/// <param name="Path">The field, e.g. <c>metadata.labels[openelb-speaker]</c> or <c>spec.taints</c>.</param>
/// <param name="Before">The value before, or <c>null</c> when absent.</param>
/// <param name="After">The value after, or <c>null</c> when absent.</param>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>The field paths and value renderings shared by change plans, audit entries and drift detection. Pure.</summary>
public static class FieldText
{
    /// <summary>The path of a node label.</summary>
    public static string NodeLabelPath(string key) => $"metadata.labels[{key}]";

    /// <summary>The path of a node's taints.</summary>
    public const string TaintsPath = "spec.taints";

    /// <summary>The path of the speaker pod template's nodeSelector.</summary>
    public const string NodeSelectorPath = "spec.template.spec.nodeSelector";

    /// <summary>The path of the speaker pod template's required node affinity.</summary>
    public const string NodeAffinityPath = "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";

    /// <summary>The path of the speaker pod template's tolerations.</summary>
    public const string TolerationsPath = "spec.template.spec.tolerations";

    /// <summary>Labels as <c>k=v,k2=v2</c>, or <c>null</c> when empty.</summary>
    public static string? Render(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.Count == 0 ? null : labels.ToString();
    }

    /// <summary>Items joined by <c>; </c>, or <c>null</c> when empty.</summary>
    public static string? Render<T>(EquatableArray<T> items) => items.IsEmpty ? null : string.Join("; ", items);

    /// <summary>
    /// Terms as <c>(a In (x,y) AND field metadata.name In (n)) OR (c Exists)</c> (field requirements marked
    /// <c>field</c>), <c>""</c> for an empty list (matches no node), or <c>null</c> when there is no required affinity.
    /// </summary>
    public static string? Render(EquatableArray<NodeSelectorTerm>? terms) =>
        terms is not { } value
            ? null
            : string.Join(" OR ", value.Select(static t =>
                "(" + string.Join(" AND ", t.MatchExpressions.Select(static r => r.ToString()).Concat(t.MatchFields.Select(static r => FieldMarker + r))) + ")"));

    private const string FieldMarker = "field ";

    /// <summary>Reads labels rendered by <see cref="Render(LabelSet)"/> (<c>null</c> = none).</summary>
    public static LabelSet ParseLabels(string? text) =>
        string.IsNullOrEmpty(text)
            ? LabelSet.Empty
            : LabelSet.From(text.Split(',').Select(static pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return equals < 0 ? throw Malformed("label", pair) : KeyValuePair.Create(pair[..equals], pair[(equals + 1)..]);
            }));

    /// <summary>Reads taints rendered by <see cref="Render{T}(EquatableArray{T})"/> (<c>key=value:Effect; key:Effect</c>).</summary>
    public static EquatableArray<Taint> ParseTaints(string? text) =>
        Items(text).Select(static item =>
        {
            var colon = item.LastIndexOf(':');
            if (colon < 0 || !Enum.TryParse<TaintEffect>(item[(colon + 1)..], out var effect))
            {
                throw Malformed("taint", item);
            }
            var (key, value) = SplitPair(item[..colon]);
            return new Taint(key, value, effect);
        }).ToEquatableArray();

    /// <summary>Reads tolerations rendered by <see cref="Render{T}(EquatableArray{T})"/> (see <see cref="Toleration.ToString"/>).</summary>
    public static EquatableArray<Toleration> ParseTolerations(string? text) =>
        Items(text).Select(static item =>
        {
            long? seconds = null;
            var forAt = item.LastIndexOf(" for ", StringComparison.Ordinal);
            if (forAt >= 0 && item.EndsWith('s')
                && long.TryParse(item.AsSpan()[(forAt + 5)..^1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                seconds = parsed;
                item = item[..forAt];
            }
            var colon = item.LastIndexOf(':');
            if (colon < 0)
            {
                throw Malformed("toleration", item);
            }
            var effectText = item[(colon + 1)..];
            TaintEffect? effect = effectText == "*" ? null
                : Enum.TryParse<TaintEffect>(effectText, out var e) ? e : throw Malformed("toleration", item);
            var what = item[..colon];
            if (what.EndsWith(" Exists", StringComparison.Ordinal))
            {
                var key = what[..^" Exists".Length];
                return new Toleration(key == "*" ? "" : key, TolerationOperator.Exists, "", effect, seconds);
            }
            var (k, v) = SplitPair(what);
            return new Toleration(k == "*" ? "" : k, TolerationOperator.Equal, v, effect, seconds);
        }).ToEquatableArray();

    /// <summary>Reads terms rendered by <see cref="Render(EquatableArray{NodeSelectorTerm}?)"/>.</summary>
    public static EquatableArray<NodeSelectorTerm>? ParseTerms(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (text.Length == 0)
        {
            return EquatableArray<NodeSelectorTerm>.Empty;
        }
        return text.Split(" OR ").Select(static term =>
        {
            if (!term.StartsWith('(') || !term.EndsWith(')'))
            {
                throw Malformed("node selector term", term);
            }
            var requirements = term[1..^1].Length == 0 ? [] : term[1..^1].Split(" AND ");
            var expressions = new List<NodeSelectorRequirement>();
            var fields = new List<NodeSelectorRequirement>();
            foreach (var requirement in requirements)
            {
                var isField = requirement.StartsWith(FieldMarker, StringComparison.Ordinal);
                (isField ? fields : expressions).Add(ParseRequirement(isField ? requirement[FieldMarker.Length..] : requirement));
            }
            return new NodeSelectorTerm(expressions.ToEquatableArray(), fields.ToEquatableArray());
        }).ToEquatableArray();
    }

    private static NodeSelectorRequirement ParseRequirement(string text)
    {
        var values = EquatableArray<string>.Empty;
        var open = text.IndexOf(" (", StringComparison.Ordinal);
        if (open >= 0 && text.EndsWith(')'))
        {
            values = text[(open + 2)..^1].Split(',').ToEquatableArray();
            text = text[..open];
        }
        var space = text.LastIndexOf(' ');
        return space <= 0 ? throw Malformed("node selector requirement", text) : new NodeSelectorRequirement(text[..space], text[(space + 1)..], values);
    }

    private static string[] Items(string? text) => string.IsNullOrEmpty(text) ? [] : text.Split("; ");

    private static (string Key, string Value) SplitPair(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (text, "") : (text[..equals], text[(equals + 1)..]);
    }

    private static FormatException Malformed(string what, string text) => new($"Not a rendered {what}: '{text}'.");

    /// <summary>The fields that differ between two placements.</summary>
    public static IEnumerable<FieldChange> PlacementChanges(SpeakerPlacement before, SpeakerPlacement after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (!before.NodeSelector.Equals(after.NodeSelector))
        {
            yield return new FieldChange(NodeSelectorPath, Render(before.NodeSelector), Render(after.NodeSelector));
        }
        if (!Equals(before.RequiredNodeAffinity, after.RequiredNodeAffinity))
        {
            yield return new FieldChange(NodeAffinityPath, Render(before.RequiredNodeAffinity), Render(after.RequiredNodeAffinity));
        }
        if (!before.Tolerations.Equals(after.Tolerations))
        {
            yield return new FieldChange(TolerationsPath, Render(before.Tolerations), Render(after.Tolerations));
        }
    }
}
