using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Kubernetes.FieldManagers;
using OpenElb.Dashboard.Kubernetes.Watching;

namespace OpenElb.Dashboard.Kubernetes;

/// <summary>Registers the Kubernetes adapter's services.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IFieldManagerLookup"/> (unless one is registered already) that reads
    /// managedFields through the registered <see cref="IClusterState"/>'s connection. The cluster state is resolved at
    /// each lookup, not at registration, because the composition root creates it only once its cluster host has
    /// started; when it is not a <see cref="KubernetesClusterState"/> (no usable cluster) every answer is <c>null</c>.
    /// </summary>
    public static IServiceCollection AddKubernetesFieldManagerLookup(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IFieldManagerLookup>(static provider => new ClusterStateFieldManagerLookup(provider));
        return services;
    }

    private sealed class ClusterStateFieldManagerLookup(IServiceProvider provider) : IFieldManagerLookup
    {
        public Task<string?> FindManagerAsync(ObjectRef target, string path, CancellationToken cancellationToken) =>
            provider.GetRequiredService<IClusterState>() is KubernetesClusterState state
                ? new KubernetesFieldManagerLookup(state.Client).FindManagerAsync(target, path, cancellationToken)
                : Task.FromResult<string?>(null);

        public Task<FieldWriter?> FindLatestWriterAsync(ObjectRef target, CancellationToken cancellationToken) =>
            provider.GetRequiredService<IClusterState>() is KubernetesClusterState state
                ? new KubernetesFieldManagerLookup(state.Client).FindLatestWriterAsync(target, cancellationToken)
                : Task.FromResult<FieldWriter?>(null);
    }
}
