using System.Net;
using System.Net.Sockets;
using OpenElb.Dashboard.IntegrationTests.WebApp;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>The real dashboard on Kestrel (127.0.0.1, port 0) with settings; clients can choose their source address.</summary>
internal static class KestrelApp
{
    /// <summary>Starts a demo-mode dashboard with <paramref name="settings"/> on Kestrel and returns it with its address.</summary>
    public static (DashboardFactory App, Uri Address) Start(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings) { ["Cluster:Mode"] = "Demo" };
        var app = new DashboardFactory(all);
        return (app, app.StartKestrel());
    }

    /// <summary>
    /// A client whose connections come from <paramref name="source"/> (any 127.x.y.z is this machine's loopback on
    /// Linux), so a test can be a known proxy or a stranger to the same server.
    /// </summary>
    public static HttpClient Client(Uri address, IPAddress source) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = address };
}
