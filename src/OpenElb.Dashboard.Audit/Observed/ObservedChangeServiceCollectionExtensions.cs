using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpenElb.Dashboard.Audit.Observed;

/// <summary>Registers observed-change recording.</summary>
public static class ObservedChangeServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ObservedChangeRecorder"/> and a hosted service that runs it once the application
    /// has started. Needs, from the composition root: <c>IClusterState</c> and <c>IFieldManagerLookup</c> (Core
    /// abstractions; the Kubernetes adapter's <c>AddKubernetesFieldManagerLookup()</c> provides the lookup),
    /// <see cref="SqliteAuditLog"/> (<see cref="AuditServiceCollectionExtensions.AddAuditLog"/>) and logging. They are
    /// resolved when recording starts, not at registration. Calling it twice registers once.
    /// </summary>
    public static IServiceCollection AddObservedChangeRecording(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ObservedChangeRecorder>();
        services.AddHostedService<ObservedChangeRecordingService>();
        return services;
    }
}
