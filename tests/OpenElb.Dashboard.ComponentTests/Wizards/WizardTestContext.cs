using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Kubernetes;
using TestContext = Xunit.TestContext;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.ComponentTests.Wizards;

/// <summary>
/// The Label nodes wizard end to end: the real executor against a real simulator (demo scenario, over HTTPS as in
/// demo mode) and a real SQLite audit store.
/// </summary>
/// <summary>
/// A wizard against the real executor, a real simulator (demo scenario, over HTTPS as in demo mode) and a real SQLite
/// audit store.
/// </summary>
public abstract class WizardTestContext : DashboardTestContext, IAsyncLifetime
{
    protected static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly AuditTestStore _store = new();

    protected WizardTestContext()
    {
        _store.Register(Services);
        Services.AddSingleton(Host);
        Services.AddSingleton<IClusterState>(_ => Host.State);
        Services.AddChangeWizards();
    }

    protected ClusterHost Host { get; } = new(
        Options.Create(new ClusterConnectionOptions { Mode = ClusterMode.Demo }),
        Options.Create(new DemoOptions()),
        TimeProvider.System,
        NullLogger<ClusterHost>.Instance);

    protected SqliteAuditLog Log => Services.GetRequiredService<SqliteAuditLog>();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Host.StartAsync(ct).WaitAsync(s_timeout, ct);
        Assert.True(await Host.State.WaitForSyncAsync(ct).WaitAsync(s_timeout, ct));
        await Log.InitializeAsync(ct).WaitAsync(s_timeout, ct);
        // Pages read the shared view when they open: wait until it holds the synced cluster.
        var views = Services.GetRequiredService<LiveViewService>();
        using var timeout = new CancellationTokenSource(s_timeout);
        while (views.Current.Topology.Groups.Count == 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        await Host.DisposeAsync();
        await _store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Navigates to <paramref name="url"/> and renders the wizard page.</summary>
    protected IRenderedComponent<T> Open<T>(string url) where T : IComponent
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return Render<T>();
    }

    protected static bool Disabled<T>(IRenderedComponent<T> cut, string action) where T : IComponent =>
        cut.Find($"[data-action={action}]").HasAttribute("disabled");

    /// <summary>
    /// Clicks <paramref name="selector"/> once the element is current: a live section (the follow view) may re-render
    /// between finding an element and clicking it, which leaves bUnit holding a stale event handler id.
    /// </summary>
    protected static void ClickCurrent<T>(IRenderedComponent<T> cut, string selector) where T : IComponent
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                cut.Find(selector).Click();
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 10)
            {
                // Re-rendered in between: find it again.
            }
        }
    }

    /// <summary>The audit entries of the run a result section links to.</summary>
    protected async Task<IReadOnlyList<AuditEntry>> AuditRunAsync<T>(IRenderedComponent<T> cut) where T : IComponent
    {
        var href = cut.Find("[data-link=audit]").GetAttribute("href")!;
        var correlation = Guid.Parse(href[(href.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var ct = TestContext.Current.CancellationToken;
        return await Log.GetStepsAsync(correlation, ct).WaitAsync(s_timeout, ct);
    }

    /// <summary>Waits until the dashboard's watch shows <paramref name="condition"/> on the shared snapshot.</summary>
    protected async Task WaitForSnapshotAsync(Func<OpenElb.Dashboard.Core.Cluster.ClusterSnapshot, bool> condition)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        while (!condition(Host.State.Current))
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
