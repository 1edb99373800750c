using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>
/// The Changes API over HTTP against the demo cluster: previews carry the plan, applies change exactly what was
/// previewed (checked with kubectl, an independent client) and are audited under the returned correlation id.
/// </summary>
public sealed class ChangesApiTests
{
    private const string SpeakerLabel = "openelb-speaker";
    private const string LabelC2 = """{"kind":"setNodeLabels","nodes":["worker-c2"],"set":{"openelb-speaker":"true"},"remove":[]}""";

    [Fact]
    public async Task Preview_SetNodeLabels_PlanWithGainingNodeRouterSessionsPatchAndDryRun()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, client) = await ConnectAsync(app);

        var (status, body, _) = await PostAsync(client, ChangesApi.PreviewPath, LabelC2);

        Assert.Equal(HttpStatusCode.OK, status);
        var root = body.RootElement;
        var node = Single(root.GetProperty("nodes"), "name", "worker-c2");
        Assert.False(node.GetProperty("speakerBefore").GetBoolean());
        Assert.True(node.GetProperty("speakerAfter").GetBoolean());
        Assert.Equal("Gains", node.GetProperty("outcome").GetString());
        Assert.Equal("The speaker placement allows a speaker on this node.", node.GetProperty("reason").GetString());
        var unchanged = Single(root.GetProperty("nodes"), "name", "worker-a1");
        Assert.Equal("Keeps", unchanged.GetProperty("outcome").GetString());
        var leafC = Single(root.GetProperty("routers"), "name", "leaf-c");
        Assert.Equal(1, leafC.GetProperty("sessionsBefore").GetInt32());
        Assert.Equal(2, leafC.GetProperty("sessionsAfter").GetInt32());
        Assert.Equal(["worker-c1"], Strings(leafC.GetProperty("speakersBefore")));
        Assert.Equal(["worker-c1", "worker-c2"], Strings(leafC.GetProperty("speakersAfter")));
        Assert.False(root.GetProperty("dropsBelowTwo").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("confirmationWord").ValueKind);
        Assert.False(root.GetProperty("restartsAllSpeakers").GetBoolean());
        Assert.Contains(root.GetProperty("findingsCleared").EnumerateArray(), static f => f.GetProperty("router").GetString() == "leaf-c");
        Assert.Equal(JsonValueKind.Array, root.GetProperty("findingsAdded").ValueKind);
        var patch = Assert.Single(root.GetProperty("patches").EnumerateArray());
        Assert.Equal("Node", patch.GetProperty("target").GetProperty("kind").GetString());
        Assert.Equal("worker-c2", patch.GetProperty("target").GetProperty("name").GetString());
        Assert.Equal("MergePatch", patch.GetProperty("kind").GetString());
        var metadata = patch.GetProperty("body").GetProperty("metadata");
        Assert.Equal("true", metadata.GetProperty("labels").GetProperty(SpeakerLabel).GetString());
        Assert.Equal(patch.GetProperty("resourceVersion").GetString(), metadata.GetProperty("resourceVersion").GetString());
        var field = Assert.Single(patch.GetProperty("fields").EnumerateArray());
        Assert.Equal($"metadata.labels[{SpeakerLabel}]", field.GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Null, field.GetProperty("before").ValueKind);
        Assert.Equal("true", field.GetProperty("after").GetString());
        var dryRun = patch.GetProperty("dryRun");
        Assert.Equal("Succeeded", dryRun.GetProperty("outcome").GetString());
        Assert.Equal(200, dryRun.GetProperty("status").GetInt32());
        Assert.True(root.GetProperty("dryRunAccepted").GetBoolean());
        // A preview writes nothing: kubectl still sees no label, and the audit log has no entry.
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
        Assert.Empty(await ChangeEntriesAsync(app));
    }

    [Fact]
    public async Task Preview_SetNodeTaints_WholeTaintListPatchGuardedAndDryRun()
    {
        await using var app = DashboardFactory.Demo();
        var (_, client) = await ConnectAsync(app);

        var (status, body, _) = await PostAsync(client, ChangesApi.PreviewPath,
            """{"kind":"setNodeTaints","nodes":["worker-c1"],"add":[{"key":"dedicated","value":"lb","effect":"NoSchedule"}],"remove":[{"key":"other","effect":"NoExecute"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = body.RootElement;
        // NoSchedule keeps a running speaker.
        var node = Single(root.GetProperty("nodes"), "name", "worker-c1");
        Assert.True(node.GetProperty("speakerBefore").GetBoolean());
        Assert.True(node.GetProperty("speakerAfter").GetBoolean());
        Assert.False(root.GetProperty("dropsBelowTwo").GetBoolean());
        var patch = Assert.Single(root.GetProperty("patches").EnumerateArray());
        Assert.Equal("worker-c1", patch.GetProperty("target").GetProperty("name").GetString());
        var taint = Assert.Single(patch.GetProperty("body").GetProperty("spec").GetProperty("taints").EnumerateArray());
        Assert.Equal(("dedicated", "lb", "NoSchedule"), (taint.GetProperty("key").GetString(), taint.GetProperty("value").GetString(), taint.GetProperty("effect").GetString()));
        Assert.NotNull(patch.GetProperty("resourceVersion").GetString());
        var field = Assert.Single(patch.GetProperty("fields").EnumerateArray());
        Assert.Equal(("spec.taints", "dedicated=lb:NoSchedule"), (field.GetProperty("path").GetString(), field.GetProperty("after").GetString()));
        Assert.Equal("Succeeded", patch.GetProperty("dryRun").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Preview_SetSpeakerPlacement_LeftOutPartsStayNullClearsAndAffinityIsRead()
    {
        await using var app = DashboardFactory.Demo();
        var (_, client) = await ConnectAsync(app);

        var (clearStatus, clear, _) = await PostAsync(client, ChangesApi.PreviewPath, """{"kind":"setSpeakerPlacement","tolerations":null}""");
        var (affinityStatus, affinity, _) = await PostAsync(client, ChangesApi.PreviewPath, """
            {"kind":"setSpeakerPlacement",
             "affinity":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"openelb.kubesphere.io/rack","operator":"In","values":["rack-a"]}]}]},
             "tolerations":[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"},
                            {"key":"dedicated","operator":"Equal","value":"lb","effect":"NoExecute","tolerationSeconds":120}]}
            """);

        Assert.Equal(HttpStatusCode.OK, clearStatus);
        var clearPatch = Assert.Single(clear.RootElement.GetProperty("patches").EnumerateArray());
        Assert.Equal(("DaemonSet", "openelb-system", "openelb-speaker"), Target(clearPatch));
        // Only the tolerations change: the nodeSelector was left out, so it stays.
        var field = Assert.Single(clearPatch.GetProperty("fields").EnumerateArray());
        Assert.Equal("spec.template.spec.tolerations", field.GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Null, field.GetProperty("after").ValueKind);
        Assert.False(clearPatch.GetProperty("body").GetProperty("spec").GetProperty("template").GetProperty("spec").TryGetProperty("nodeSelector", out _));
        Assert.True(clear.RootElement.GetProperty("restartsAllSpeakers").GetBoolean());
        Assert.Contains(clear.RootElement.GetProperty("warnings").EnumerateArray(), static w => w.GetString()!.StartsWith("Removes the toleration node-role.kubernetes.io/master", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, affinityStatus);
        var root = affinity.RootElement;
        var patch = Assert.Single(root.GetProperty("patches").EnumerateArray());
        Assert.Equal(
            ["spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution", "spec.template.spec.tolerations"],
            patch.GetProperty("fields").EnumerateArray().Select(static f => f.GetProperty("path").GetString()));
        Assert.Equal("(openelb.kubesphere.io/rack In (rack-a))", patch.GetProperty("fields")[0].GetProperty("after").GetString());
        Assert.Equal("node-role.kubernetes.io/control-plane Exists:NoSchedule; dedicated=lb:NoExecute for 120s", patch.GetProperty("fields")[1].GetProperty("after").GetString());
        // Rack b and c lose their speakers: leaf-b and leaf-c drop to no session.
        Assert.Equal(["worker-b1", "worker-b2", "worker-c1"],
            root.GetProperty("nodes").EnumerateArray().Where(static n => n.GetProperty("outcome").GetString() == "Loses").Select(static n => n.GetProperty("name").GetString()));
        Assert.Equal(0, Single(root.GetProperty("routers"), "name", "leaf-b").GetProperty("sessionsAfter").GetInt32());
        Assert.True(root.GetProperty("dropsBelowTwo").GetBoolean());
        Assert.Equal(ChangesApi.ConfirmationWord, root.GetProperty("confirmationWord").GetString());
        Assert.NotEmpty(root.GetProperty("findingsAdded").EnumerateArray());
        Assert.Equal("Succeeded", patch.GetProperty("dryRun").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Preview_RestartSpeakersAndComposite_PodDeletesAndStepsInOrder()
    {
        await using var app = DashboardFactory.Demo();
        var (_, client) = await ConnectAsync(app);

        var (restartStatus, restart, _) = await PostAsync(client, ChangesApi.PreviewPath, """{"kind":"restartSpeakers","nodes":["worker-a1"]}""");
        var (compositeStatus, composite, _) = await PostAsync(client, ChangesApi.PreviewPath, """
            {"kind":"composite","title":"Speaker on c2, then restart a1","steps":[
              {"kind":"setNodeLabels","nodes":["worker-c2"],"set":{"openelb-speaker":"true"}},
              {"kind":"restartSpeakers","nodes":["worker-a1"]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, restartStatus);
        var delete = Assert.Single(restart.RootElement.GetProperty("patches").EnumerateArray());
        Assert.Equal("Delete", delete.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("body").ValueKind);
        Assert.Equal("Pod", delete.GetProperty("target").GetProperty("kind").GetString());
        Assert.Equal("openelb-system", delete.GetProperty("target").GetProperty("namespace").GetString());
        Assert.Equal("Succeeded", delete.GetProperty("dryRun").GetProperty("outcome").GetString());
        Assert.True(Single(restart.RootElement.GetProperty("nodes"), "name", "worker-a1").GetProperty("restarted").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, compositeStatus);
        Assert.Equal("Speaker on c2, then restart a1", composite.RootElement.GetProperty("description").GetString());
        Assert.Equal([(0, "Node", "worker-c2"), (1, "Pod", delete.GetProperty("target").GetProperty("name").GetString())],
            composite.RootElement.GetProperty("patches").EnumerateArray().Select(static p =>
                (p.GetProperty("step").GetInt32(), p.GetProperty("target").GetProperty("kind").GetString(), p.GetProperty("target").GetProperty("name").GetString())));
    }

    [Fact]
    public async Task Apply_LabelsTaintsAndPlacement_ClusterChangedAsPreviewedAndAuditedUnderTheCorrelationId()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, client) = await ConnectAsync(app);
        var log = app.Services.GetRequiredService<SqliteAuditLog>();
        var ct = TestContext.Current.CancellationToken;
        const string Taint = """{"kind":"setNodeTaints","nodes":["worker-c4"],"add":[{"key":"dedicated","value":"lb","effect":"NoSchedule"}]}""";
        const string Placement = """{"kind":"setSpeakerPlacement","tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}""";

        foreach (var (request, action) in new[] { (LabelC2, AuditAction.LabelNodes), (Taint, AuditAction.TaintNodes), (Placement, AuditAction.SetSpeakerPlacement) })
        {
            var (_, preview, _) = await PostAsync(client, ChangesApi.PreviewPath, request);
            var previewed = Assert.Single(preview.RootElement.GetProperty("patches").EnumerateArray());

            var (status, applied, _) = await PostAsync(client, ChangesApi.ApplyPath, request);

            if (status != HttpStatusCode.OK)
            {
                // Seen once as 409 on a loaded machine: the answer's message says which guard refused.
                Assert.Fail($"{action}: {(int)status} {applied.RootElement.GetRawText()}");
            }
            Assert.Equal("Succeeded", applied.RootElement.GetProperty("status").GetString());
            var correlation = applied.RootElement.GetProperty("correlationId").GetGuid();
            var step = Assert.Single(applied.RootElement.GetProperty("steps").EnumerateArray());
            Assert.Equal(("Succeeded", 200), (step.GetProperty("outcome").GetString(), step.GetProperty("status").GetInt32()));
            var entry = Assert.Single(await log.GetStepsAsync(correlation, ct).WaitAsync(TestTimeouts.Default, ct));
            Assert.Equal(step.GetProperty("auditEntryId").GetInt64(), entry.Id);
            Assert.Equal(action, entry.Action);
            Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
            Assert.Equal(Environment.UserName, entry.ActorUserName);
            // The body sent is the body previewed, guard included.
            Assert.Equal(previewed.GetProperty("body").GetRawText(), entry.RequestBody);
            Assert.Contains("Succeeded", entry.DryRunResult, StringComparison.Ordinal);
            await WaitForAsync(app, previewed);
        }

        Assert.Equal("true", await LabelAsync(kubeconfig, "worker-c2"));
        Assert.Equal("""[{"effect":"NoSchedule","key":"dedicated","value":"lb"}]""", await JsonPathAsync(kubeconfig, "node", "worker-c4", "{.spec.taints}"));
        Assert.Equal("""[{"effect":"NoSchedule","key":"dedicated","operator":"Exists"}]""", await JsonPathAsync(kubeconfig, "daemonset", "openelb-speaker", "{.spec.template.spec.tolerations}"));
        // Left out of the placement body, so untouched.
        Assert.Equal("""{"kubernetes.io/os":"linux","openelb-speaker":"true"}""", await JsonPathAsync(kubeconfig, "daemonset", "openelb-speaker", "{.spec.template.spec.nodeSelector}"));
        Assert.True((await log.VerifyChainAsync(ct).WaitAsync(TestTimeouts.Default, ct)).IsValid);
    }

    [Fact]
    public async Task Apply_DropsBelowTwoWithoutConfirm_409WithPlanAndNothingWritten_AppliedWithReduce()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, client) = await ConnectAsync(app);
        const string Remove = """{"kind":"setNodeLabels","nodes":["worker-a1"],"remove":["openelb-speaker"]}""";

        var (refusedStatus, refused, _) = await PostAsync(client, ChangesApi.ApplyPath, Remove);
        var (wrongStatus, _, _) = await PostAsync(client, ChangesApi.ApplyPath, Remove.Replace("}", ""","confirm":"degrade"}""", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Conflict, refusedStatus);
        Assert.Equal("ConfirmationRequired", refused.RootElement.GetProperty("reason").GetString());
        Assert.Equal("Status", refused.RootElement.GetProperty("kind").GetString());
        var plan = refused.RootElement.GetProperty("preview");
        Assert.True(plan.GetProperty("dropsBelowTwo").GetBoolean());
        var leafA = Single(plan.GetProperty("routers"), "name", "leaf-a");
        Assert.Equal((2, 1), (leafA.GetProperty("sessionsBefore").GetInt32(), leafA.GetProperty("sessionsAfter").GetInt32()));
        Assert.Equal(HttpStatusCode.Conflict, wrongStatus);
        Assert.Equal("true", await LabelAsync(kubeconfig, "worker-a1"));
        Assert.Empty(await ChangeEntriesAsync(app));

        var (status, applied, _) = await PostAsync(client, ChangesApi.ApplyPath, Remove.Replace("}", ""","confirm":"REDUCE"}""", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-a1"));
        var entry = Assert.Single(await ChangeEntriesAsync(app));
        Assert.Equal(applied.RootElement.GetProperty("correlationId").GetGuid(), entry.CorrelationId);
    }

    [Fact]
    public async Task Apply_SameIdempotencyKeyTwice_AppliedOnceAndReplayed_DifferentBody422()
    {
        await using var app = DashboardFactory.Demo();
        var (kubeconfig, client) = await ConnectAsync(app);
        var key = Guid.NewGuid().ToString();

        var (firstStatus, first, firstHeaders) = await PostAsync(client, ChangesApi.ApplyPath, LabelC2, key);
        // Formatted differently, same change: the same body.
        var (secondStatus, second, secondHeaders) = await PostAsync(client, ChangesApi.ApplyPath, LabelC2.Replace(",", ", ", StringComparison.Ordinal), key);
        var (otherStatus, other, _) = await PostAsync(client, ChangesApi.ApplyPath, LabelC2.Replace("worker-c2", "worker-c3", StringComparison.Ordinal), key);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.False(firstHeaders.Contains(ChangesApi.ReplayedHeader));
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal("true", Assert.Single(secondHeaders.GetValues(ChangesApi.ReplayedHeader)));
        Assert.Equal(first.RootElement.GetRawText(), second.RootElement.GetRawText());
        var entry = Assert.Single(await ChangeEntriesAsync(app));
        Assert.Equal(first.RootElement.GetProperty("correlationId").GetGuid(), entry.CorrelationId);
        Assert.Equal((HttpStatusCode)422, otherStatus);
        Assert.Equal("IdempotencyKeyReused", other.RootElement.GetProperty("reason").GetString());
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c3"));
        Assert.Single(await ChangeEntriesAsync(app));
    }

    // Each case: body, the field of the first cause, the start of its message.
    public static TheoryData<string, string, string> InvalidBodies { get; } = new()
    {
        { "not json", "", "the body is not valid JSON" },
        { """{"kind":"nope"}""", "kind", "unknown kind 'nope'" },
        { """{"nodes":["worker-a1"]}""", "kind", "required" },
        { """{"kind":"setNodeLabels","nodes":"worker-a1","set":{"a":"b"}}""", "nodes", "must be an array, not a string" },
        { """{"kind":"setNodeLabels","nodes":["worker-a1"],"set":{"a":1}}""", "set[a]", "must be a string, not a number" },
        { """{"kind":"setNodeLabels","nodes":["worker-a1"],"set":{"a":"b"},"labels":{}}""", "labels", "unknown field 'labels'" },
        { """{"kind":"setNodeLabels","nodes":["worker-a1"],"set":{"bad key!":"x"}}""", "set[bad key!]", "key 'bad key!': the name part 'bad key!' must consist of" },
        { """{"kind":"setNodeTaints","nodes":["worker-c4"],"add":[{"key":"k","effect":"Sometimes"}]}""", "add[0].effect", "effect 'Sometimes' is not one of NoSchedule, PreferNoSchedule, NoExecute" },
        { """{"kind":"setSpeakerPlacement","tolerations":[{"key":"","operator":"Equal"}]}""", "tolerations[0].operator", "an empty key requires operator Exists" },
        { """{"kind":"setSpeakerPlacement","tolerations":[{"key":"k","operator":"Maybe"}]}""", "tolerations[0].operator", "operator 'Maybe' is not one of Equal, Exists" },
        { """{"kind":"setSpeakerPlacement","affinity":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"a","operator":"In"}]}]}}""", "affinity.nodeSelectorTerms[0].matchExpressions[0].values", "operator In needs at least one value" },
        { """{"kind":"composite","steps":[{"kind":"setNodeLabels","nodes":["worker-a1"],"set":{"a":"b"}},{"kind":"restartSpeakers","nodes":["no-such-node"]}]}""", "steps[1].nodes[0]", "node 'no-such-node' does not exist" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task PreviewAndApply_InvalidBody_400WithKubernetesFieldErrorsAndNothingWritten(string request, string field, string message)
    {
        await using var app = DashboardFactory.Demo();
        var (_, client) = await ConnectAsync(app);

        foreach (var path in new[] { ChangesApi.PreviewPath, ChangesApi.ApplyPath })
        {
            var (status, body, _) = await PostAsync(client, path, request);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            var root = body.RootElement;
            Assert.Equal(("Status", "Failure", "Invalid", 400), (root.GetProperty("kind").GetString(), root.GetProperty("status").GetString(), root.GetProperty("reason").GetString(), root.GetProperty("code").GetInt32()));
            var cause = root.GetProperty("details").GetProperty("causes")[0];
            Assert.Equal(field, cause.GetProperty("field").GetString());
            Assert.StartsWith(message, cause.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Empty(await ChangeEntriesAsync(app));
    }

    [Fact]
    public async Task Apply_ReadOnlyInstance_403AndDeniedAuditEntry_PreviewStillAnswered()
    {
        await using var app = new DashboardFactory(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Demo",
            ["Demo:Scenario"] = "demo",
            ["Authorization:ReadOnly"] = "true",
        });
        var (kubeconfig, client) = await ConnectAsync(app);
        var ct = TestContext.Current.CancellationToken;

        var (previewStatus, _, _) = await PostAsync(client, ChangesApi.PreviewPath, LabelC2);
        var (status, body, _) = await PostAsync(client, ChangesApi.ApplyPath, LabelC2);

        Assert.Equal(HttpStatusCode.OK, previewStatus);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Forbidden", body.RootElement.GetProperty("reason").GetString());
        Assert.Contains("read-only", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
        var correlation = body.RootElement.GetProperty("correlationId").GetGuid();
        var entry = Assert.Single(await app.Services.GetRequiredService<SqliteAuditLog>().GetStepsAsync(correlation, ct).WaitAsync(TestTimeouts.Default, ct));
        Assert.Equal(AuditOutcome.Denied, entry.Outcome);
        Assert.Equal(AuditAction.LabelNodes, entry.Action);
    }

    [Fact]
    public async Task Apply_AuditStoreUnavailable_503AndNothingWritten()
    {
        await using var app = DashboardFactory.DemoWithAuditUnavailable();
        var (kubeconfig, client) = await ConnectAsync(app);

        var (status, body, _) = await PostAsync(client, ChangesApi.ApplyPath, LabelC2);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("ServiceUnavailable", body.RootElement.GetProperty("reason").GetString());
        Assert.Contains("audit log is unavailable", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("", await LabelAsync(kubeconfig, "worker-c2"));
    }

    [Fact]
    public async Task IdempotencyStore_Full_OldestFinishedKeyDroppedAndRunningKeysKept()
    {
        var time = new TestTimeProvider();
        var store = new IdempotencyStore(time, Options.Create(new ChangesApiOptions { IdempotencyKeys = 2 }));
        var answer = new StoredAnswer(200, [1]);
        store.Complete(store.Claim("a", "h"), answer);
        time.Advance(TimeSpan.FromMinutes(1));
        var b = store.Claim("b", "h");

        // b still runs: a request with b waits for it; a third key pushes out a (finished), a fourth finds no room.
        var waiting = store.Claim("b", "h");
        Assert.Equal(IdempotencyClaimKind.Existing, waiting.Kind);
        Assert.False(waiting.Answer!.IsCompleted);
        Assert.Equal(IdempotencyClaimKind.Claimed, store.Claim("c", "h").Kind);
        Assert.Equal(IdempotencyClaimKind.Full, store.Claim("d", "h").Kind);
        store.Complete(b, answer);

        Assert.Same(answer, await waiting.Answer.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Equal(IdempotencyClaimKind.Mismatch, store.Claim("b", "other").Kind);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void IdempotencyStore_RetentionPassed_KeyForgottenAndReleasedKeyReusable()
    {
        var time = new TestTimeProvider();
        var store = new IdempotencyStore(time, Options.Create(new ChangesApiOptions()));
        store.Complete(store.Claim("kept", "h"), new StoredAnswer(200, [1]));
        store.Complete(store.Claim("refused", "h"), null);

        time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyClaimKind.Existing, store.Claim("kept", "h").Kind);
        Assert.Equal(IdempotencyClaimKind.Claimed, store.Claim("refused", "other").Kind);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyClaimKind.Claimed, store.Claim("kept", "other").Kind);
    }

    private sealed class TestTimeProvider : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private static async Task<(string Kubeconfig, HttpClient Client)> ConnectAsync(DashboardFactory app)
    {
        await app.WaitForSyncAsync();
        var path = Path.Combine(app.Directory, "kubeconfig");
        app.Cluster.Simulator!.WriteKubeconfig(path);
        return (path, app.CreateClient());
    }

    private static async Task<(HttpStatusCode Status, JsonDocument Body, System.Net.Http.Headers.HttpResponseHeaders Headers)> PostAsync(
        HttpClient client, string path, string json, string? idempotencyKey = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add(ChangesApi.IdempotencyKeyHeader, idempotencyKey);
        }
        using var response = await client.SendAsync(request, ct).WaitAsync(TestTimeouts.Default, ct);
        var text = await response.Content.ReadAsStringAsync(ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return (response.StatusCode, JsonDocument.Parse(text), response.Headers);
    }

    // Entries of the dashboard's own changes (not observed drift or observed impact).
    private static async Task<IReadOnlyList<AuditEntry>> ChangeEntriesAsync(DashboardFactory app)
    {
        var ct = TestContext.Current.CancellationToken;
        var items = (await app.Services.GetRequiredService<SqliteAuditLog>().QueryAsync(new AuditQuery { PageSize = 100 }, ct).WaitAsync(TestTimeouts.Default, ct)).Items;
        return [.. items.Where(static e => e.Action is not (AuditAction.ObservedChange or AuditAction.ObservedImpact))];
    }

    // The next change is planned on the snapshot: wait until the watch shows the object written.
    private static async Task WaitForAsync(DashboardFactory app, JsonElement patch)
    {
        var views = app.Services.GetRequiredService<LiveViewService>();
        var before = patch.GetProperty("resourceVersion").GetString();
        var name = patch.GetProperty("target").GetProperty("name").GetString()!;
        var node = patch.GetProperty("target").GetProperty("kind").GetString() == "Node";
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while ((node ? views.Current.Snapshot.FindNode(name)?.ResourceVersion : views.Current.Snapshot.Speaker?.ResourceVersion) == before)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static JsonElement Single(JsonElement array, string property, string value) =>
        Assert.Single(array.EnumerateArray(), e => e.GetProperty(property).GetString() == value);

    private static string?[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(static e => e.GetString())];

    private static (string?, string?, string?) Target(JsonElement patch)
    {
        var target = patch.GetProperty("target");
        return (target.GetProperty("kind").GetString(), target.GetProperty("namespace").GetString(), target.GetProperty("name").GetString());
    }

    private static async Task<string> LabelAsync(string kubeconfig, string node) =>
        (await Kubectl.RunAsync(kubeconfig, "get", "node", node, "-o", $"jsonpath={{.metadata.labels.{SpeakerLabel}}}")).EnsureSuccess().StdOut.Trim();

    private static async Task<string> JsonPathAsync(string kubeconfig, string kind, string name, string path)
    {
        string[] args = kind == "daemonset"
            ? ["get", kind, name, "-n", "openelb-system", "-o", $"jsonpath={path}"]
            : ["get", kind, name, "-o", $"jsonpath={path}"];
        return (await Kubectl.RunAsync(kubeconfig, args)).EnsureSuccess().StdOut.Trim();
    }
}
