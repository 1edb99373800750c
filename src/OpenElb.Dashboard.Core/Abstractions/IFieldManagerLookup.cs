using OpenElb.Dashboard.Core.Changes;

namespace OpenElb.Dashboard.Core.Abstractions;

/// <summary>
/// Answers who last wrote a field of a live object, from its <c>metadata.managedFields</c>. The feed keeps no
/// managedFields (memory), so every call reads the object from the API server: call it per observed change, not per
/// event. Implementations are singletons and thread-safe.
/// </summary>
public interface IFieldManagerLookup
{
    /// <summary>
    /// Returns the field manager whose <c>fieldsV1</c> covers <paramref name="path"/> of <paramref name="target"/> (the
    /// newest entry when several do), or <c>null</c> when none does: the object carries no managedFields, it is gone,
    /// or the field was removed (the API server drops removed fields from every manager's set).
    /// </summary>
    /// <param name="target">The object (Node, DaemonSet or Deployment).</param>
    /// <param name="path">
    /// The field in <see cref="Drift.ObservedChange.Path"/> notation: dot-separated, map keys in brackets
    /// (<c>metadata.labels[openelb.kubesphere.io/rack]</c>, <c>spec.taints</c>).
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The manager name, or <c>null</c> when unknown.</returns>
    /// <exception cref="Exception">The API server could not be read (unreachable, denied); callers treat the manager as unknown.</exception>
    Task<string?> FindManagerAsync(ObjectRef target, string path, CancellationToken cancellationToken);

    /// <summary>
    /// Returns who wrote <paramref name="target"/> last: its newest <c>managedFields</c> entry, or <c>null</c> when it
    /// carries none or is gone (used to say who won a conflict).
    /// </summary>
    /// <param name="target">The object (Node, DaemonSet or Deployment).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="Exception">The API server could not be read; callers treat the writer as unknown.</exception>
    Task<FieldWriter?> FindLatestWriterAsync(ObjectRef target, CancellationToken cancellationToken) => Task.FromResult<FieldWriter?>(null);
}

/// <summary>A field manager's latest write to an object.</summary>
/// <param name="Manager">The field manager (e.g. <c>kubectl-label</c>).</param>
/// <param name="Operation"><c>Update</c> or <c>Apply</c>, when known.</param>
/// <param name="Time">When it wrote, when known.</param>
public sealed record FieldWriter(string Manager, string? Operation, DateTimeOffset? Time);
