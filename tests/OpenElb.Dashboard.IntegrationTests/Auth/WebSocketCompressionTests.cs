using Microsoft.Extensions.DependencyInjection;
using System.Net.WebSockets;
using System.Text.Json;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>
/// Issue 9: the pages' WebSocket is not compressed unless <c>Dashboard:WebSocketCompression</c> says so (a deflate
/// state per open page cost ~1 MB of server memory at 5,000 nodes). Checked on real Kestrel with a client that offers
/// permessage-deflate: the server's handshake answer must not name the extension. There is no "true" case here: once an
/// app in a process has mapped its components with compression on, Blazor keeps offering it to every later app in the
/// same process (seen in this test: the "false" cases failed only after a "true" case had run), which a one-app process
/// never meets but a shared test process would.
/// </summary>
public sealed class WebSocketCompressionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task BlazorWebSocket_OfferedDeflate_NotAcceptedByDefault(string? setting)
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?> { ["Auth:Mode"] = "Anonymous" };
        if (setting is not null)
        {
            settings["Dashboard:WebSocketCompression"] = setting;
        }
        var (app, address) = KestrelApp.Start(settings);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address };
        Assert.False(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenElb.Dashboard.Configuration.DashboardOptions>>().Value.WebSocketCompression);

        using var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, ct);
        negotiate.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync(ct));
        var token = body.RootElement.GetProperty("connectionToken").GetString();

        using var socket = new ClientWebSocket();
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;
        var ws = new UriBuilder(address) { Scheme = "ws", Path = "/_blazor", Query = "id=" + Uri.EscapeDataString(token!) }.Uri;
        await socket.ConnectAsync(ws, ct);

        Assert.Equal(WebSocketState.Open, socket.State);
        var extensions = socket.HttpResponseHeaders?.TryGetValue("Sec-WebSocket-Extensions", out var values) == true
            ? string.Join(",", values)
            : "";
        Assert.False(extensions.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase), $"Sec-WebSocket-Extensions: \"{extensions}\"");
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
    }
}
