namespace OpenElb.Dashboard.Model;

/// <summary>The user's theme choice.</summary>
public enum ThemeMode
{
    /// <summary>Follow the operating system.</summary>
    System,

    /// <summary>Always light.</summary>
    Light,

    /// <summary>Always dark.</summary>
    Dark,
}

/// <summary>Parsing and formatting of the stored theme choice.</summary>
public static class ThemeModes
{
    /// <summary>The stored value, or System for anything unknown.</summary>
    public static ThemeMode Parse(string? value) => value switch
    {
        "light" => ThemeMode.Light,
        "dark" => ThemeMode.Dark,
        _ => ThemeMode.System,
    };

    /// <summary>The value to store.</summary>
    public static string Format(ThemeMode mode) => mode switch
    {
        ThemeMode.Light => "light",
        ThemeMode.Dark => "dark",
        _ => "system",
    };
}
