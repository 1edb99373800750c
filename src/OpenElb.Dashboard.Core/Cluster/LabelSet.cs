using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>
/// An immutable string-to-string map (Kubernetes labels, a nodeSelector), stored as one array sorted by key
/// in ordinal order: slim for thousands of nodes, deterministic to enumerate, structurally equal by content.
/// </summary>
/// <remarks>Lookups are binary searches. Thread-safe for reading. <c>null</c> is never a value.</remarks>
public sealed class LabelSet : IReadOnlyDictionary<string, string>, IEquatable<LabelSet>
{
    private readonly KeyValuePair<string, string>[] _entries;

    private LabelSet(KeyValuePair<string, string>[] sortedEntries) => _entries = sortedEntries;

    /// <summary>The empty set.</summary>
    public static LabelSet Empty { get; } = new([]);

    /// <summary>Creates a set from pairs; a later duplicate key wins.</summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null)
        {
            return Empty;
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            ArgumentNullException.ThrowIfNull(key);
            map[key] = value ?? string.Empty;
        }
        return FromUnique(map);
    }

    /// <summary>Creates a set from <c>key=value</c> pairs given as tuples.</summary>
    public static LabelSet Of(params (string Key, string Value)[] pairs) =>
        From(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    private static LabelSet FromUnique(Dictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return Empty;
        }
        var entries = map.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new LabelSet(entries);
    }

    /// <inheritdoc />
    public int Count => _entries.Length;

    /// <inheritdoc />
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(static e => e.Key);

    /// <inheritdoc />
    public IEnumerable<string> Values => _entries.Select(static e => e.Value);

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }
        value = _entries[index].Value;
        return true;
    }

    /// <summary>The value of <paramref name="key"/>, or <c>null</c>.</summary>
    public string? GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : null;

    /// <summary>Returns a copy with <paramref name="set"/> applied (added or overwritten) and <paramref name="remove"/> removed.</summary>
    public LabelSet With(IEnumerable<KeyValuePair<string, string>> set, IEnumerable<string>? remove = null)
    {
        var map = new Dictionary<string, string>(_entries, StringComparer.Ordinal);
        foreach (var key in remove ?? [])
        {
            map.Remove(key);
        }
        foreach (var (key, value) in set)
        {
            map[key] = value;
        }
        return FromUnique(map);
    }

    /// <summary>Whether every pair of <paramref name="subset"/> is present here with the same value.</summary>
    public bool ContainsAll(LabelSet subset)
    {
        ArgumentNullException.ThrowIfNull(subset);
        foreach (var (key, value) in subset._entries)
        {
            if (!TryGetValue(key, out var mine) || !string.Equals(mine, value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private int IndexOf(string key)
    {
        int lo = 0, hi = _entries.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var cmp = string.CompareOrdinal(_entries[mid].Key, key);
            if (cmp == 0)
            {
                return mid;
            }
            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(LabelSet? other) =>
        other is not null && (ReferenceEquals(this, other) || _entries.AsSpan().SequenceEqual(other._entries));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in _entries)
        {
            hash.Add(entry.Key, StringComparer.Ordinal);
            hash.Add(entry.Value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    /// <summary>Renders the set as <c>k1=v1,k2=v2</c> (kubectl's selector syntax).</summary>
    public override string ToString() => string.Join(",", _entries.Select(static e => $"{e.Key}={e.Value}"));
}
