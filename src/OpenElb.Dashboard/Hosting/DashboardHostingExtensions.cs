using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Audit.Observed;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Components;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Kubernetes;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Hosting;

/// <summary>The composition root, kept out of <c>Program.cs</c>.</summary>
public static class DashboardHostingExtensions
{
    /// <summary>The address <c>dotnet run</c> listens on when nothing else is configured.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Registers every service of the dashboard. Defaults use <c>TryAdd</c> so tests can register fakes first.</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!HasConfiguredAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        // Serve MudBlazor's and our assets' files from the build output in every environment, not only Development
        // (a no-op for a published app, whose files are in wwwroot).
        builder.WebHost.UseStaticWebAssets();

        builder.AddDashboardAuth();
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, ValidateDashboardOptions>();
        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.SectionName));
        services.AddOptions<ChangeAuthorizationOptions>().Bind(builder.Configuration.GetSection(ChangeAuthorizationOptions.SectionName));
        services.AddOptions<ClusterConnectionOptions>().Bind(builder.Configuration.GetSection("Cluster"));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterHost>();
        services.AddHostedService(static sp => sp.GetRequiredService<ClusterHost>());
        services.TryAddSingleton(static sp => sp.GetRequiredService<ClusterHost>().State);
        services.TryAddSingleton<LiveViewService>();
        services.AddChangeWizards();
        services.AddChangesApi();

        services.AddAuditLog(options => builder.Configuration.GetSection(AuditOptions.SectionName).Bind(options));
        // "Initializing" until AuditStartup has opened the store in the background (it does not hold up listening).
        services.TryAddSingleton(static _ => AuditStatus.Opening());
        services.AddHostedService<AuditStartup>();
        services.AddHostedService<AuditReconcileService>();
        // Speaker-relevant changes made outside the dashboard (kubectl, GitOps, Helm) become observed audit entries.
        services.AddObservedChangeRecording();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHealthChecks();
        services.AddDashboardApi();
        return builder;
    }

    /// <summary>
    /// The wizards' server side: the per-circuit executor, the field-manager lookup (who won a conflict, drift) and the
    /// singleton that follows applied changes. Needs the cluster state, the live views and the audit log.
    /// </summary>
    public static IServiceCollection AddChangeWizards(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddScoped<CurrentUser>();
        services.TryAddScoped<ChangeExecutor>();
        services.TryAddSingleton<ChangeFollowService>();
        services.TryAddSingleton<ChangePermissions>();
        services.TryAddSingleton<ChangeAuthorization>();
        services.AddKubernetesFieldManagerLookup();
        return services;
    }

    /// <summary>Maps the pages, static assets and health endpoint.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UseDashboardAuth();
        app.UseAntiforgery();
        // Styles, scripts and images: the sign-in and error pages need them before anyone is signed in.
        app.MapStaticAssets().AllowAnonymous();
        // The security headers (SecurityHeaders) carry the whole content security policy, frame-ancestors 'none'
        // included; Blazor's own second policy header (frame-ancestors 'self') would only say less.
        var compression = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.WebSocketCompression;
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options =>
        {
            options.ContentSecurityFrameAncestorsPolicy = null;
            options.DisableWebSocketCompression = !compression;
        });
        app.MapAuditEndpoints();
        app.MapChangesApi();
        // Probes cannot sign in.
        app.MapHealthChecks("/healthz").WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head])).AllowAnonymous();
        app.MapWritesRefused("/healthz").AllowAnonymous();
        app.MapDashboardApi();
        return app;
    }

    private static bool HasConfiguredAddress(ConfigurationManager configuration) =>
        !string.IsNullOrEmpty(configuration["urls"])
        || !string.IsNullOrEmpty(configuration["http_ports"])
        || !string.IsNullOrEmpty(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
