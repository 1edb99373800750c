using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Kubernetes.Mapping;

/// <summary>Small conversions shared by the mappers.</summary>
internal static class MappingHelpers
{
    /// <summary>
    /// KubernetesClient hands out API timestamps as <see cref="DateTime"/>; they are UTC on the wire (RFC3339), so an
    /// unspecified kind is UTC, never local.
    /// </summary>
    public static DateTimeOffset? ToUtc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

    public static LabelSet Labels(IDictionary<string, string>? map) => Labels(map, null);

    /// <summary>
    /// Labels with keys and values shared through <see cref="StringPool"/>; a value equal to <paramref name="ownName"/>
    /// (a node's <c>kubernetes.io/hostname</c>) reuses that instance instead of filling the pool with unique names.
    /// </summary>
    public static LabelSet Labels(IDictionary<string, string>? map, string? ownName)
    {
        if (map is null || map.Count == 0)
        {
            return LabelSet.Empty;
        }
        return LabelSet.From(map.Select(pair => KeyValuePair.Create(
            StringPool.Share(pair.Key),
            ownName is not null && string.Equals(pair.Value, ownName, StringComparison.Ordinal) ? ownName : StringPool.Share(pair.Value ?? string.Empty))));
    }

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static EquatableArray<string> Values(IList<string>? values) => values is null || values.Count == 0
        ? EquatableArray<string>.Empty
        : new([.. values]);
}
