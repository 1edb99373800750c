using k8s.Models;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Kubernetes.Mapping;

/// <summary>
/// Recognises OpenELB's speaker workload and maps it (and its pod template's placement) to Core. Pure and thread-safe.
/// </summary>
public static class WorkloadMapping
{
    /// <summary>The container name of 0.6's controller, which some 0.6 manifests label <c>app=openelb-manager</c>.</summary>
    private const string ControllerContainer = "openelb-controller";

    /// <summary>The <c>app.kubernetes.io/instance</c> label Helm charts set to the release name.</summary>
    private const string InstanceLabel = "app.kubernetes.io/instance";

    /// <summary>Whether the DaemonSet is OpenELB's speaker: labels <c>app=openelb</c> and <c>component=speaker</c>.</summary>
    /// <remarks>Discovered by label, never by name or namespace: Helm names it after the release.</remarks>
    public static bool IsSpeakerDaemonSet(V1DaemonSet ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var labels = ds.Metadata?.Labels;
        return labels is not null
            && labels.TryGetValue(KnownLabels.App, out var app) && app == KnownLabels.AppOpenElb
            && labels.TryGetValue(KnownLabels.Component, out var component) && component == KnownLabels.ComponentSpeaker;
    }

    /// <summary>
    /// Whether the Deployment is the legacy (&lt;= 0.5) <c>openelb-manager</c>: label <c>app=openelb-manager</c>, and
    /// not 0.6's controller (whose kubectl manifest reuses that label on the <c>openelb-controller</c> Deployment; it is
    /// told apart by a <c>component=controller</c> label or an <c>openelb-controller</c> container).
    /// </summary>
    public static bool IsLegacyManager(V1Deployment d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var labels = d.Metadata?.Labels;
        if (labels is null || !labels.TryGetValue(KnownLabels.App, out var app) || app != KnownLabels.AppLegacyManager)
        {
            return false;
        }
        if (labels.TryGetValue(KnownLabels.Component, out var component) && component == "controller")
        {
            return false;
        }
        var containers = d.Spec?.Template?.Spec?.Containers;
        return containers is null || !containers.Any(static c => c?.Name == ControllerContainer);
    }

    /// <summary>Maps the speaker DaemonSet.</summary>
    public static SpeakerDaemonSet ToSpeaker(V1DaemonSet ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var metadata = ds.Metadata ?? new V1ObjectMeta();
        var podSpec = ds.Spec?.Template?.Spec;
        var status = ds.Status;
        return new SpeakerDaemonSet(
            metadata.NamespaceProperty ?? string.Empty,
            metadata.Name ?? string.Empty,
            podSpec is null ? SpeakerPlacement.Unrestricted : ToPlacement(podSpec),
            SpeakerWorkloadKind.DaemonSet,
            HostNetwork: podSpec?.HostNetwork ?? false,
            HelmRelease: HelmRelease(metadata),
            Generation: metadata.Generation ?? 0,
            ObservedGeneration: status?.ObservedGeneration ?? 0,
            DesiredScheduled: status?.DesiredNumberScheduled ?? 0,
            CurrentScheduled: status?.CurrentNumberScheduled ?? 0,
            Ready: status?.NumberReady ?? 0,
            Updated: status?.UpdatedNumberScheduled ?? 0,
            ResourceVersion: metadata.ResourceVersion);
    }

    /// <summary>Maps the legacy manager Deployment: its replicas are the speakers; desired = <c>spec.replicas</c>.</summary>
    public static SpeakerDaemonSet ToLegacySpeaker(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var metadata = deployment.Metadata ?? new V1ObjectMeta();
        var podSpec = deployment.Spec?.Template?.Spec;
        var status = deployment.Status;
        return new SpeakerDaemonSet(
            metadata.NamespaceProperty ?? string.Empty,
            metadata.Name ?? string.Empty,
            podSpec is null ? SpeakerPlacement.Unrestricted : ToPlacement(podSpec),
            SpeakerWorkloadKind.LegacyManagerDeployment,
            HostNetwork: podSpec?.HostNetwork ?? false,
            HelmRelease: HelmRelease(metadata),
            Generation: metadata.Generation ?? 0,
            ObservedGeneration: status?.ObservedGeneration ?? 0,
            // The API server defaults spec.replicas to 1 when omitted.
            DesiredScheduled: deployment.Spec?.Replicas ?? 1,
            CurrentScheduled: status?.Replicas ?? 0,
            Ready: status?.ReadyReplicas ?? 0,
            Updated: status?.UpdatedReplicas ?? 0,
            ResourceVersion: metadata.ResourceVersion);
    }

