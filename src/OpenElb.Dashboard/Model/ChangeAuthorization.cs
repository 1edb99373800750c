using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// Decides on the server whether an actor may apply a change, whatever the page shows: read-only instances refuse
/// everyone; otherwise the configured admins (by default the single local admin, the user running the dashboard). A
/// singleton; pure apart from its options.
/// </summary>
public sealed class ChangeAuthorization(IOptions<ChangeAuthorizationOptions> options)
{
    /// <summary>Why <paramref name="actor"/> may not apply changes, or <c>null</c> when they may.</summary>
    public string? WhyNot(string actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var value = options.Value;
        if (value.ReadOnly)
        {
            return "This dashboard is read-only (Authorization:ReadOnly): it shows and previews changes but applies none.";
        }
        var admins = value.Admins.Count > 0 ? value.Admins : [Environment.UserName];
        return admins.Contains(actor, StringComparer.Ordinal)
            ? null
            : $"{actor} is not an admin of this dashboard (Authorization:Admins lists {string.Join(", ", admins)}).";
    }
}
