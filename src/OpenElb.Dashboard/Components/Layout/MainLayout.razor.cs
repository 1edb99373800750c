using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Layout;

public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _isDark;
    private ThemeMode _mode = ThemeMode.System;

    [Inject]
    public required IJSRuntime JS { get; init; }

    private string ThemeIcon => _mode switch
    {
        ThemeMode.Light => Icons.Material.Filled.LightMode,
        ThemeMode.Dark => Icons.Material.Filled.DarkMode,
        _ => Icons.Material.Filled.SettingsBrightness,
    };

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        try
        {
            var stored = await JS.InvokeAsync<string?>("openelbDashboard.getTheme");
            _mode = ThemeModes.Parse(stored);
            await ApplyAsync();
            if (_themeProvider is not null)
            {
                await _themeProvider.WatchSystemDarkModeAsync(OnSystemDarkModeChangedAsync);
            }
            StateHasChanged();
            await JS.InvokeVoidAsync("openelbDashboard.markInteractive");
        }
        catch (JSDisconnectedException)
        {
        }
    }

    private async Task OnSystemDarkModeChangedAsync(bool dark)
    {
        if (_mode == ThemeMode.System)
        {
            _isDark = dark;
            await InvokeAsync(StateHasChanged);
        }
    }

    private async Task SetThemeAsync(ThemeMode mode)
    {
        _mode = mode;
        await JS.InvokeVoidAsync("openelbDashboard.setTheme", ThemeModes.Format(mode));
        await ApplyAsync();
    }

    private async Task ApplyAsync() =>
        _isDark = _mode switch
        {
            ThemeMode.Light => false,
            ThemeMode.Dark => true,
            _ => _themeProvider is not null && await _themeProvider.GetSystemDarkModeAsync(),
        };

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;
}
