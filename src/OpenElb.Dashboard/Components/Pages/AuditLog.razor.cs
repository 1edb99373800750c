using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.JSInterop;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

/// <summary>
/// <c>/audit</c>: the audit log, filtered by the URL query, newest first, paged by keyset. Not live: the log is not
/// part of the cluster feed, so it reads the store on load, on filter changes and on Refresh.
/// </summary>
public partial class AuditLog : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private AuditLogModel _model = null!;
    private AuditLogFilterForm _form = new();
    private AuditTimeZone _zone = AuditTimeZone.Utc;

    [Inject]
    public required SqliteAuditLog Log { get; init; }

    [Inject]
    public required AuditStatus Status { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private AuditLogFilter Filter => _model.Filter;

    private string ZoneLabel => _zone.Label(Time.GetUtcNow());

    private long? BrokenEntryId => _model.Verification?.FirstBrokenEntryId;

    protected override async Task OnInitializedAsync()
    {
        _model = new AuditLogModel(Log);
        Navigation.LocationChanged += OnLocationChanged;
        if (!Status.IsUnavailable)
        {
            await LoadFromUriAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _zone = await ReadTimeZoneAsync(JS);
            _form = AuditLogFilterForm.Of(Filter, _zone);
            StateHasChanged();
        }
    }

    /// <summary>The viewer's zone from the browser; UTC (labelled as a fallback) when the browser or this server does not know it.</summary>
    internal static async Task<AuditTimeZone> ReadTimeZoneAsync(IJSRuntime js)
    {
        try
        {
            return AuditTimeZone.Resolve(await js.InvokeAsync<string?>("openelbDashboard.timeZone"));
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            return AuditTimeZone.Resolve(null);
        }
    }

    private async Task LoadFromUriAsync()
    {
        var query = QueryHelpers.ParseQuery(Navigation.ToAbsoluteUri(Navigation.Uri).Query);
        var parsed = AuditLogFilter.Parse(query);
        _form = AuditLogFilterForm.Of(parsed.Filter, _zone);
        await _model.LoadAsync(parsed, _cts.Token);
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        // Only query changes of this page; navigating to /audit/{id} disposes it anyway.
        var path = Navigation.ToBaseRelativePath(e.Location).Split('?', '#')[0].TrimEnd('/');
        if (!string.Equals(path, "audit", StringComparison.OrdinalIgnoreCase) || Status.IsUnavailable)
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            try
            {
                await LoadFromUriAsync();
                StateHasChanged();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await DispatchExceptionAsync(ex);
            }
            catch (OperationCanceledException)
            {
                // Disposed while loading.
            }
        });
    }

    private void Apply() => Navigation.NavigateTo("audit" + _form.ToQueryString(_zone));

    private void Clear() => Navigation.NavigateTo("audit");

    private async Task RefreshAsync()
    {
        if (!Status.IsUnavailable)
        {
            await LoadFromUriAsync();
        }
    }

    private Task LoadMoreAsync() => _model.LoadMoreAsync(_cts.Token);

    private Task VerifyAsync() => _model.VerifyAsync(_cts.Token);

    private static string FilterHref(AuditLogFilter filter) => "audit" + filter.ToQueryString();

    private string OutcomeHref(AuditOutcome outcome)
        => FilterHref(Filter with { Outcome = Filter.Outcome == outcome ? null : outcome });

    private string ExportHref(string path) => path.TrimStart('/') + Filter.ToQueryString();

    private void SetRange(TimeSpan span)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        Navigation.NavigateTo(FilterHref(Filter with { FromUtc = TrimToMinute(now - span), ToUtc = null }));
    }

    private static DateTime TrimToMinute(DateTime utc) => new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);

    private static Func<AuditAction?, string> ActionText { get; } = a => a is { } action ? AuditWords.Action(action) : "Any action";

    private static Func<AuditOutcome?, string> OutcomeText { get; } = o => o is { } outcome ? AuditWords.Outcome(outcome) : "Any outcome";

    public void Dispose()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _cts.Cancel();
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