    /// <summary>Maps a pod template's nodeSelector, required node affinity and tolerations.</summary>
    /// <remarks>
    /// Required node affinity is <c>null</c> when the template has none (no restriction); an empty term list stays
    /// empty (matches nothing). Operators are kept as written so invalid ones stay visible to Core. Tolerations: an
    /// empty operator means Equal; an empty effect means every effect. A toleration whose operator or effect the API
    /// would reject cannot tolerate anything in the scheduler either, so it is skipped.
    /// </remarks>
    public static SpeakerPlacement ToPlacement(V1PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        return new SpeakerPlacement(
            MappingHelpers.Labels(spec.NodeSelector),
            required is null ? null : ToTerms(required.NodeSelectorTerms),
            ToTolerations(spec.Tolerations));
    }

    private static EquatableArray<NodeSelectorTerm> ToTerms(IList<V1NodeSelectorTerm>? terms)
    {
        if (terms is null || terms.Count == 0)
        {
            return EquatableArray<NodeSelectorTerm>.Empty;
        }
        var result = new NodeSelectorTerm[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            result[i] = new NodeSelectorTerm(ToRequirements(terms[i]?.MatchExpressions), ToRequirements(terms[i]?.MatchFields));
        }
        return new(result);
    }

    private static EquatableArray<NodeSelectorRequirement> ToRequirements(IList<V1NodeSelectorRequirement>? requirements)
    {
        if (requirements is null || requirements.Count == 0)
        {
            return EquatableArray<NodeSelectorRequirement>.Empty;
        }
        var result = new List<NodeSelectorRequirement>(requirements.Count);
        foreach (var r in requirements)
        {
            if (r is not null)
            {
                result.Add(new NodeSelectorRequirement(r.Key ?? string.Empty, r.OperatorProperty ?? string.Empty, MappingHelpers.Values(r.Values)));
            }
        }
        return new([.. result]);
    }

    private static EquatableArray<Toleration> ToTolerations(IList<V1Toleration>? tolerations)
    {
        if (tolerations is null || tolerations.Count == 0)
        {
            return EquatableArray<Toleration>.Empty;
        }
        var result = new List<Toleration>(tolerations.Count);
        foreach (var t in tolerations)
        {
            if (t is null)
            {
                continue;
            }
            TolerationOperator? op = t.OperatorProperty switch
            {
                null or "" or "Equal" => TolerationOperator.Equal,
                "Exists" => TolerationOperator.Exists,
                _ => null,
            };
            TaintEffect? effect = null;
            if (!string.IsNullOrEmpty(t.Effect))
            {
                effect = NodeMapping.ParseEffect(t.Effect);
                if (effect is null)
                {
                    continue;
                }
            }
            if (op is { } known)
            {
                result.Add(new Toleration(t.Key ?? string.Empty, known, t.Value ?? string.Empty, effect, t.TolerationSeconds));
            }
        }
        return new([.. result]);
    }

    /// <summary>
    /// The Helm release managing the object: the <c>meta.helm.sh/release-name</c> annotation, else (with
    /// <c>app.kubernetes.io/managed-by=Helm</c>) the <c>app.kubernetes.io/instance</c> label, else an empty string
    /// (managed, release unknown); <c>null</c> when not Helm-managed.
    /// </summary>
    private static string? HelmRelease(V1ObjectMeta metadata)
    {
        if (metadata.Annotations is { } annotations
            && annotations.TryGetValue(KnownLabels.HelmReleaseAnnotation, out var release)
            && !string.IsNullOrEmpty(release))
        {
            return release;
        }
        if (metadata.Labels is { } labels
            && labels.TryGetValue(KnownLabels.ManagedBy, out var managedBy)
            && string.Equals(managedBy, "Helm", StringComparison.Ordinal))
        {
            return labels.TryGetValue(InstanceLabel, out var instance) && !string.IsNullOrEmpty(instance) ? instance : string.Empty;
        }
        return null;
    }
}
