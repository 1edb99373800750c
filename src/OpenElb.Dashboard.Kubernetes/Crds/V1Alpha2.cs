using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace OpenElb.Dashboard.Kubernetes.Crds;

/// <summary>OpenELB's API group and the only version the dashboard reads.</summary>
/// <remarks>
/// v1alpha1 has a different, incompatible schema and no conversion webhook: never read these kinds through it.
/// </remarks>
public static class V1Alpha2
{
    public const string Group = "network.kubesphere.io";
    public const string Version = "v1alpha2";
    public const string GroupVersion = Group + "/" + Version;
}

/// <summary>
/// The envelope every v1alpha2 object shares (apiVersion, kind, metadata, spec, status); the concrete kinds only add
/// their constants and spec/status types.
/// </summary>
/// <typeparam name="TSpec">The spec type.</typeparam>
/// <typeparam name="TStatus">The status type.</typeparam>
public abstract class V1Alpha2Object<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>
    where TSpec : class
    where TStatus : class
{
    protected V1Alpha2Object(string kind) => Kind = kind;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = V1Alpha2.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    public TStatus? Status { get; set; }
}

/// <summary>A page of v1alpha2 objects.</summary>
/// <typeparam name="T">The item type.</typeparam>
public abstract class V1Alpha2List<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    protected V1Alpha2List(string kind) => Kind = kind;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = V1Alpha2.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<T> Items { get; set; } = [];
}
