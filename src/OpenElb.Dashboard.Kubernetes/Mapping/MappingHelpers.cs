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

    public static LabelSet Labels(IDictionary<string, string>? map) => map is null || map.Count == 0 ? LabelSet.Empty : LabelSet.From(map);

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static EquatableArray<string> Values(IList<string>? values) => values is null || values.Count == 0
        ? EquatableArray<string>.Empty
        : new([.. values]);
}
