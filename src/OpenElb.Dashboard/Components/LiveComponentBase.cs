using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Model;
using OpenElb.Dashboard.Utils;

namespace OpenElb.Dashboard.Components;

/// <summary>
/// A component that shows the live <see cref="DashboardView"/>: subscribes in <see cref="OnInitializedAsync"/>, applies
/// each new view and re-renders through <c>InvokeAsync(StateHasChanged)</c> at most once per render interval, and
/// unsubscribes on dispose.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private Task? _watchTask;

    [Inject]
    public required LiveViewService LiveViews { get; init; }

    [Inject]
    public required IOptions<DashboardOptions> DashboardOptions { get; init; }

    /// <summary>The view being shown.</summary>
    protected DashboardView View { get; private set; } = DashboardView.Empty;

    protected override async Task OnInitializedAsync()
    {
        var subscription = LiveViews.Subscribe(_cts.Token);
        View = subscription.Initial;
        OnViewChanged();
        // Only the stream goes into the loop: capturing the subscription would keep its first view (a whole snapshot
        // of the cluster) alive for as long as the circuit lives, one stale snapshot per open page.
        var updates = subscription.Updates;
        var interval = DashboardOptions.Value.RenderInterval;
        _watchTask = Task.Run(async () =>
        {
            try
            {
                await foreach (var view in updates.WithCancellation(_cts.Token))
                {
                    await InvokeAsync(() =>
                    {
                        View = view;
                        OnViewChanged();
                        StateHasChanged();
                    });
                    if (interval > TimeSpan.Zero)
                    {
                        // Newest-wins subscription: views that arrive meanwhile collapse into one render.
                        await Task.Delay(interval, _cts.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // Handed to the renderer, which shows the error UI for this circuit.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await DispatchExceptionAsync(ex);
            }
        });
        await base.OnInitializedAsync();
    }

    /// <summary>Called (on the renderer's context) after <see cref="View"/> changed, before rendering.</summary>
    protected virtual void OnViewChanged()
    {
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await TaskHelpers.WaitIgnoreCancelAsync(_watchTask);
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
