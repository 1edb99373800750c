using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.UnitTests.Scheduling;

/// <summary>
/// Parses the compact notation the scheduling test tables use, which is the notation <see cref="Taint.ToString"/> and
/// <see cref="Toleration.ToString"/> print: taints as <c>key=value:Effect</c> or <c>key:Effect</c>; tolerations as
/// <c>key=value:Effect</c> (Equal) or <c>key Exists:Effect</c>, where a key of <c>*</c> is the empty key and an effect of
/// <c>*</c> means every effect.
/// </summary>
internal static class SchedulingNotation
{
    public static Taint Taint(string text)
    {
        var colon = text.LastIndexOf(':');
        var effect = Enum.Parse<TaintEffect>(text[(colon + 1)..]);
        var keyValue = text[..colon];
        var equals = keyValue.IndexOf('=');
        return equals < 0
            ? new Taint(keyValue, "", effect)
            : new Taint(keyValue[..equals], keyValue[(equals + 1)..], effect);
    }

    public static Toleration Toleration(string text)
    {
        var colon = text.LastIndexOf(':');
        var effectText = text[(colon + 1)..];
        TaintEffect? effect = effectText == "*" ? null : Enum.Parse<TaintEffect>(effectText);
        var what = text[..colon];
        if (what.EndsWith(" Exists", StringComparison.Ordinal))
        {
            var key = what[..^" Exists".Length];
            return new Toleration(key == "*" ? "" : key, TolerationOperator.Exists, Effect: effect);
        }
        var equals = what.IndexOf('=');
        var equalKey = what[..equals];
        return new Toleration(equalKey == "*" ? "" : equalKey, TolerationOperator.Equal, what[(equals + 1)..], effect);
    }

    public static EquatableArray<Taint> Taints(params string[] texts) => new([.. texts.Select(Taint)]);

    public static EquatableArray<Toleration> Tolerations(params string[] texts) => new([.. texts.Select(Toleration)]);

    /// <summary>Parses <c>k1=v1,k2=v2</c>; an empty string is the empty set.</summary>
    public static LabelSet Labels(string text) =>
        text.Length == 0
            ? LabelSet.Empty
            : LabelSet.From(text.Split(',').Select(static pair =>
            {
                var equals = pair.IndexOf('=');
                return KeyValuePair.Create(pair[..equals], pair[(equals + 1)..]);
            }));

    public static NodeInfo Node(string name, string labels = "", params string[] taints) =>
        new(name, Labels(labels), Taints(taints));
}
