using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace OpenElb.Dashboard.Auth;

/// <summary>
/// The circuits' authentication state, checked again every <see cref="Interval"/>: a wall whose token was revoked or
/// has expired loses its state (the page shows why) within seconds, without a reload.
/// </summary>
internal sealed class RevalidatingDashboardStateProvider(ILoggerFactory loggerFactory, IWallAccess walls)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>How often circuits re-check. A dictionary lookup per wall circuit.</summary>
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        return await walls.IsActiveAsync(authenticationState.User, cancellationToken).ConfigureAwait(false);
    }
}
