using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace OpenElb.Dashboard.Auth;

/// <summary>
/// Who the current scope acts for: in a circuit the circuit's user (from the authentication state), in an HTTP
/// request the request's user (set by the pipeline), in a test whoever the test sets. Nobody (no roles) otherwise, so
/// a scope without a user is refused everything. Scoped.
/// </summary>
public sealed class CurrentUser(IServiceProvider services)
{
    private ClaimsPrincipal? _principal;

    /// <summary>The user.</summary>
    public ClaimsPrincipal Principal
    {
        get
        {
            if (_principal is not null)
            {
                return _principal;
            }
            if (services.GetService(typeof(AuthenticationStateProvider)) is AuthenticationStateProvider provider)
            {
                try
                {
                    var state = provider.GetAuthenticationStateAsync();
                    if (state.IsCompletedSuccessfully)
                    {
                        return state.Result.User;
                    }
                }
                catch (InvalidOperationException)
                {
                    // Not a circuit (the state was never set): nobody.
                }
            }
            return DashboardPrincipal.Nobody;
        }
    }

    /// <summary>The user name, or <c>null</c> for nobody.</summary>
    public string? Name => Principal.Identity?.IsAuthenticated == true ? Principal.Identity.Name : null;

    /// <summary>Sets the user of this scope (the HTTP pipeline for API requests; tests).</summary>
    public void Set(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        _principal = principal;
    }
}
