using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// The fault-injection admin endpoint, the fault middleware and the simulator's authorizer, over real HTTP. Each test
/// starts its own simulator: faults are global to a simulator.
/// </summary>
public sealed class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<SimulatorFixture> StartAsync()
    {
        var simulator = new SimulatorFixture();
        await simulator.InitializeAsync();
        return simulator;
    }

    // Waits until a refusal has surely ended. The margin is needed: timers run on a monotonic clock and may fire a
    // little before the wall-clock deadline that the simulator compares against.
    private static Task WaitUntilAsync(DateTimeOffset until) =>
        Task.Delay(until.AddMilliseconds(200) - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero, Ct).WaitAsync(TestTimeouts.Default, Ct);

    [Fact]
    public async Task RefuseConnections_DuringFault_ClientSeesConnectionErrorThenSucceeds()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var client = simulator.CreateClient();

        var state = await admin.PostAsync("refuse-connections?seconds=2");

        Assert.True(state["refusingConnections"]!.GetValue<bool>());
        var until = simulator.Host.Faults.RefuseConnectionsUntil!.Value;
        // A transport failure, not an HTTP status: KubernetesClient reports statuses as HttpOperationException.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct));
        Assert.IsNotType<HttpOperationException>(error);
        Assert.IsType<HttpRequestException>(error, exactMatch: false);
        await WaitUntilAsync(until);
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        Assert.Equal(6, nodes.Items.Count);
    }

    [Fact]
    public async Task RefuseConnections_DuringFault_KubectlCannotConnectThenSucceeds()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        await admin.PostAsync("refuse-connections?seconds=3");
        var until = simulator.Host.Faults.RefuseConnectionsUntil!.Value;
        var refused = await Kubectl.RunAsync(simulator.KubeconfigPath, "get", "nodes", "--request-timeout=2s");

        Assert.NotEqual(0, refused.ExitCode);
        // kubectl prints "Error from server (...)" for an HTTP status; a refused connection is not one.
        Assert.DoesNotContain("Error from server", refused.StdErr, StringComparison.Ordinal);
        await WaitUntilAsync(until);
        var after = (await Kubectl.RunAsync(simulator.KubeconfigPath, "get", "nodes", "-o", "name")).EnsureSuccess();
        Assert.Contains("node/node1", after.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseConnections_OpenWatch_AbortedWhenFaultStarts()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var client = simulator.CreateClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TestTimeouts.Default);
        var list = await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? reported = null;

        var watching = Task.Run(async () =>
        {
            await foreach (var (type, _) in client.CoreV1.WatchListNodeAsync(resourceVersion: list.Metadata.ResourceVersion, allowWatchBookmarks: true, onError: e => reported = e, cancellationToken: cts.Token))
            {
                if (type == WatchEventType.Modified)
                {
                    opened.TrySetResult();
                }
            }
        }, cts.Token);
        // An event proves the stream is open before the fault starts.
        simulator.Host.Store.Mutate(ResourceCatalog.Nodes, null, "node1", node => node);
        await opened.Task.WaitAsync(TestTimeouts.Default, Ct);
        await admin.PostAsync("refuse-connections?seconds=30");

        var thrown = await Record.ExceptionAsync(() => watching.WaitAsync(TestTimeouts.Default, Ct));
        Assert.False(cts.IsCancellationRequested, "the watch stayed open through the fault");
        // The stream broke (an I/O error), it did not end cleanly as a closed watch does.
        Assert.NotNull(thrown ?? reported);
    }

    [Fact]
    public async Task RefuseConnections_AdminEndpoint_StillAnswersAndEndsRefusal()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var client = simulator.CreateClient();

        await admin.PostAsync("refuse-connections?seconds=60");
        var during = await admin.StateAsync();
        var ended = await admin.PostAsync("refuse-connections?seconds=0");

        Assert.True(during["refusingConnections"]!.GetValue<bool>());
        Assert.False(ended["refusingConnections"]!.GetValue<bool>());
        Assert.Null(simulator.Host.Faults.RefuseConnectionsUntil);
        Assert.Equal(6, (await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct)).Items.Count);
    }

    [Fact]
    public async Task SlowResponses_Set_EveryResponseTakesAtLeastTheDelay()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var client = simulator.CreateClient();
        var delay = TimeSpan.FromMilliseconds(400);

        var state = await admin.PostAsync($"slow-responses?ms={delay.TotalMilliseconds}");
        var stopwatch = Stopwatch.StartNew();
        await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        var list = stopwatch.Elapsed;
        stopwatch.Restart();
        await client.CoreV1.ReadNodeAsync("node2", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        var get = stopwatch.Elapsed;

        Assert.Equal(400, state["responseDelayMs"]!.GetValue<long>());
        // A lower bound only, less a little for timer granularity (a timer may fire a few ms before the stopwatch
        // agrees); an unslowed list or get takes a few milliseconds, so this still fails without the fault.
        var atLeast = delay * 0.9;
        Assert.True(list >= atLeast, $"list took {list.TotalMilliseconds} ms");
        Assert.True(get >= atLeast, $"get took {get.TotalMilliseconds} ms");
        await admin.PostAsync("slow-responses?ms=0");
        Assert.Equal(TimeSpan.Zero, simulator.Host.Faults.ResponseDelay);
    }

    [Fact]
    public async Task CloseWatches_OpenWatch_StreamEndsCleanly()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var client = simulator.CreateClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TestTimeouts.Default);
        var list = await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? reported = null;

        var watching = Task.Run(async () =>
        {
            await foreach (var (type, _) in client.CoreV1.WatchListNodeAsync(resourceVersion: list.Metadata.ResourceVersion, onError: e => reported = e, cancellationToken: cts.Token))
            {
                opened.TrySetResult();
            }
        }, cts.Token);
        simulator.Host.Store.Mutate(ResourceCatalog.Nodes, null, "node1", node => node);
        await opened.Task.WaitAsync(TestTimeouts.Default, Ct);
        await admin.PostAsync("close-watches");

        await watching.WaitAsync(TestTimeouts.Default, Ct);
        Assert.Null(reported);
    }

    [Fact]
    public async Task CompactHistory_WatchFromOlderVersion_ExpiredStatus()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        var before = simulator.Host.Store.ResourceVersion;
        simulator.Host.Store.Mutate(ResourceCatalog.Nodes, null, "node1", node => node);

        await admin.PostAsync("compact-history");
        using var response = await admin.Http.GetAsync($"/api/v1/nodes?watch=true&resourceVersion={before}", Ct).WaitAsync(TestTimeouts.Default, Ct);
        var line = (await response.Content.ReadAsStringAsync(Ct).WaitAsync(TestTimeouts.Default, Ct)).Split('\n')[0];

        var evt = JsonNode.Parse(line)!;
        Assert.Equal("ERROR", evt["type"]!.GetValue<string>());
        Assert.Equal(410, evt["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", evt["object"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ControllerFaults_SetAndCleared_StateChangedAndNotified()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        var faults = simulator.Host.Faults;
        var notifications = 0;
        faults.Changed += (_, _) => Interlocked.Increment(ref notifications);

        await admin.PostAsync("router-down/router-a");
        await admin.PostAsync("crash-loop/node2");
        await admin.PostAsync("node-not-ready/node3");
        var set = await admin.StateAsync();
        Assert.Equal(["router-a"], faults.RoutersDown);
        Assert.Equal(["node2"], faults.CrashLoopNodes);
        Assert.Equal(["node3"], faults.NotReadyNodes);
        Assert.Equal("router-a", set["routersDown"]![0]!.GetValue<string>());
        Assert.Equal("node2", set["crashLoopNodes"]![0]!.GetValue<string>());
        Assert.Equal("node3", set["notReadyNodes"]![0]!.GetValue<string>());

        await admin.PostAsync("router-up/router-a");
        await admin.DeleteAsync("crash-loop/node2");
        var cleared = await admin.PostAsync("node-ready/node3");

        Assert.Empty(faults.RoutersDown);
        Assert.Empty(faults.CrashLoopNodes);
        Assert.Empty(faults.NotReadyNodes);
        Assert.Empty(cleared["routersDown"]!.AsArray());
        Assert.Equal(6, Volatile.Read(ref notifications));
    }

    [Fact]
    public async Task Admin_WithoutToken_Unauthorized()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        admin.Http.DefaultRequestHeaders.Authorization = null;

        using var response = await admin.Http.PostAsync("/admin/faults/refuse-connections?seconds=5", null, Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(simulator.Host.Faults.RefuseConnectionsUntil);
    }

    [Theory]
    [InlineData("refuse-connections")]
    [InlineData("refuse-connections?seconds=-1")]
    [InlineData("slow-responses?ms=soon")]
    [InlineData("deny/patch")]
    public async Task Admin_BadArgument_BadRequestStatus(string command)
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        using var response = await admin.Http.PostAsync("/admin/faults/" + command, null, Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct).WaitAsync(TestTimeouts.Default, Ct))!;
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deny_PatchNodes_KubectlForbiddenAndCanINo()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        var state = await admin.PostAsync("deny/patch:nodes");
        var label = await Kubectl.RunAsync(simulator.KubeconfigPath, "label", "nodes", "node1", "openelb-speaker=true");
        var canPatchNodes = await Kubectl.RunAsync(simulator.KubeconfigPath, "auth", "can-i", "patch", "nodes");
        var canPatchDaemonSets = await Kubectl.RunAsync(simulator.KubeconfigPath, "auth", "can-i", "patch", "daemonsets.apps", "-n", "openelb-system");
        var canGetNodes = await Kubectl.RunAsync(simulator.KubeconfigPath, "get", "nodes", "-o", "name");

        Assert.Equal("patch:nodes", state["deniedPermissions"]![0]!.GetValue<string>());
        Assert.NotEqual(0, label.ExitCode);
        Assert.Contains("Forbidden", label.StdErr, StringComparison.Ordinal);
        Assert.Null(simulator.Host.Store.Get(ResourceCatalog.Nodes, null, "node1")!["metadata"]!["labels"]!["openelb-speaker"]);
        Assert.Equal(1, canPatchNodes.ExitCode);
        Assert.StartsWith("no", canPatchNodes.StdOut, StringComparison.Ordinal);
        Assert.Equal("yes", canPatchDaemonSets.EnsureSuccess().StdOut.Trim());
        Assert.Equal(0, canGetNodes.ExitCode);

        await admin.DeleteAsync("deny/patch:nodes");
        (await Kubectl.RunAsync(simulator.KubeconfigPath, "label", "nodes", "node1", "openelb-speaker=true")).EnsureSuccess();
    }

    [Fact]
    public async Task Deny_DeletePods_ClientGetsForbiddenStatusEvenForDryRun()
    {
        await using var simulator = await StartAsync();
        using var client = simulator.CreateClient();
        simulator.Host.Faults.DeniedPermissions = [new ResourceAccess("delete", "", "pods")];
        simulator.Host.Faults.NotifyChanged();
        var pod = (await client.CoreV1.ListNamespacedPodAsync("openelb-system", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct)).Items[0];

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, "openelb-system", dryRun: "All", cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Forbidden", status.Reason);
        Assert.Contains("cannot delete resource \"pods\"", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessReviewDiscovery_AuthorizationGroup_Listed()
    {
        await using var simulator = await StartAsync();

        var resources = (await Kubectl.RunAsync(simulator.KubeconfigPath, "api-resources", "--api-group=authorization.k8s.io", "-o", "name")).EnsureSuccess();

        Assert.Contains("selfsubjectaccessreviews.authorization.k8s.io", resources.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("patch:nodes", "patch", "", "nodes")]
    [InlineData("patch:daemonsets.apps", "patch", "apps", "daemonsets")]
    [InlineData("update:nodes/status", "update", "", "nodes/status")]
    [InlineData("patch:bgppeers.network.kubesphere.io", "patch", "network.kubesphere.io", "bgppeers")]
    public void ResourceAccess_TryParse_RoundTrips(string text, string verb, string group, string resource)
    {
        Assert.True(ResourceAccess.TryParse(text, out var access));
        Assert.Equal(new ResourceAccess(verb, group, resource), access);
        Assert.Equal(text, access.Value.ToString());
    }

    [Fact]
    public async Task Cli_FaultFlags_ServesWithFaultsAndWritesKubeconfig()
    {
        var directory = Directory.CreateTempSubdirectory("openelb-cli-").FullName;
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        try
        {
            await using var simulator = SimulatorProcess.Start(
                "--scenario", "seed", "--port", "0", "--kubeconfig", kubeconfig,
                // Long enough that a loaded machine still reaches the first request inside the window (2 s and 8 s
                // were not: a loaded CI run took longer than 8 s from the kubeconfig to the first answer); the test
                // ends the window through the admin API instead of waiting for it.
                "--refuse-connections", "120", "--deny", "patch:daemonsets.apps", "--router-down", "router1", "--crash-loop", "node2", "--node-not-ready", "node3");
            await simulator.WaitForFileAsync(kubeconfig);
            using var admin = AdminClient.FromKubeconfig(kubeconfig);
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));

            var state = await admin.StateAsync();
            var refused = await Record.ExceptionAsync(() => client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct));

            Assert.True(state["refusingConnections"]!.GetValue<bool>());
            Assert.Equal("patch:daemonsets.apps", state["deniedPermissions"]![0]!.GetValue<string>());
            Assert.Equal("router1", state["routersDown"]![0]!.GetValue<string>());
            Assert.Equal("node2", state["crashLoopNodes"]![0]!.GetValue<string>());
            Assert.Equal("node3", state["notReadyNodes"]![0]!.GetValue<string>());
            Assert.IsType<HttpRequestException>(refused, exactMatch: false);
            var until = DateTimeOffset.Parse(state["refuseConnectionsUntil"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(until, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(120));
            await admin.PostAsync("refuse-connections?seconds=0");
            var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: Ct).WaitAsync(TestTimeouts.Default, Ct);
            Assert.Equal(6, nodes.Items.Count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("--refuse-connections", "soon")]
    [InlineData("--slow-responses")]
    [InlineData("--deny", "patch")]
    [InlineData("--crash-loop", "--port")]
    [InlineData("--bogus")]
    public async Task Cli_BadArguments_PrintsUsageAndExits2(params string[] args)
    {
        await using var simulator = SimulatorProcess.Start(args);

        var exitCode = await simulator.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("usage:", simulator.StdErr, StringComparison.Ordinal);
    }

    /// <summary>The built simulator run with <c>dotnet</c> as a child process; disposing kills it, so it never outlives a test.</summary>
    private sealed class SimulatorProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _stderr = new();

        private SimulatorProcess(Process process) => _process = process;

        public string StdErr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static SimulatorProcess Start(params string[] args)
        {
            // The simulator is a referenced Exe project: its dll and runtimeconfig are copied next to the tests.
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OpenElb.Dashboard.Simulator.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("the simulator did not start");
            var started = new SimulatorProcess(process);
            process.ErrorDataReceived += (_, e) =>
            {
                lock (started._stderr)
                {
                    started._stderr.AppendLine(e.Data);
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            return started;
        }

        public async Task WaitForFileAsync(string path)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TestTimeouts.Default);
            while (!File.Exists(path))
            {
                Assert.False(_process.HasExited, $"the simulator exited with {(_process.HasExited ? _process.ExitCode : 0)}: {StdErr}");
                await Task.Delay(50, timeout.Token);
            }
        }

        public async Task<int> WaitForExitAsync()
        {
            await _process.WaitForExitAsync(Ct).WaitAsync(TestTimeouts.Default, Ct);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default, CancellationToken.None);
            _process.Dispose();
        }
    }
}
