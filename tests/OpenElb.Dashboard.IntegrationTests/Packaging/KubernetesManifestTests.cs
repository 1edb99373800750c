using k8s;
using k8s.Models;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes;

namespace OpenElb.Dashboard.IntegrationTests.Packaging;

/// <summary>
/// deploy/kubernetes as <c>kubectl apply -k</c> would send it: built by kubectl's own kustomize, every object read with
/// KubernetesClient's strict deserializer (an unknown or misplaced field fails, as the API server's schema would refuse
/// it), then checked against the RBAC the reference allows and the settings the app reads.
/// </summary>
/// <remarks>
/// Not <c>kubectl apply --dry-run=server</c> against the simulator: it serves no RBAC, Namespace-creation, PVC or Service
/// APIs, and <c>--dry-run=client</c> still needs a server's discovery to map kinds.
/// </remarks>
public sealed class KubernetesManifestTests
{
    private const string Base = "deploy/kubernetes";

    /// <summary>
    /// The "Minimal RBAC" of docs/openelb-reference.md (section "Patching"): get/list/watch on bgppeers, bgpconfs, eips;
    /// get/list/watch/patch on nodes; get/list/watch/patch on daemonsets (and deployments for legacy);
    /// get/list/watch/delete on pods in the OpenELB namespace; create selfsubjectaccessreviews. As (namespace or null for
    /// cluster-wide, API group, resource, verb).
    /// </summary>
    private static readonly (string? Namespace, string Group, string Resource, string Verb)[] s_referenceRbac =
    [
        .. Grant(null, "network.kubesphere.io", ["bgppeers", "bgpconfs", "eips"], ["get", "list", "watch"]),
        .. Grant(null, "", ["nodes"], ["get", "list", "watch", "patch"]),
        .. Grant(null, "apps", ["daemonsets", "deployments"], ["get", "list", "watch", "patch"]),
        .. Grant(null, "authorization.k8s.io", ["selfsubjectaccessreviews"], ["create"]),
        .. Grant(ClusterConnectionOptions.DefaultOpenElbNamespace, "", ["pods"], ["get", "list", "watch", "delete"]),
    ];

    private static IEnumerable<(string?, string, string, string)> Grant(string? ns, string apiGroup, string[] resources, string[] verbs) =>
        from r in resources from v in verbs select (ns, apiGroup, r, v);

    private static string Root => PackagingTests.RepositoryRoot;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Builds a kustomization with kubectl and reads every object strictly.</summary>
    private static async Task<List<object>> BuildAsync(string directory)
    {
        var yaml = (await Tool.RunAsync("kubectl", Root, null, "kustomize", directory)).EnsureSuccess("kubectl kustomize");
        return KubernetesYaml.LoadAllFromString(yaml, strict: true);
    }

