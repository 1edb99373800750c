using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

/// <summary>
/// <c>/settings</c>: the wall tokens (issue #7). Everyone allowed in sees the tokens; admins create and revoke them.
/// The buttons are a convenience: <see cref="WallTokenService"/> refuses non-admins on the server. Not live: it reads
/// the store on load and after each change.
/// </summary>
public partial class Settings
{
    private readonly WallTokenForm _form = new();

    // Bumped after a create: the name field starts afresh instead of flagging its now-empty value as missing.
    private int _formGeneration;
    private AuditTimeZone _zone = AuditTimeZone.Utc;
    private System.Security.Claims.ClaimsPrincipal? _user;
    private bool _isAdmin;
    private bool _busy;
    private IReadOnlyList<WallTokenInfo>? _tokens;
    private string? _loadError;
    private string? _createError;
    private string? _revokeError;
    private CreatedWallToken? _created;
    private string? _copyStatus;
    private Guid? _confirming;

    /// <summary>The signed-in user; without it (no authentication set up) the page is read-only.</summary>
    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    public required WallTokenService Tokens { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private DateTimeOffset Now => Time.GetUtcNow();

    // The plaintext lives in this circuit's memory until the admin dismisses it or leaves the page.
    private string WallUrl => _created is { } created ? WallTokenWords.WallUrl(Navigation.BaseUri, created.Token) : "";

    protected override async Task OnInitializedAsync()
    {
        _user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _isAdmin = WallTokenService.IsAdmin(_user);
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _zone = await AuditLog.ReadTimeZoneAsync(JS);
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        // Right after start-up the tokens load behind the audit store's migrations.
        await Tokens.WhenLoadedAsync();
        if (Tokens.Unavailable is not null)
        {
            return;
        }
        try
        {
            _tokens = await Tokens.ListAsync();
            _loadError = null;
        }
        catch (AuditUnavailableException ex)
        {
            _loadError = ex.Message;
        }
    }

    private async Task CreateAsync()
    {
        _createError = null;
        _revokeError = null;
        var (expires, expiryError) = _form.ReadExpiry(_zone);
        if (expiryError is not null)
        {
            _createError = expiryError;
            return;
        }
        _busy = true;
        try
        {
            _created = await Tokens.CreateAsync(_form.Name ?? "", expires, _user ?? new(), CancellationToken.None);
            _copyStatus = null;
            _form.Name = null;
            _form.Expires = null;
            _formGeneration++;
        }
        catch (Exception ex) when (ex is WallTokenException or UnauthorizedAccessException or AuditUnavailableException)
        {
            _createError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }

    private async Task RevokeAsync(WallTokenInfo token)
    {
        _revokeError = null;
        _busy = true;
        try
        {
            await Tokens.RevokeAsync(token.Id, _user ?? new(), CancellationToken.None);
            _confirming = null;
        }
        catch (Exception ex) when (ex is WallTokenException or UnauthorizedAccessException or AuditUnavailableException)
        {
            _revokeError = $"“{token.Name}” was not revoked: {ex.Message}";
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }

    private Task CopyTokenAsync() => CopyAsync(_created?.Token ?? "", "token");

    private Task CopyUrlAsync() => CopyAsync(WallUrl, "wall address");

    private async Task CopyAsync(string text, string what)
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", text);
            _copyStatus = $"The {what} is on the clipboard.";
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            _copyStatus = $"The {what} could not be copied here: select the field and copy it by hand.";
        }
    }

    private void Dismiss()
    {
        _created = null;
        _copyStatus = null;
    }
}
