using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace OpenElb.Dashboard.Components.Layout;

public partial class WallLayout
{
    [Inject]
    public required IJSRuntime JS { get; init; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        try
        {
            // The same marker as the main layout: browser tests (and wall.js) wait for the live circuit.
            await JS.InvokeVoidAsync("openelbDashboard.markInteractive");
        }
        catch (JSDisconnectedException)
        {
        }
    }
}
