using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using OpenElb.Dashboard.Simulator.Hosting;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// Plain HTTPS to a simulator, trusting only its certificate and sending its bearer token: for <c>/admin/faults</c>
/// and for raw API requests whose wire form matters. Every call has <see cref="TestTimeouts.Default"/>.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(Uri baseAddress, string token, X509Certificate2 certificate)
    {
        var trusted = certificate.RawData;
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(trusted) },
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TestTimeouts.Default };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static AdminClient For(SimulatorHost host) => new(host.BaseAddress, host.Token, host.Certificate);

    /// <summary>From a kubeconfig, as for a simulator started by the CLI.</summary>
    public static AdminClient FromKubeconfig(string path)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        return new AdminClient(new Uri(config.Host), config.AccessToken, config.SslCaCerts[0]);
    }

    public HttpClient Http => _http;

    /// <summary>POSTs an admin command (path relative to <c>/admin/faults/</c>) and returns the fault state it answers.</summary>
    public Task<JsonObject> PostAsync(string command) => SendAsync(HttpMethod.Post, command);

    public Task<JsonObject> DeleteAsync(string command) => SendAsync(HttpMethod.Delete, command);

    public Task<JsonObject> StateAsync() => SendAsync(HttpMethod.Get, "");

    private async Task<JsonObject> SendAsync(HttpMethod method, string command)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(method, "/admin/faults/" + command);
        using var response = await _http.SendAsync(request, ct).WaitAsync(TestTimeouts.Default, ct);
        var body = await response.Content.ReadAsStringAsync(ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {command}: {(int)response.StatusCode} {body}");
        return (JsonObject)JsonNode.Parse(body)!;
    }

    public void Dispose() => _http.Dispose();
}
