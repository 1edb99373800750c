using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>
/// The Restrict speakers wizard's change (the seed's recipe) from its form through the app's own
/// <see cref="ChangeExecutor"/>, against the seed cluster (node1..node6, one router peering with every node), checked
/// with kubectl as an independent client.
/// </summary>
public sealed class RestrictSpeakersChangeTests
{
    [Fact]
    public async Task Apply_NodeSelector_ExactlyThePicksLabelledAndDaemonSetSelectsTheLabelInOneAuditedRun()
    {
        await using var app = DashboardFactory.Demo("seed");
        var (kubeconfig, scope, form) = await OpenAsync(app);
        using var _ = scope;
        // Not the proposal (node1, node2): the test must tell picks from defaults.
        Assert.Equal(["node1", "node2"], form.PickedNodes);
        form.SetPicked("node2", false);
        form.SetPicked("node5", true);

        var result = await PreviewAndApplyAsync(scope, form);

        Assert.Equal(["node1", "node5"], await NodesLabelledAsync(kubeconfig, "openelb-speaker=true"));
        using var daemonSet = await SpeakerDaemonSetAsync(kubeconfig);
        var pod = daemonSet.RootElement.GetProperty("spec").GetProperty("template").GetProperty("spec");
        // Merged into the shipped selector: kubernetes.io/os=linux stays.
        Assert.Equal(
            """{"kubernetes.io/os":"linux","openelb-speaker":"true"}""",
            JsonSerializer.Serialize(pod.GetProperty("nodeSelector")));
        Assert.False(pod.TryGetProperty("affinity", out var affinity) && affinity.TryGetProperty("nodeAffinity", out var nodeAffinity) && nodeAffinity.ValueKind != JsonValueKind.Null);
        await AssertOneRunAsync(app, result, "node1", "node5");
        await WaitForSpeakersOnAsync(kubeconfig, "node1", "node5");
    }

    [Fact]
    public async Task Apply_NodeAffinity_ExactlyThePicksLabelledAndDaemonSetRequiresTheLabelInOneAuditedRun()
    {
        await using var app = DashboardFactory.Demo("seed");
        var (kubeconfig, scope, form) = await OpenAsync(app);
        using var _ = scope;
        form.Key = "example.com/speaker";
        form.Value = "yes";
        form.UseAffinity = true;
        form.SetPicked("node3", true);

        var result = await PreviewAndApplyAsync(scope, form);

        Assert.Equal(["node1", "node2", "node3"], await NodesLabelledAsync(kubeconfig, "example.com/speaker=yes"));
        Assert.Empty(await NodesLabelledAsync(kubeconfig, "openelb-speaker=true"));
        using var daemonSet = await SpeakerDaemonSetAsync(kubeconfig);
        var pod = daemonSet.RootElement.GetProperty("spec").GetProperty("template").GetProperty("spec");
        Assert.Equal(
            """{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"example.com/speaker","operator":"In","values":["yes"]}]}]}}""",
            JsonSerializer.Serialize(pod.GetProperty("affinity").GetProperty("nodeAffinity")));
        Assert.Equal("""{"kubernetes.io/os":"linux"}""", JsonSerializer.Serialize(pod.GetProperty("nodeSelector")));
        await AssertOneRunAsync(app, result, "node1", "node2", "node3");
        await WaitForSpeakersOnAsync(kubeconfig, "node1", "node2", "node3");
    }

    private static async Task<(string Kubeconfig, IServiceScope Scope, RestrictSpeakersForm Form)> OpenAsync(DashboardFactory app)
    {
        await app.WaitForSyncAsync();
        var kubeconfig = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(kubeconfig);
        var views = app.Services.GetRequiredService<LiveViewService>();
        await WaitUntilAsync(() => views.Current.Topology.Groups.Count == 1 && views.Current.Snapshot.Speaker is not null);
        var view = views.Current;
        return (kubeconfig, app.CreateUserScope(), new RestrictSpeakersForm(view.Snapshot, view.Topology));
    }

    private static async Task<ApplyResult> PreviewAndApplyAsync(IServiceScope scope, RestrictSpeakersForm form)
    {
        var ct = TestContext.Current.CancellationToken;
        var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
        Assert.True(form.CanPreview);
        var preview = await executor.PreviewAsync(form.ToRequest(), ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(preview.Plan.IsValid, string.Join("; ", preview.Plan.Errors.Select(static e => e.Message)));
        Assert.True(preview.DryRunAccepted, string.Join("; ", preview.DryRuns.Select(static d => d.Message)));
        // Six established sessions down to two or three: fewer, but never below the minimum of two.
        Assert.False(preview.RequiresConfirmation);
        var result = await executor.ApplyAsync(preview, confirmation: null, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.Equal(ApplyStatus.Succeeded, result.Status);
        return result;
    }

    private static async Task AssertOneRunAsync(DashboardFactory app, ApplyResult result, params string[] labelled)
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = (await app.Services.GetRequiredService<SqliteAuditLog>().GetStepsAsync(result.CorrelationId, ct).WaitAsync(TestTimeouts.Default, ct))
            .OrderBy(static e => e.Sequence)
            .ToArray();
        // Begun in step order: the chain sequence and the step numbers agree.
        Assert.Equal(Enumerable.Range(1, labelled.Length + 1), entries.Select(static e => e.Step));
        Assert.All(entries, e => Assert.Equal(result.CorrelationId, e.CorrelationId));
        Assert.All(entries, static e => Assert.Equal(AuditOutcome.Succeeded, e.Outcome));
        // Labels first (one step per node, in name order), then the DaemonSet.
        Assert.Equal(labelled, entries[..^1].Select(static e => e.TargetName));
        Assert.All(entries[..^1], static e => Assert.Equal(AuditAction.LabelNodes, e.Action));
        Assert.Equal(AuditAction.SetSpeakerPlacement, entries[^1].Action);
        Assert.Equal("openelb-speaker", entries[^1].TargetName);
        Assert.Equal(entries.Select(static e => e.Step), result.Steps.Select(static s => s.Step));
    }

    private static async Task<string[]> NodesLabelledAsync(string kubeconfig, string selector)
    {
        var output = (await Kubectl.RunAsync(kubeconfig, "get", "nodes", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}")).EnsureSuccess().StdOut;
        return output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray();
    }

    private static async Task<JsonDocument> SpeakerDaemonSetAsync(string kubeconfig)
    {
        var output = (await Kubectl.RunAsync(kubeconfig, "get", "daemonset", "-n", "openelb-system", "-l", "app=openelb,component=speaker", "-o", "json")).EnsureSuccess().StdOut;
        using var list = JsonDocument.Parse(output);
        return JsonDocument.Parse(Assert.Single(list.RootElement.GetProperty("items").EnumerateArray().ToArray()).GetRawText());
    }

    // The simulator's DaemonSet controller rolls the speakers: in the end they run on exactly the picked nodes.
    private static async Task WaitForSpeakersOnAsync(string kubeconfig, params string[] nodes)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        string[] running = [];
        while (!timeout.IsCancellationRequested)
        {
            var output = (await Kubectl.RunAsync(kubeconfig, "get", "pods", "-n", "openelb-system", "-l", "app=openelb,component=speaker", "-o", "jsonpath={.items[*].spec.nodeName}")).EnsureSuccess().StdOut;
            running = output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray();
            if (running.SequenceEqual(nodes))
            {
                return;
            }
            await Task.Delay(100, CancellationToken.None);
        }
        Assert.Equal(nodes, running);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
