using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenElb.Dashboard.Components;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.WebApp;

/// <summary>
/// The real dashboard (its own Program and composition root) on the test server, with settings given as configuration
/// and the audit log in a temp directory. Dispose it to stop the app, its simulator and its feed.
/// </summary>
internal sealed class DashboardFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<App>
{
    public string Directory { get; } = CreateDirectory();

    /// <summary>Demo mode on the given scenario.</summary>
    public static DashboardFactory Demo(string scenario = "demo") =>
        new(new Dictionary<string, string?> { ["Cluster:Mode"] = "Demo", ["Demo:Scenario"] = scenario });

    /// <summary>Demo mode whose audit store cannot be created: a file stands where its directory should be.</summary>
    public static DashboardFactory DemoWithAuditUnavailable()
    {
        var settings = new Dictionary<string, string?> { ["Cluster:Mode"] = "Demo" };
        var app = new DashboardFactory(settings);
        var blocker = Path.Combine(app.Directory, "not-a-directory");
        File.WriteAllText(blocker, "a file where the audit directory should be");
        settings["Audit:DatabasePath"] = Path.Combine(blocker, "audit.db");
        return app;
    }

    /// <summary>
    /// Writes a kubeconfig for a port where nothing listens into <paramref name="directory"/> and returns its path: a feed
    /// on it keeps retrying and never syncs.
    /// </summary>
    public static string WriteUnreachableKubeconfig(string directory)
    {
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: nowhere
              cluster: { server: "https://127.0.0.1:9", insecure-skip-tls-verify: true }
            users:
            - name: someone
              user: { token: not-a-real-token }
            contexts:
            - name: nowhere
              context: { cluster: nowhere, user: someone }
            current-context: nowhere
            """);
        return kubeconfig;
    }

    public ClusterHost Cluster => Services.GetRequiredService<ClusterHost>();

    private bool _kestrel;

    /// <summary>A logger provider that receives the app's logs (none are kept otherwise).</summary>
    public ILoggerProvider? LogCapture { get; init; }

    /// <summary>Starts the app on real Kestrel at 127.0.0.1, port 0, and returns its address.</summary>
    public Uri StartKestrel()
    {
        _kestrel = true;
        UseKestrel(static options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>
    /// A service scope acting for the user Local mode signs in (the OS user; an admin unless Authorization:Admins lists
    /// others), or for <paramref name="user"/>: what a circuit or an API request would be.
    /// </summary>
    public IServiceScope CreateUserScope(System.Security.Claims.ClaimsPrincipal? user = null)
    {
        var scope = Services.CreateScope();
        var authorization = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenElb.Dashboard.Configuration.ChangeAuthorizationOptions>>().Value;
        scope.ServiceProvider.GetRequiredService<OpenElb.Dashboard.Auth.CurrentUser>().Set(user ?? OpenElb.Dashboard.Auth.DashboardPrincipal.Local(authorization));
        return scope;
    }

    // One in-process host at a time: see InProcessHosts (a demo-mode simulator or a test's simulator built while another
    // factory resolved its host was taken for that factory's dashboard).
    protected override IHost CreateHost(IHostBuilder builder) => InProcessHosts.Build(() => base.CreateHost(builder));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // Quiet test output: the tests assert on pages and state, not on logs.
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            if (LogCapture is not null)
            {
                logging.AddProvider(LogCapture);
            }
        });
        builder.UseSetting("Audit:DatabasePath", Path.Combine(Directory, "audit.db"));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// Waits until the app's feed has completed its initial list and (unless <paramref name="audit"/> is false) the
    /// audit store has finished opening, which it does in the background of start-up.
    /// </summary>
    public async Task WaitForSyncAsync(bool audit = true)
    {
        if (!_kestrel)
        {
            _ = Server; // starts the host
        }
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var feed = Services.GetRequiredService<IClusterState>();
        Assert.True(await feed.WaitForSyncAsync(timeout.Token), "the app's feed did not sync");
        // Pages, the APIs and the executor plan on the shared live view, which follows the feed a moment later.
        var views = Services.GetRequiredService<OpenElb.Dashboard.Model.LiveViewService>();
        while (views.Current.Snapshot.Version < feed.Current.Version || !views.Current.Health.IsSynced)
        {
            await Task.Delay(20, timeout.Token);
        }
        if (audit)
        {
            await WaitForAuditAsync();
        }
    }

    /// <summary>Waits until the audit store has finished opening (successfully or not).</summary>
    public async Task WaitForAuditAsync()
    {
        if (!_kestrel)
        {
            _ = Server; // starts the host
        }
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await Services.GetRequiredService<AuditStatus>().WaitUntilInitializedAsync(timeout.Token);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string CreateDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "openelb-app-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