    /// <summary>The base with the impersonation component, as a user enables it (an overlay naming both).</summary>
    private static async Task<List<object>> BuildWithImpersonationAsync()
    {
        var overlay = Directory.CreateTempSubdirectory("openelb-kustomize-");
        try
        {
            var relative = Path.GetRelativePath(overlay.FullName, Path.Combine(Root, Base)).Replace('\\', '/');
            await File.WriteAllTextAsync(Path.Combine(overlay.FullName, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - {relative}
                components:
                  - {relative}/impersonation
                """, Ct);
            return await BuildAsync(overlay.FullName);
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    private static HashSet<(string?, string, string, string)> Rbac(IEnumerable<object> objects)
    {
        var grants = new HashSet<(string?, string, string, string)>();
        foreach (var o in objects)
        {
            var (ns, rules) = o switch
            {
                V1ClusterRole c => ((string?)null, c.Rules),
                V1Role r => (r.Metadata.NamespaceProperty, r.Rules),
                _ => (null, null),
            };
            foreach (var rule in rules ?? [])
            {
                Assert.True(rule.ResourceNames is null or { Count: 0 }, "no rule is limited by resource name");
                Assert.True(rule.NonResourceURLs is null or { Count: 0 });
                foreach (var grant in from g in rule.ApiGroups from r in rule.Resources from v in rule.Verbs select (ns, g, r, v))
                {
                    grants.Add(grant);
                }
            }
        }
        return grants;
    }

    private static T Single<T>(IEnumerable<object> objects) => Assert.Single(objects.OfType<T>());

    private static V1Container Dashboard(IEnumerable<object> objects) => Assert.Single(Single<V1Deployment>(objects).Spec.Template.Spec.Containers);

    private static string Env(V1Container container, string name) => Assert.Single(container.Env, e => e.Name == name).Value;

    [Fact]
    public async Task Kustomize_Base_BuildsEveryKindStrictly()
    {
        var objects = await BuildAsync(Base);

        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "Deployment", "Namespace", "PersistentVolumeClaim", "Role", "RoleBinding", "Service", "ServiceAccount"],
            objects.Select(static o => ((IKubernetesObject)o).Kind).Order(StringComparer.Ordinal));
        // Every file in the directory is part of the kustomization (none forgotten, none applied by -f alone).
        var listed = await File.ReadAllTextAsync(Path.Combine(Root, Base, "kustomization.yaml"), Ct);
        Assert.All(
            Directory.GetFiles(Path.Combine(Root, Base), "*.yaml").Select(Path.GetFileName).Where(static f => f != "kustomization.yaml"),
            f => Assert.Contains("- " + f, listed, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rbac_Base_ExactlyTheReferenceVerbs_PodsOnlyInOpenElbNamespace()
    {
        var objects = await BuildAsync(Base);

        var grants = Rbac(objects);

        Assert.Equal(s_referenceRbac.ToHashSet(), grants);
        Assert.DoesNotContain(grants, static g => g.Item4 is "impersonate" or "*" || g.Item3 == "*" || g.Item2 == "*");
        // The speaker-pod namespace the app watches is the one the Role grants.
        Assert.Equal(Single<V1Role>(objects).Metadata.NamespaceProperty, Env(Dashboard(objects), "Cluster__OpenElbNamespace"));
    }

    [Fact]
    public async Task Rbac_Bindings_GrantTheRolesToTheDeploymentsServiceAccount()
    {
        var objects = await BuildAsync(Base);
        var account = Single<V1ServiceAccount>(objects);
        var deployment = Single<V1Deployment>(objects);

        Assert.Equal(account.Metadata.Name, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal(account.Metadata.NamespaceProperty, deployment.Metadata.NamespaceProperty);
        Assert.Equal(Single<V1Namespace>(objects).Metadata.Name, deployment.Metadata.NamespaceProperty);
        var clusterBinding = Single<V1ClusterRoleBinding>(objects);
        Assert.Equal(("ClusterRole", Single<V1ClusterRole>(objects).Metadata.Name), (clusterBinding.RoleRef.Kind, clusterBinding.RoleRef.Name));
        var binding = Single<V1RoleBinding>(objects);
        var role = Single<V1Role>(objects);
        Assert.Equal(("Role", role.Metadata.Name, role.Metadata.NamespaceProperty), (binding.RoleRef.Kind, binding.RoleRef.Name, binding.Metadata.NamespaceProperty));
        foreach (var subjects in new[] { clusterBinding.Subjects, binding.Subjects })
        {
            var subject = Assert.Single(subjects);
            Assert.Equal(("ServiceAccount", account.Metadata.Name, account.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
        }
    }

    [Fact]
    public async Task Impersonation_Component_AddsImpersonateOnUsersAndGroupsOnlyAndTurnsTheOptionOn()
    {
        var objects = await BuildWithImpersonationAsync();

        var extra = Rbac(objects);
        extra.ExceptWith(s_referenceRbac);
        Assert.Equal([(null, "", "groups", "impersonate"), (null, "", "users", "impersonate")], extra.Order());
        Assert.Equal("true", Env(Dashboard(objects), "Auth__ImpersonateKubernetesUser"));
        var account = Single<V1ServiceAccount>(objects);
        var binding = Assert.Single(objects.OfType<V1ClusterRoleBinding>(), b => b.RoleRef.Name == "openelb-dashboard-impersonate");
        Assert.Equal((account.Metadata.Name, account.Metadata.NamespaceProperty), (binding.Subjects.Single().Name, binding.Subjects.Single().NamespaceProperty));
        // Off in the base.
        Assert.Equal("false", Env(Dashboard(await BuildAsync(Base)), "Auth__ImpersonateKubernetesUser"));
    }

    [Fact]
    public async Task Deployment_OneRecreatedReplicaOnTheAuditVolume()
    {
        var objects = await BuildAsync(Base);
        var deployment = Single<V1Deployment>(objects);
        var pod = deployment.Spec.Template.Spec;
        var container = Dashboard(objects);

        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.Equal("openelb-dashboard:latest", container.Image);
        var databaseDirectory = Path.GetDirectoryName(Env(container, "Audit__DatabasePath"))!;
        var dataMount = Assert.Single(container.VolumeMounts, m => m.MountPath == databaseDirectory);
        var claim = Single<V1PersistentVolumeClaim>(objects);
        Assert.Equal(claim.Metadata.Name, Assert.Single(pod.Volumes, v => v.Name == dataMount.Name).PersistentVolumeClaim.ClaimName);
        Assert.Equal(deployment.Metadata.NamespaceProperty, claim.Metadata.NamespaceProperty);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        var selector = deployment.Spec.Selector.MatchLabels;
        Assert.All(selector, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
    }

    [Fact]
    public async Task Deployment_ProbesHitHealthAndReadinessOnTheServedPort()
    {
        var container = Dashboard(await BuildAsync(Base));
        var port = Assert.Single(container.Ports);

        // /healthz: mapped by DashboardHostingExtensions.MapDashboard (liveness: the process serves).
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.StartupProbe.HttpGet.Path);
        Assert.Equal(OperationsEndpoints.ReadyPath, container.ReadinessProbe.HttpGet.Path);
        foreach (var probe in new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe })
        {
            Assert.Equal(port.Name, probe.HttpGet.Port.Value);
        }
        // The app listens where the container port says.
        Assert.Equal($"http://+:{port.ContainerPort}", Env(container, "ASPNETCORE_URLS"));
    }

    [Fact]
    public async Task Deployment_RestrictedSecurityContextAndResources()
    {
        var deployment = Single<V1Deployment>(await BuildAsync(Base));
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(pod.SecurityContext.RunAsUser > 0, "a numeric non-root user, so the kubelet can verify runAsNonRoot");
        Assert.Equal(pod.SecurityContext.RunAsUser, pod.SecurityContext.FsGroup);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        var security = container.SecurityContext;
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.True(security.Capabilities.Add is null or { Count: 0 });
        Assert.NotEqual(true, security.Privileged);
        Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);
        // A read-only root needs a writable /tmp.
        var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);
        foreach (var resources in new[] { container.Resources.Requests, container.Resources.Limits })
        {
            Assert.True(resources.ContainsKey("cpu") && resources.ContainsKey("memory"));
        }
    }

    [Fact]
    public async Task Deployment_EverySettingIsOneTheAppReads_SignInChosen_SecretsNeverInline()
    {
        var container = Dashboard(await BuildAsync(Base));

        Assert.All(container.Env, static e => Assert.Null(ConfigurationKeys.WhyNotRead(e.Name)));
        Assert.True(Enum.TryParse<ClusterMode>(Env(container, "Cluster__Mode"), out var mode) && mode == ClusterMode.InCluster);
        // Local mode refuses to listen beyond loopback: the pod must choose another.
        var auth = Env(container, "Auth__Mode");
        Assert.Contains(auth, ConfigurationKeys.AuthModes);
        Assert.NotEqual("Local", auth);
        Assert.DoesNotContain(container.Env, static e => e.Name.Contains("Secret", StringComparison.OrdinalIgnoreCase) && e.Value is not null);

        // The commented OIDC alternative names real settings too, and takes its secret from a Secret.
        var lines = await File.ReadAllLinesAsync(Path.Combine(Root, Base, "deployment.yaml"), Ct);
        var alternative = lines.Select(static l => l.Trim()).Where(static l => l.StartsWith("# - name: Auth__", StringComparison.Ordinal)).Select(static l => l["# - name: ".Length..]).ToList();
        Assert.Contains("Auth__Oidc__ClientSecret", alternative);
        Assert.All(alternative, static n => Assert.Null(ConfigurationKeys.WhyNotRead(n)));
        var secret = Array.FindIndex(lines, static l => l.Contains("# - name: Auth__Oidc__ClientSecret", StringComparison.Ordinal));
        Assert.Contains("valueFrom", lines[secret + 1], StringComparison.Ordinal);
        Assert.Contains("secretKeyRef", lines[secret + 2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_ClusterIpPort80ToTheContainerPort()
    {
        var objects = await BuildAsync(Base);
        var service = Single<V1Service>(objects);
        var deployment = Single<V1Deployment>(objects);
        var port = Assert.Single(Dashboard(objects).Ports);

        Assert.Equal("ClusterIP", service.Spec.Type);
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal(80, servicePort.Port);
        Assert.Contains(servicePort.TargetPort.Value, new[] { port.Name, port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(8080, port.ContainerPort);
        Assert.Equal(deployment.Metadata.NamespaceProperty, service.Metadata.NamespaceProperty);
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, deployment.Spec.Template.Metadata.Labels[l.Key]));
    }

    [Fact]
    public async Task Kustomize_MisspeltField_RefusedByTheStrictReader()
    {
        // The control for the tests above: a field the schema does not have fails, it is not silently dropped.
        var directory = Directory.CreateTempSubdirectory("openelb-kustomize-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "kustomization.yaml"), "resources:\n  - service.yaml\n", Ct);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "service.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: s
                spec:
                  ports:
                    - port: 80
                      targetport: http
                """, Ct);

            await Assert.ThrowsAnyAsync<YamlDotNet.Core.YamlException>(() => BuildAsync(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
