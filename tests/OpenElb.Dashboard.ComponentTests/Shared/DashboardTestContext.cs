using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Testing;

namespace OpenElb.Dashboard.ComponentTests.Shared;

/// <summary>
/// bUnit context with MudBlazor, a <see cref="TestClusterState"/> behind the real <see cref="LiveViewService"/>, a
/// 10 s wait timeout and loose JS interop. Render interval 0 so every published snapshot renders.
/// </summary>
public class DashboardTestContext : BunitContext
{
    public DashboardTestContext()
    {
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Cluster = new TestClusterState();
        Services.AddMudServices(o =>
        {
            o.PopoverOptions.CheckForPopoverProvider = false;
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton<IClusterState>(Cluster);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(Options.Create(new DashboardOptions { RenderInterval = TimeSpan.Zero }));
        Services.AddSingleton<LiveViewService>();
        Services.AddLogging();
        Services.AddSingleton(new AuditStatus());
        Services.AddSingleton(new ClusterHost(
            Options.Create(new ClusterConnectionOptions()),
            Options.Create(new DemoOptions()),
            TimeProvider.System,
            NullLogger<ClusterHost>.Instance));
        // The local admin, as Local mode signs them in; tests of other roles call SignInAs.
        Authorization = AddAuthorization();
        SignInAs(Environment.UserName, DashboardRoles.Admin);
    }

    public TestClusterState Cluster { get; }

    /// <summary>bUnit's authentication and authorization double.</summary>
    public Bunit.TestDoubles.BunitAuthorizationContext Authorization { get; }

    /// <summary>
    /// Signs the test user in as <paramref name="user"/> with <paramref name="role"/> (an admin is also a viewer); the
    /// policies granted are the ones the role meets, as the app's policies decide them.
    /// </summary>
    public void SignInAs(string user, string role)
    {
        Authorization.SetAuthorized(user);
        string[] roles = role == DashboardRoles.Admin ? [DashboardRoles.Admin, DashboardRoles.Viewer] : [role];
        Authorization.SetRoles(roles);
        Authorization.SetClaims(new System.Security.Claims.Claim(DashboardClaims.AuthMethod, "local"));
        Authorization.SetPolicies(role switch
        {
            DashboardRoles.Admin => [DashboardPolicies.Admin, DashboardPolicies.Viewer, DashboardPolicies.Wall],
            DashboardRoles.Viewer => [DashboardPolicies.Viewer, DashboardPolicies.Wall],
            _ => [DashboardPolicies.Wall],
        });
    }

    /// <summary>Publishes <paramref name="snapshot"/> as the cluster's state.</summary>
    public void Publish(ClusterSnapshot snapshot) => Cluster.Publish(snapshot);
}
