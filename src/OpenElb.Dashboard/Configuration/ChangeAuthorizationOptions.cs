namespace OpenElb.Dashboard.Configuration;

/// <summary>Who may apply changes (section <c>Authorization</c>). Until sign-in exists the actor is the local user.</summary>
public sealed class ChangeAuthorizationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Authorization";

    /// <summary>Refuse every change (a NOC wall display, a reviewers' instance). Default false.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// The user names that may apply changes. Empty (the default): only the operating-system user running the
    /// dashboard, the single local admin.
    /// </summary>
    public IList<string> Admins { get; } = [];
}
