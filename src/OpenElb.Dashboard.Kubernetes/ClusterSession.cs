using k8s;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Kubernetes.Watching;
using OpenElb.Dashboard.Kubernetes.Writing;

namespace OpenElb.Dashboard.Kubernetes;

/// <summary>
/// One connection to one cluster: the client, the shared live feed over it and the writer. Lets the composition root
/// connect without touching KubernetesClient types (they stay in this project).
/// </summary>
public sealed class ClusterSession : IAsyncDisposable
{
    private readonly IKubernetes _client;

    private ClusterSession(IKubernetes client, TimeProvider time, ClusterStateOptions? stateOptions)
    {
        _client = client;
        Server = client.BaseUri.GetLeftPart(UriPartial.Authority);
        State = new KubernetesClusterState(client, time, stateOptions);
        Writer = new ClusterWriter(client);
        Access = new AccessReviewer(client);
    }

    /// <summary>The API server's address (scheme, host and port only: never credentials).</summary>
    public string Server { get; }

    /// <summary>The live feed. Not started: call <see cref="KubernetesClusterState.Start"/>.</summary>
    public KubernetesClusterState State { get; }

    /// <summary>The cluster writer.</summary>
    public ClusterWriter Writer { get; }

    /// <summary>Access reviews of the dashboard's own identity.</summary>
    public AccessReviewer Access { get; }

    /// <summary>The feed as the app sees it.</summary>
    public IClusterState ClusterState => State;

    /// <summary>
    /// Connects as <paramref name="options"/> describe (nothing is sent until the feed starts). Without
    /// <paramref name="stateOptions"/> the feed watches speaker pods in <see cref="ClusterConnectionOptions.OpenElbNamespace"/>;
    /// given ones are used as they are.
    /// </summary>
    /// <exception cref="ClusterConfigurationException">The configuration is missing or unusable.</exception>
    public static ClusterSession Connect(ClusterConnectionOptions options, TimeProvider time, ClusterStateOptions? stateOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        return new ClusterSession(KubernetesClientFactory.Create(options), time, stateOptions ?? new ClusterStateOptions { SpeakerNamespace = options.OpenElbNamespace });
    }

    /// <summary>Stops the feed and releases the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await State.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }
}
