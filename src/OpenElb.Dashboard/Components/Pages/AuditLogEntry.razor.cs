using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

/// <summary>
/// <c>/audit/{id}</c>: one audit entry in full (who, what, the fields before and after, the request sent, dry run,
/// predicted and observed impact, the API server's answer, the chain hashes) and every step of its run.
/// </summary>
public partial class AuditLogEntry : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private AuditEntryModel _model = null!;
    private AuditTimeZone _zone = AuditTimeZone.Utc;
    private long _loadedId;

    [Parameter]
    public long Id { get; set; }

    [Inject]
    public required SqliteAuditLog Log { get; init; }

    [Inject]
    public required AuditStatus Status { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private AuditEntry? Entry => _model.Entry;

    private string ZoneLabel => _zone.Label(Time.GetUtcNow());

    protected override void OnInitialized() => _model = new AuditEntryModel(Log);

    protected override async Task OnParametersSetAsync()
    {
        // Step links navigate between entries of the same page: reload only when the id changed.
        if (!Status.IsUnavailable && Id != _loadedId)
        {
            _loadedId = Id;
            await _model.LoadAsync(Id, _cts.Token);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _zone = await AuditLog.ReadTimeZoneAsync(JS);
            StateHasChanged();
        }
    }

    private string At(DateTime? utc) => utc is { } value ? $"{_zone.Format(value)} ({_zone.OffsetAt(value)})" : "—";

    private static string CorrelationHref(Guid correlationId)
        => "audit" + (AuditLogFilter.None with { CorrelationId = correlationId }).ToQueryString();

    private static string ChangeWord(AuditFieldChangeKind kind) => kind switch
    {
        AuditFieldChangeKind.Added => "added",
        AuditFieldChangeKind.Removed => "removed",
        AuditFieldChangeKind.Changed => "changed",
        AuditFieldChangeKind.NotRecorded => "not recorded",
        _ => "unchanged",
    };

    // "(absent)" only when that side was recorded without the field; a side that was never recorded says so.
    private static string Missing(AuditFieldChange change, string? side)
        => change.Kind == AuditFieldChangeKind.NotRecorded && string.IsNullOrWhiteSpace(side) ? "(not recorded)" : "(absent)";

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
