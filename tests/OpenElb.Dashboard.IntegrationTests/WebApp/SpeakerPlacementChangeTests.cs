using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>
/// The Speaker placement wizard's request (built by its form) through the app's <see cref="ChangeExecutor"/> against the
/// demo cluster, read back with kubectl: the DaemonSet ends up with exactly the previewed placement.
/// </summary>
public sealed class SpeakerPlacementChangeTests
{
    [Fact]
    public async Task Apply_NodeSelectorChange_DaemonSetHasExactlyThePreviewedPlacementAndIsAudited()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope, current) = await ConnectAsync(app);
        using var _ = scope;
        var form = new SpeakerPlacementForm(current);
        // Drop the seed's label requirement (the merge patch must delete the key) and require an architecture instead.
        form.Selector.RemoveAll(static r => r.Key == SpeakerPlacementForm.SeedKey);
        form.AddSelector();
        form.Selector[^1].Key = "kubernetes.io/arch";
        form.Selector[^1].Value = "amd64";
        Assert.Equal(PlacementParts.NodeSelector, form.Parts);

        var (preview, previewed) = await PreviewAsync(scope, form);

        Assert.Contains("worker-c2", preview.Plan.Gaining.Select(static n => n.NodeName));
        Assert.Equal(LabelSet.Of(("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64")), previewed.NodeSelector);
        Assert.Equal(current, await PlacementAsync(kubeconfig));

        await ApplyAndAuditAsync(app, scope, preview);

        Assert.Equal(previewed, await PlacementAsync(kubeconfig));
    }

    [Fact]
    public async Task Apply_TolerationsChange_DaemonSetHasExactlyThePreviewedListAndIsAudited()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope, current) = await ConnectAsync(app);
        using var _ = scope;
        var form = new SpeakerPlacementForm(current);
        form.Tolerations.RemoveAt(0);
        form.Apply(SpeakerPlacementForm.TolerationPreset);
        form.AddToleration();
        form.Tolerations[^1].Key = "example.com/maintenance";
        form.Tolerations[^1].Operator = TolerationOperator.Exists;
        form.Tolerations[^1].Effect = TaintEffect.NoExecute;
        form.Tolerations[^1].Seconds = "300";
        Assert.Equal(PlacementParts.Tolerations, form.Parts);

        var (preview, previewed) = await PreviewAsync(scope, form);

        Assert.Equal(
            [
                new Toleration("node-role.kubernetes.io/control-plane", TolerationOperator.Exists, Effect: TaintEffect.NoSchedule),
                new Toleration("openelb-speaker", TolerationOperator.Equal, "true", TaintEffect.NoSchedule),
                new Toleration("example.com/maintenance", TolerationOperator.Exists, Effect: TaintEffect.NoExecute, TolerationSeconds: 300),
            ],
            previewed.Tolerations);
        Assert.Contains(preview.Plan.Warnings, static w => w.Contains("Removes the toleration node-role.kubernetes.io/master", StringComparison.Ordinal));
        Assert.Contains(preview.Plan.Warnings, static w => w.Contains("does not keep speakers off the other nodes", StringComparison.Ordinal));

        await ApplyAndAuditAsync(app, scope, preview);

        Assert.Equal(previewed, await PlacementAsync(kubeconfig));
    }

    [Fact]
    public async Task Apply_NodeAffinityPreset_DaemonSetHasTheInRequirement()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, scope, current) = await ConnectAsync(app);
        using var _ = scope;
        var form = new SpeakerPlacementForm(current);
        form.Apply(SpeakerPlacementForm.NodeAffinityPreset);

        var (preview, previewed) = await PreviewAsync(scope, form);
        await ApplyAndAuditAsync(app, scope, preview);

        Assert.Equal(EquatableArray.Create(NodeSelectorTerm.Of(NodeSelectorRequirement.Of("openelb-speaker", SelectorOperators.In, "true"))), previewed.RequiredNodeAffinity);
        Assert.Equal(previewed, await PlacementAsync(kubeconfig));
    }

    private static async Task<(ChangePreview Preview, SpeakerPlacement Previewed)> PreviewAsync(IServiceScope scope, SpeakerPlacementForm form)
    {
        var ct = TestContext.Current.CancellationToken;
        var request = form.ToRequest();
        var preview = await scope.ServiceProvider.GetRequiredService<ChangeExecutor>().PreviewAsync(request, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(preview.Plan.IsValid, string.Join("; ", preview.Plan.Errors));
        Assert.True(preview.DryRunAccepted, string.Join("; ", preview.DryRuns.Select(static d => d.Message)));
        Assert.Single(preview.Patches);
        return (preview, request.ApplyTo(form.Current));
    }

    private static async Task ApplyAndAuditAsync(DashboardFactory app, IServiceScope scope, ChangePreview preview)
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await scope.ServiceProvider.GetRequiredService<ChangeExecutor>()
            .ApplyAsync(preview, preview.RequiresConfirmation ? preview.ConfirmationWord : null, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal(ApplyStatus.Succeeded, result.Status);
        var entry = Assert.Single(await app.Services.GetRequiredService<SqliteAuditLog>().GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct));
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal(AuditAction.SetSpeakerPlacement, entry.Action);
        Assert.Equal("openelb-speaker", entry.TargetName);
        Assert.Equal(preview.Patches[0].Body, entry.RequestBody);
    }

    private static async Task<(string Kubeconfig, IServiceScope Scope, SpeakerPlacement Current)> ConnectAsync(DashboardFactory app)
    {
        await app.WaitForSyncAsync();
        var path = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(path);
        var current = app.Services.GetRequiredService<LiveViewService>().Current.Snapshot.Speaker!.Placement;
        return (path, app.CreateUserScope(), current);
    }

    // The DaemonSet's placement as kubectl reads it, parsed here rather than by the app's own mapping.
    private static async Task<SpeakerPlacement> PlacementAsync(string kubeconfig)
    {
        var json = (await Kubectl.RunAsync(kubeconfig, "get", "daemonset", "openelb-speaker", "-n", "openelb-system", "-o", "json")).EnsureSuccess().StdOut;
        using var document = JsonDocument.Parse(json);
        var spec = document.RootElement.GetProperty("spec").GetProperty("template").GetProperty("spec");
        var selector = spec.TryGetProperty("nodeSelector", out var s)
            ? LabelSet.From(s.EnumerateObject().Select(static p => KeyValuePair.Create(p.Name, p.Value.GetString()!)))
            : LabelSet.Empty;
        EquatableArray<NodeSelectorTerm>? terms = null;
        if (spec.TryGetProperty("affinity", out var affinity)
            && affinity.TryGetProperty("nodeAffinity", out var nodeAffinity)
            && nodeAffinity.TryGetProperty("requiredDuringSchedulingIgnoredDuringExecution", out var required))
        {
            terms = required.GetProperty("nodeSelectorTerms").EnumerateArray()
                .Select(static t => new NodeSelectorTerm(Requirements(t, "matchExpressions"), Requirements(t, "matchFields")))
                .ToEquatableArray();
        }
        var tolerations = spec.TryGetProperty("tolerations", out var list)
            ? list.EnumerateArray().Select(static t => new Toleration(
                Text(t, "key"),
                Text(t, "operator") == "Exists" ? TolerationOperator.Exists : TolerationOperator.Equal,
                Text(t, "value"),
                t.TryGetProperty("effect", out var e) && e.GetString() is { Length: > 0 } effect ? Enum.Parse<TaintEffect>(effect) : null,
                t.TryGetProperty("tolerationSeconds", out var seconds) ? seconds.GetInt64() : null)).ToEquatableArray()
            : EquatableArray<Toleration>.Empty;
        return new SpeakerPlacement(selector, terms, tolerations);
    }

    private static EquatableArray<NodeSelectorRequirement> Requirements(JsonElement term, string name) =>
        term.TryGetProperty(name, out var list)
            ? list.EnumerateArray().Select(static r => new NodeSelectorRequirement(
                Text(r, "key"),
                Text(r, "operator"),
                r.TryGetProperty("values", out var v) ? v.EnumerateArray().Select(static x => x.GetString()!).ToEquatableArray() : EquatableArray<string>.Empty)).ToEquatableArray()
            : EquatableArray<NodeSelectorRequirement>.Empty;

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
}
