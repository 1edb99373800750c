using MudBlazor;

namespace OpenElb.Dashboard.Components.Layout;

/// <summary>The dashboard's colours: MudBlazor's defaults with status colours that keep 4.5:1 contrast on both backgrounds.</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565c0",
            AppbarBackground = "#0d47a1",
            Success = "#2e7d32",
            Warning = "#b45309",
            Error = "#c62828",
            Info = "#0277bd",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#90caf9",
            Success = "#81c784",
            Warning = "#ffb74d",
            Error = "#ef9a9a",
            Info = "#81d4fa",
        },
    };
}
