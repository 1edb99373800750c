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
}
