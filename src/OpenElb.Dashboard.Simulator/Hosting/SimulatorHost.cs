using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenElb.Dashboard.Simulator.Api;
using OpenElb.Dashboard.Simulator.Faults;
using OpenElb.Dashboard.Simulator.Scenarios;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Hosting;

/// <summary>
/// A running simulator: a Kubernetes-compatible API server on 127.0.0.1 backed by an <see cref="ObjectStore"/> loaded
/// from a scenario. Used in-process by tests and by the dashboard's demo mode, and by the CLI.
/// The host serves until disposed; dispose it to close every watch and free the port.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private SimulatorHost(WebApplication app, X509Certificate2 certificate, ObjectStore store, Scenario scenario, string token, Uri baseAddress)
    {
        Faults = app.Services.GetRequiredService<FaultState>();
        _app = app;
        _certificate = certificate;
        Store = store;
        Scenario = scenario;
        Token = token;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's address, <c>https://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bearer token every request must carry.</summary>
    public string Token { get; }

    /// <summary>The ground truth. Writes through the store are seen by watches like API writes.</summary>
    public ObjectStore Store { get; }

    /// <summary>The injected faults; tests may set them directly (then call <see cref="FaultState.NotifyChanged"/>).</summary>
    public FaultState Faults { get; }

    public Scenario Scenario { get; }

    /// <summary>
    /// Loads the scenario, then starts serving. Throws <see cref="ScenarioException"/> for a malformed scenario,
    /// before anything listens.
    /// </summary>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenario = ScenarioLoader.Load(options.Scenario);
        var store = new ObjectStore(options.HistoryCapacity, options.TimeProvider);
        ScenarioLoader.Apply(scenario, store);
        var token = options.Token ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            Args = [],
        });
        builder.Logging.ClearProviders();
        var certificate = SelfSignedCertificate.Create();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate)));
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<FaultState>();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton<WatchStreamer>();
        builder.Services.AddSingleton<ResourceHandler>();
        builder.Services.AddHostedService<Controllers.DaemonSetController>();
        builder.Services.AddHostedService<Controllers.BgpStatusSimulator>();

        var app = builder.Build();
        app.MapKubernetesApi(token);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new SimulatorHost(app, certificate, store, scenario, token, new Uri($"https://127.0.0.1:{port}/"));
    }

    /// <summary>Writes a kubeconfig for this simulator (cluster, user with the bearer token, current context).</summary>
    public void WriteKubeconfig(string path) => Kubeconfig.Write(path, BaseAddress, Token, CertificateAuthorityData);

    /// <summary>The serving certificate as base64 PEM (a kubeconfig's <c>certificate-authority-data</c>).</summary>
    public string CertificateAuthorityData => SelfSignedCertificate.ToBase64Pem(_certificate);

    /// <summary>The serving certificate, for clients that trust it explicitly.</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <summary>Renders the kubeconfig text without writing a file.</summary>
    public string RenderKubeconfig() => Kubeconfig.Render(BaseAddress, Token, CertificateAuthorityData);

    public async ValueTask DisposeAsync()
    {
        // Close the watch streams first: Kestrel's graceful shutdown would otherwise wait for them to time out.
        Store.CloseAllWatches();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
