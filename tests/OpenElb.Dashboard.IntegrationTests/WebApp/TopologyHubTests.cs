using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.IntegrationTests.Simulator;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>The read-only topology hub, through the .NET SignalR client against the real app on the demo cluster.</summary>
public sealed class TopologyHubTests
{
    private static HubConnection Connect(DashboardFactory app) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, TopologyHub.Path.TrimStart('/')), options =>
            {
                // The test server has no sockets: long polling through its in-memory handler.
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
            })
            .Build();

    private static async Task<TopologyMessage> NextAsync(ChannelReader<TopologyMessage> messages, Func<TopologyMessage, bool> until)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var message = await messages.ReadAsync(timeout.Token);
            if (until(message))
            {
                return message;
            }
        }
    }

    [Fact]
    public async Task Connect_GetsTheSummaryAtOnceThenAChangeWhenASpeakerIsAdded()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        var ct = TestContext.Current.CancellationToken;
        var messages = Channel.CreateUnbounded<TopologyMessage>();
        await using var connection = Connect(app);
        connection.On<TopologyMessage>(TopologyHub.Method, m => messages.Writer.TryWrite(m));

        await connection.StartAsync(ct);

        var first = await NextAsync(messages.Reader, static _ => true);
        Assert.Equal(["leaf-a", "leaf-b", "leaf-c"], first.Routers.Select(static r => r.Name));
        var leafC = Assert.Single(first.Routers, static r => r.Name == "leaf-c");
        Assert.Equal(("degraded", 1, 1), (leafC.State, leafC.SessionsEstablished, leafC.SpeakersReady));
        Assert.Equal(app.Services.GetRequiredService<LiveViewService>().Current.Summary.RoutersDegraded, first.Summary.RoutersDegraded);

        // A second speaker under leaf-c, through the dashboard's own writer.
        using (var scope = app.CreateUserScope())
        {
            var executor = scope.ServiceProvider.GetRequiredService<ChangeExecutor>();
            var preview = await executor.PreviewAsync(Core.Changes.SetNodeLabels.Add("openelb-speaker", "true", "worker-c2"), ct);
            Assert.Equal(ApplyStatus.Succeeded, (await executor.ApplyAsync(preview, null, ct)).Status);
        }

        var after = await NextAsync(messages.Reader, static m => m.Routers.Single(r => r.Name == "leaf-c").SessionsEstablished == 2);
        Assert.Equal("ok", after.Routers.Single(static r => r.Name == "leaf-c").State);
        Assert.True(after.SnapshotVersion > first.SnapshotVersion);
    }

    [Fact]
    public async Task Hub_IsReadOnly_ClientCallsAreRefused()
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var connection = Connect(app);
        await connection.StartAsync(ct);

        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => connection.InvokeAsync("SendAsync", "x", ct));

        Assert.Contains("Method does not exist", error.Message, StringComparison.Ordinal);
    }
}
