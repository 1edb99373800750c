namespace OpenElb.Dashboard.Model;

/// <summary>The Settings page's create-a-wall-token form: what was typed, read into a request. Not thread-safe.</summary>
public sealed class WallTokenForm
{
    /// <summary>The name as typed (the service trims and checks it).</summary>
    public string? Name { get; set; }

    /// <summary>The expiry as a <c>datetime-local</c> value in the viewer's zone; empty for a token that does not expire.</summary>
    public string? Expires { get; set; }

    /// <summary>
    /// The expiry as an instant, read in <paramref name="zone"/>; null with no error when left empty; an error when it
    /// cannot be read. Whether it lies in the future is the service's check.
    /// </summary>
    public (DateTimeOffset? Expires, string? Error) ReadExpiry(AuditTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (string.IsNullOrWhiteSpace(Expires))
        {
            return (null, null);
        }
        return zone.FromInput(Expires) is { } utc
            ? (new DateTimeOffset(utc, TimeSpan.Zero), null)
            : (null, $"'{Expires}' is not a date and time; pick one, or leave the field empty for a token that does not expire.");
    }
}

/// <summary>How the Settings page says things about wall tokens. Pure.</summary>
public static class WallTokenWords
{
    /// <summary>A state in words.</summary>
    public static string State(WallTokenState state) => state switch
    {
        WallTokenState.Active => "Active",
        WallTokenState.Expired => "Expired",
        WallTokenState.Revoked => "Revoked",
        _ => state.ToString(),
    };

    /// <summary>The address a wall opens with its token: <c>{base}wall?token=…</c>.</summary>
    public static string WallUrl(string baseUri, string token)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(token);
        return $"{baseUri}wall?token={Uri.EscapeDataString(token)}";
    }

    /// <summary>"3 tokens" / "1 token" / "No wall tokens yet".</summary>
    public static string Count(int count) => count switch
    {
        0 => "No wall tokens yet.",
        1 => "1 token",
        _ => $"{count} tokens",
    };

    /// <summary>A time in the viewer's zone, or a dash.</summary>
    public static string Time(DateTimeOffset? at, AuditTimeZone zone, string none = "—")
    {
        ArgumentNullException.ThrowIfNull(zone);
        return at is { } value ? zone.Format(value.UtcDateTime) : none;
    }
}
