using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Changes;

namespace OpenElb.Dashboard.Kubernetes.FieldManagers;

/// <summary>
/// <see cref="IFieldManagerLookup"/> over the API server: one GET of the object per call, then its
/// <c>metadata.managedFields</c> are searched for the manager that owns the field. Nothing is cached (the feed keeps no
/// managedFields either); the answer reflects the object when it is read, which may be after a later write.
/// Thread-safe; a singleton.
/// </summary>
public sealed class KubernetesFieldManagerLookup(IKubernetes client) : IFieldManagerLookup
{
    /// <inheritdoc />
    public async Task<string?> FindManagerAsync(ObjectRef target, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var entries = await ReadManagedFieldsAsync(target, cancellationToken).ConfigureAwait(false);
        return ManagedFieldsMatcher.FindManager(entries, path);
    }

    /// <inheritdoc />
    public async Task<FieldWriter?> FindLatestWriterAsync(ObjectRef target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var entries = await ReadManagedFieldsAsync(target, cancellationToken).ConfigureAwait(false);
        // The newest entry; among entries without a time (or equal times) the last listed.
        V1ManagedFieldsEntry? latest = null;
        foreach (var entry in entries ?? [])
        {
            if (!string.IsNullOrEmpty(entry.Manager) && (latest is null || (entry.Time ?? DateTime.MinValue) >= (latest.Time ?? DateTime.MinValue)))
            {
                latest = entry;
            }
        }
        return latest is null
            ? null
            : new FieldWriter(latest.Manager, latest.Operation, latest.Time is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null);
    }

    // The object's managedFields; null when it is gone.
    private async Task<IList<V1ManagedFieldsEntry>?> ReadManagedFieldsAsync(ObjectRef target, CancellationToken cancellationToken)
    {
        try
        {
            return target.Kind switch
            {
                "Node" => (await client.CoreV1.ReadNodeAsync(target.Name, cancellationToken: cancellationToken).ConfigureAwait(false)).Metadata?.ManagedFields,
                "DaemonSet" => (await client.AppsV1.ReadNamespacedDaemonSetAsync(target.Name, Namespace(target), cancellationToken: cancellationToken).ConfigureAwait(false)).Metadata?.ManagedFields,
                "Deployment" => (await client.AppsV1.ReadNamespacedDeploymentAsync(target.Name, Namespace(target), cancellationToken: cancellationToken).ConfigureAwait(false)).Metadata?.ManagedFields,
                _ => throw new ArgumentException($"Field managers of a {target.Kind} are not looked up.", nameof(target)),
            };
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted since: nobody to name.
            return null;
        }
    }

    private static string Namespace(ObjectRef target) =>
        string.IsNullOrEmpty(target.Namespace) ? throw new ArgumentException($"The {target.Kind} '{target.Name}' has no namespace.", nameof(target)) : target.Namespace;
}
