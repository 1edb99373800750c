using System.Collections;
using System.Runtime.CompilerServices;

namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>
/// An immutable array with structural equality, so that records holding lists compare by content.
/// </summary>
/// <remarks>
/// The wrapped array is never exposed for writing; callers that build one hand over ownership of the array.
/// <c>default</c> behaves as an empty array. Thread-safe for reading.
/// </remarks>
/// <typeparam name="T">The element type; its own <see cref="object.Equals(object)"/> defines element equality.</typeparam>
[CollectionBuilder(typeof(EquatableArray), nameof(EquatableArray.Create))]
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    private readonly T[]? _items;

    /// <summary>Wraps <paramref name="items"/> without copying; the caller must not change the array afterwards.</summary>
    public EquatableArray(T[] items) => _items = items;

    /// <summary>An empty array.</summary>
    public static EquatableArray<T> Empty => new([]);

    /// <summary>Copies <paramref name="items"/> into a new array.</summary>
    public static EquatableArray<T> From(IEnumerable<T>? items) => items is null ? Empty : new([.. items]);

    /// <inheritdoc />
    public int Count => _items?.Length ?? 0;

    /// <summary>Whether the array has no elements.</summary>
    public bool IsEmpty => Count == 0;

    /// <inheritdoc />
    public T this[int index] => (_items ?? [])[index];

    /// <summary>A read-only span over the elements.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <inheritdoc />
    public bool Equals(EquatableArray<T> other) => AsSpan().SequenceEqual(other.AsSpan(), EqualityComparer<T>.Default);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in AsSpan())
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    /// <summary>Structural equality.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <summary>Enumerates the elements without allocating.</summary>
    public ReadOnlySpan<T>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => (_items ?? []).GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", _items ?? [])}]";
}

/// <summary>Factory helpers for <see cref="EquatableArray{T}"/>.</summary>
public static class EquatableArray
{
    /// <summary>Copies <paramref name="items"/> into an <see cref="EquatableArray{T}"/>.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T>? items) => EquatableArray<T>.From(items);

    /// <summary>Creates an array from the given elements (also the collection-expression builder).</summary>
    public static EquatableArray<T> Create<T>(params ReadOnlySpan<T> items) => new(items.ToArray());
}
