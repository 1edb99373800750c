using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// The simulator's impersonation, per-user denials and record of recent writes, driven by the real kubectl
/// (<c>--as</c>, <c>--as-group</c>) and by raw HTTP where the wire form matters. Each test starts its own simulator:
/// faults and the record are global to a simulator.
/// </summary>
public sealed class SimulatorImpersonationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<SimulatorFixture> StartAsync()
    {
        var simulator = new SimulatorFixture();
        await simulator.InitializeAsync();
        return simulator;
    }

    /// <summary>
    /// Fills kubectl's discovery cache with the simulator's own identity. Without it, kubectl's first request is
    /// discovery, and when that is refused it prints "Forbidden: unknown" instead of the API server's message (it cannot
    /// decode a Status from the aggregated-discovery answer); with a warm cache, as an operator's kubectl has, the refused
    /// request is the write itself and kubectl prints the message.
    /// </summary>
    private static async Task WarmDiscoveryAsync(SimulatorFixture simulator) =>
        (await Kubectl.RunAsync(simulator.KubeconfigPath, "api-resources", "-o", "name")).EnsureSuccess();

    private static string? Label(SimulatorFixture simulator, string node, string key) =>
        simulator.Host.Store.GetRequired(ResourceCatalog.Nodes, null, node)["metadata"]!["labels"]![key]?.GetValue<string>();

    [Fact]
    public async Task KubectlAs_UserAndGroup_LabelsNodeAndRecordShowsUserAndGroup()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        var label = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "--as-group", "ops", "label", "nodes", "node1", "openelb-speaker=true");

        label.EnsureSuccess();
        Assert.Equal("true", Label(simulator, "node1", "openelb-speaker"));
        var write = Assert.Single(await ImpersonationRequestRecord.WritesToAsync(admin, "/api/v1/nodes/node1"));
        Assert.Equal("PATCH", write.Method);
        Assert.Equal("alice", write.ImpersonatedUser);
        Assert.Equal(["ops"], write.ImpersonatedGroups);
        Assert.Equal("alice", write.AuthorizedAs);
        Assert.Equal(200, write.Status);
    }

    [Fact]
    public async Task KubectlAs_TwoGroups_RecordedAsTwoGroups()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        (await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "--as-group", "ops", "--as-group", "net-admins", "label", "nodes", "node2", "rack=a")).EnsureSuccess();

        // kubectl (Go) sends one header line per group; each line is one group.
        var write = Assert.Single(await ImpersonationRequestRecord.WritesToAsync(admin, "/api/v1/nodes/node2"));
        Assert.Equal(["ops", "net-admins"], write.ImpersonatedGroups);
    }

    [Fact]
    public async Task KubectlAs_UserDeniedPatchNodes_ForbiddenWhilePlainKubectlWorks()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        var state = await admin.PostAsync("deny-user/alice/patch:nodes");
        var asAlice = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "label", "nodes", "node1", "openelb-speaker=true");

        Assert.Equal("patch:nodes", Assert.Single(state["deniedPermissionsByUser"]!["alice"]!.AsArray())!.GetValue<string>());
        Assert.NotEqual(0, asAlice.ExitCode);
        Assert.Contains("Forbidden", asAlice.StdErr, StringComparison.Ordinal);
        Assert.Contains("User \"alice\" cannot patch resource \"nodes\"", asAlice.StdErr, StringComparison.Ordinal);
        Assert.Null(Label(simulator, "node1", "openelb-speaker"));
        // Another user, and the simulator's own identity, are not affected.
        (await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "bob", "label", "nodes", "node2", "openelb-speaker=true")).EnsureSuccess();
        (await Kubectl.RunAsync(simulator.KubeconfigPath, "label", "nodes", "node1", "openelb-speaker=true")).EnsureSuccess();
        Assert.Equal("true", Label(simulator, "node1", "openelb-speaker"));
        var refused = Assert.Single(await ImpersonationRequestRecord.WritesToAsync(admin, "/api/v1/nodes/node1"), w => w.ImpersonatedUser == "alice");
        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public async Task CanI_AsDeniedUser_NoWhileOwnIdentityYes()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        await admin.PostAsync("deny-user/alice/patch:nodes");
        var asAlice = await Kubectl.RunAsync(simulator.KubeconfigPath, "auth", "can-i", "patch", "nodes", "--as", "alice");
        var asAliceDaemonSets = await Kubectl.RunAsync(simulator.KubeconfigPath, "auth", "can-i", "patch", "daemonsets.apps", "-n", "openelb-system", "--as", "alice");
        var own = await Kubectl.RunAsync(simulator.KubeconfigPath, "auth", "can-i", "patch", "nodes");

        Assert.Equal(1, asAlice.ExitCode);
        Assert.StartsWith("no", asAlice.StdOut, StringComparison.Ordinal);
        Assert.Equal("yes", asAliceDaemonSets.EnsureSuccess().StdOut.Trim());
        Assert.Equal("yes", own.EnsureSuccess().StdOut.Trim());
    }

    [Fact]
    public async Task DenyUser_Removed_AliceMayPatchAgain()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        await admin.PostAsync("deny-user/alice/patch:nodes");

        var state = await admin.DeleteAsync("deny-user/alice/patch:nodes");

        Assert.Empty(state["deniedPermissionsByUser"]!.AsObject());
        Assert.Equal("yes", (await Kubectl.RunAsync(simulator.KubeconfigPath, "auth", "can-i", "patch", "nodes", "--as", "alice")).EnsureSuccess().StdOut.Trim());
    }

    [Fact]
    public async Task KubectlAs_ImpersonateUsersDenied_ForbiddenNamingImpersonation()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        await WarmDiscoveryAsync(simulator);
        await admin.PostAsync("deny/impersonate:users");
        var asAlice = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "label", "nodes", "node1", "openelb-speaker=true");
        var own = await Kubectl.RunAsync(simulator.KubeconfigPath, "label", "nodes", "node2", "openelb-speaker=true");

        Assert.NotEqual(0, asAlice.ExitCode);
        Assert.Contains("users \"alice\" is forbidden: User \"openelb-simulator\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", asAlice.StdErr, StringComparison.Ordinal);
        Assert.Null(Label(simulator, "node1", "openelb-speaker"));
        own.EnsureSuccess();
    }

    [Fact]
    public async Task KubectlAs_ImpersonateGroupsDenied_UserAloneStillWorks()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        await WarmDiscoveryAsync(simulator);
        await admin.PostAsync("deny/impersonate:groups");
        var withGroup = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "--as-group", "ops", "label", "nodes", "node1", "openelb-speaker=true");
        var userOnly = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "label", "nodes", "node2", "openelb-speaker=true");

        Assert.NotEqual(0, withGroup.ExitCode);
        Assert.Contains("groups \"ops\" is forbidden: User \"openelb-simulator\" cannot impersonate resource \"groups\"", withGroup.StdErr, StringComparison.Ordinal);
        Assert.Null(Label(simulator, "node1", "openelb-speaker"));
        userOnly.EnsureSuccess();
        Assert.Equal("true", Label(simulator, "node2", "openelb-speaker"));
    }

    [Fact]
    public async Task ImpersonateServiceAccountDenied_ForbiddenInItsNamespace()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        await WarmDiscoveryAsync(simulator);
        await admin.PostAsync("deny/impersonate:serviceaccounts");
        var asAccount = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "system:serviceaccount:openelb-system:deployer", "get", "nodes", "-o", "name");
        var asUser = await Kubectl.RunAsync(simulator.KubeconfigPath, "--as", "alice", "get", "nodes", "-o", "name");

        Assert.NotEqual(0, asAccount.ExitCode);
        Assert.Contains("serviceaccounts \"deployer\" is forbidden: User \"openelb-simulator\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"openelb-system\"", asAccount.StdErr, StringComparison.Ordinal);
        Assert.Contains("node/node1", asUser.EnsureSuccess().StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawRequest_CommaSeparatedGroupLine_IsOneGroupLikeTheApiServer()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var request = MergePatch("/api/v1/nodes/node3", """{"metadata":{"labels":{"raw":"yes"}}}""");
        request.Headers.Add("Impersonate-User", "alice");
        // HttpClient joins repeated values into one line, "ops, admins": the API server reads that as one group.
        request.Headers.Add("Impersonate-Group", ["ops", "admins"]);

        using var response = await admin.Http.SendAsync(request, Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var write = Assert.Single(await ImpersonationRequestRecord.WritesToAsync(admin, "/api/v1/nodes/node3"));
        Assert.Equal(["ops, admins"], write.ImpersonatedGroups);
    }

    [Fact]
    public async Task RawRequest_GroupWithoutUser_InternalErrorAndNothingChanged()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        using var request = MergePatch("/api/v1/nodes/node3", """{"metadata":{"labels":{"raw":"yes"}}}""");
        request.Headers.Add("Impersonate-Group", "ops");

        using var response = await admin.Http.SendAsync(request, Ct).WaitAsync(TestTimeouts.Default, Ct);

        // The API server answers 500 for groups without a user.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct).WaitAsync(TestTimeouts.Default, Ct))!;
        Assert.Contains("without impersonating a user", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(Label(simulator, "node3", "raw"));
        var write = Assert.Single(await ImpersonationRequestRecord.WritesToAsync(admin, "/api/v1/nodes/node3"));
        Assert.Null(write.AuthorizedAs);
        Assert.Equal(500, write.Status);
    }

    [Fact]
    public async Task RequestRecord_MoreWritesThanCapacity_KeepsTheLastOnesAndSkipsReads()
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);
        const int Writes = 205;

        for (var i = 0; i < Writes; i++)
        {
            using var request = MergePatch($"/api/v1/nodes/node4?dryRun=All&n={i}", """{"metadata":{"labels":{"n":"x"}}}""");
            using var response = await admin.Http.SendAsync(request, Ct).WaitAsync(TestTimeouts.Default, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        (await Kubectl.RunAsync(simulator.KubeconfigPath, "get", "nodes", "-o", "name")).EnsureSuccess();
        var (capacity, items) = await ImpersonationRequestRecord.ReadAsync(admin);

        Assert.Equal(200, capacity);
        Assert.Equal(capacity, items.Count);
        Assert.All(items, static w => Assert.Equal("PATCH", w.Method));
        Assert.EndsWith($"&n={Writes - capacity}", items[0].Path, StringComparison.Ordinal);
        Assert.EndsWith($"&n={Writes - 1}", items[^1].Path, StringComparison.Ordinal);
        Assert.All(items, static w => Assert.Equal("openelb-simulator", w.AuthorizedAs));

        await ImpersonationRequestRecord.ClearAsync(admin);
        Assert.Empty((await ImpersonationRequestRecord.ReadAsync(admin)).Items);
    }

    [Theory]
    [InlineData("deny-user/alice/patch")]
    [InlineData("deny-user/alice/:nodes")]
    public async Task DenyUser_BadPermission_BadRequest(string command)
    {
        await using var simulator = await StartAsync();
        using var admin = AdminClient.For(simulator.Host);

        using var response = await admin.Http.PostAsync("/admin/faults/" + command, null, Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await admin.StateAsync())["deniedPermissionsByUser"]!.AsObject());
    }

    private static HttpRequestMessage MergePatch(string path, string body) => new(HttpMethod.Patch, path)
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/merge-patch+json")),
    };
}
