using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>KubernetesClient, configured from the simulator's kubeconfig, as an independent client.</summary>
public sealed class KubernetesClientTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListNodes_SeedScenario_ReturnsSixNodesWithListVersion()
    {
        using var client = fixture.CreateClient();

        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(["node1", "node2", "node3", "node4", "node5", "node6"], nodes.Items.Select(n => n.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(nodes.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task ListPods_LimitAndContinue_PagesThroughAllSpeakers()
    {
        using var client = fixture.CreateClient();

        var first = await client.CoreV1.ListNamespacedPodAsync("openelb-system", labelSelector: "app=openelb,component=speaker", limit: 4, cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        var second = await client.CoreV1.ListNamespacedPodAsync("openelb-system", labelSelector: "app=openelb,component=speaker", limit: 4, continueParameter: first.Metadata.ContinueProperty, cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        var onNode3 = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node3", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(4, first.Items.Count);
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.Metadata.ContinueProperty);
        Assert.Equal("node3", Assert.Single(onNode3.Items).Spec.NodeName);
    }

    [Fact]
    public async Task WatchNodes_LabelChanged_SeesModifiedEvent()
    {
        using var client = fixture.CreateClient();
        var list = await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TestTimeouts.Default);

        var seen = Task.Run(async () =>
        {
            await foreach (var (type, node) in client.CoreV1.WatchListNodeAsync(resourceVersion: list.Metadata.ResourceVersion, allowWatchBookmarks: true, cancellationToken: cts.Token))
            {
                if (type == WatchEventType.Modified && node.Metadata.Labels.TryGetValue("watched", out var value))
                {
                    return (node.Metadata.Name, value);
                }
            }
            return default;
        }, cts.Token);
        var patch = new V1Patch("""{"metadata":{"labels":{"watched":"yes"}}}""", V1Patch.PatchType.MergePatch);
        await client.CoreV1.PatchNodeAsync(patch, "node4", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(("node4", "yes"), await seen.WaitAsync(TestTimeouts.Default, Ct));
        await cts.CancelAsync();
    }

    [Fact]
    public async Task ReplaceNode_StaleResourceVersion_Conflict()
    {
        using var client = fixture.CreateClient();
        var node = await client.CoreV1.ReadNodeAsync("node5", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        node.Metadata.Labels["first"] = "writer";
        await client.CoreV1.ReplaceNodeAsync(node, "node5", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);

        node.Metadata.Labels["second"] = "writer";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNodeAsync(node, "node5", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Contains("\"reason\":\"Conflict\"", error.Response.Content);
        Assert.False(fixture.Host.Store.GetRequired(ResourceCatalog.Nodes, null, "node5")["metadata"]!["labels"]!.AsObject().ContainsKey("second"));
    }

    [Fact]
    public async Task MergePatch_StaleResourceVersionInMetadata_Conflict()
    {
        using var client = fixture.CreateClient();
        var patch = new V1Patch("""{"metadata":{"resourceVersion":"1","labels":{"stale":"yes"}}}""", V1Patch.PatchType.MergePatch);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.PatchNodeAsync(patch, "node6", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task PatchDaemonSet_DryRunAll_AnswersButDoesNotStore()
    {
        using var client = fixture.CreateClient();
        var before = fixture.Host.Store.ResourceVersion;
        var patch = new V1Patch("""[{"op":"test","path":"/spec/template/spec/hostNetwork","value":true},{"op":"add","path":"/spec/template/spec/nodeSelector/dry","value":"run"}]""", V1Patch.PatchType.JsonPatch);

        var answered = await client.AppsV1.PatchNamespacedDaemonSetAsync(patch, "openelb-speaker", "openelb-system", dryRun: "All", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal("run", answered.Spec.Template.Spec.NodeSelector["dry"]);
        Assert.Equal(before, fixture.Host.Store.ResourceVersion);
        Assert.False(fixture.Host.Store.GetRequired(ResourceCatalog.DaemonSets, "openelb-system", "openelb-speaker")["spec"]!["template"]!["spec"]!["nodeSelector"]!.AsObject().ContainsKey("dry"));
    }

    [Fact]
    public async Task JsonPatch_FailingTest_InvalidAndNotStored()
    {
        using var client = fixture.CreateClient();
        var patch = new V1Patch("""[{"op":"test","path":"/spec/template/spec/hostNetwork","value":false},{"op":"remove","path":"/spec/template/spec/tolerations"}]""", V1Patch.PatchType.JsonPatch);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.PatchNamespacedDaemonSetAsync(patch, "openelb-speaker", "openelb-system", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }

    [Fact]
    public async Task WatchNodes_ResourceVersionOlderThanHistory_ExpiredStatus()
    {
        using var client = fixture.CreateClient();
        fixture.Host.Store.CompactHistory();
        KubernetesException? expired = null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TestTimeouts.Default);

        await foreach (var _ in client.CoreV1.WatchListNodeAsync(resourceVersion: "1", onError: e => expired = e as KubernetesException, cancellationToken: cts.Token))
        {
            Assert.Fail("no event expected from an expired resourceVersion");
        }

        Assert.NotNull(expired);
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal("Expired", expired.Status.Reason);
    }

    [Fact]
    public async Task ListNodes_WithoutToken_Unauthorized()
    {
        using var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == fixture.Host.Certificate.Thumbprint,
        });

        var response = await http.GetAsync(new Uri(fixture.Host.BaseAddress, "api/v1/nodes"), Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.Headers.Contains("Audit-Id"));
    }
}
