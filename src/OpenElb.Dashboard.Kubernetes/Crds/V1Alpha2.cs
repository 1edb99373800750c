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
