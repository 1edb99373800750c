using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

/// <summary>
/// <c>/wall</c>: the read-only NOC wall. Live from the shared view; a one-second tick drives the clock, the STALE
/// overlay, paging and the audit refresh. wall.js measures the tile area and handles reconnection unattended.
/// </summary>
// TODO(#7): wall tokens (access for unattended screens without sign-in) are a separate part of the issue.
public partial class Wall
{
    private WallModel _model = null!;
    private WallOptions _options = null!;
    private ITimer? _timer;
    private DotNetObjectReference<Wall>? _self;
    private DateTimeOffset _auditReadAt;
    private int _auditReading;
    private bool _disposed;

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required IConfiguration Configuration { get; init; }

    [Inject]
    public required SqliteAuditLog AuditLog { get; init; }

    [Inject]
    public required AuditStatus AuditStatus { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    /// <summary>The model (tests).</summary>
    internal WallModel Model => _model;

    private string GridStyle => $"--wall-cols:{_model.Columns};--wall-rows:{_model.Rows}";

    protected override async Task OnInitializedAsync()
    {
        _options = WallOptions.From(Configuration);
        _model = new WallModel(_options, DashboardOptions.Value.GroupingLabel);
        await base.OnInitializedAsync();
        _timer = Time.CreateTimer(static state => ((Wall)state!).OnTick(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await ReadAuditAsync();
    }

    protected override void OnViewChanged() => _model?.Apply(View, Time.GetUtcNow());

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        _self = DotNetObjectReference.Create(this);
        try
        {
            await JS.InvokeVoidAsync("openelbWall.observe", "wall-tiles", _self);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    /// <summary>Called by wall.js with the tile area's size in CSS pixels and the size of one rem.</summary>
    [JSInvokable]
    public Task FitAsync(double width, double height, double rem)
    {
        if (rem <= 0 || !_model.Fit(width / rem, height / rem, Time.GetUtcNow()))
        {
            return Task.CompletedTask;
        }
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void OnTick()
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            if (_disposed)
            {
                return;
            }
            var now = Time.GetUtcNow();
            _model.Tick(now);
            // The clock and the overlay change every second; the tiles diff to nothing when the data did not change.
            StateHasChanged();
            if (now - _auditReadAt >= TimeSpan.FromSeconds(_options.AuditRefreshSeconds))
            {
                await ReadAuditAsync();
                StateHasChanged();
            }
        });
    }

    private async Task ReadAuditAsync()
    {
        // One read at a time: a slow store must not pile up reads tick after tick.
        if (Interlocked.Exchange(ref _auditReading, 1) == 1)
        {
            return;
        }
        _auditReadAt = Time.GetUtcNow();
        try
        {
            if (AuditStatus.IsUnavailable)
            {
                _model.SetAuditUnavailable(AuditStatus.Error ?? "the store did not start");
                return;
            }
            if (_options.AuditEntries == 0)
            {
                _model.SetAudit([]);
                return;
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var page = await AuditLog.QueryAsync(new AuditQuery { PageSize = _options.AuditEntries }, timeout.Token);
            _model.SetAudit(page.Items);
        }
#pragma warning disable CA1031 // The wall runs unattended: any store failure becomes words on the screen, never an error page.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _model.SetAuditUnavailable(ex is OperationCanceledException ? "the store did not answer in time" : ex.Message);
        }
        finally
        {
            Volatile.Write(ref _auditReading, 0);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }
        if (_self is not null)
        {
            try
            {
                await JS.InvokeVoidAsync("openelbWall.unobserve");
            }
            catch (Exception ex) when (ex is JSDisconnectedException or JSException or TaskCanceledException or ObjectDisposedException)
            {
            }
            _self.Dispose();
        }
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static string StateClass(RedundancyState state) => state switch
    {
        RedundancyState.Ok => "wall-tile-ok",
        RedundancyState.Degraded => "wall-tile-degraded",
        _ => "wall-tile-critical",
    };

    private static string StatusIcon(RedundancyState state) => state switch
    {
        RedundancyState.Ok => Icons.Material.Filled.CheckCircle,
        RedundancyState.Degraded => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Error,
    };

    private static string SeverityClass(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "wall-bad",
        FindingSeverity.Warning => "wall-warn",
        _ => "wall-info",
    };

    private static string SeverityIcon(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => Icons.Material.Filled.Error,
        FindingSeverity.Warning => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Info,
    };
}
