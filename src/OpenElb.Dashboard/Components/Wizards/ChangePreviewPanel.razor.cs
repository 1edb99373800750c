using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Wizards;

/// <summary>
/// Every wizard's second half: the preview (per-node speaker outcomes, routers before → after, findings, each patch with
/// the API server's dry-run answer), the typed confirmation when a router would drop below the minimum, apply with live
/// progress, and the per-step result. A new <see cref="Preview"/> starts over.
/// </summary>
public partial class ChangePreviewPanel : IDisposable
{
    private ChangePreview? _shown;
    private ApplyResult? _result;
    private string? _confirmation;
    private bool _applying;

    [Inject]
    public required ChangeExecutor Executor { get; init; }

    [Inject]
    public required AuditStatus AuditStatus { get; init; }

    /// <summary>The preview to show, or <c>null</c> (nothing is shown).</summary>
    [Parameter]
    public ChangePreview? Preview { get; set; }

    /// <summary>Makes a new preview of the same inputs (offered after a failed or refused apply).</summary>
    [Parameter]
    public EventCallback OnRePreview { get; set; }

    /// <summary>Raised with the result of an apply.</summary>
    [Parameter]
    public EventCallback<ApplyResult> OnApplied { get; set; }

    private bool CanApply =>
        Preview is { } preview && _result is null && !_applying && !Executor.IsExecuting && AuditStatus.IsAvailable
        && preview.Plan.IsValid && !preview.Plan.IsNoOp && preview.DryRunAccepted
        && (!preview.RequiresConfirmation || string.Equals(_confirmation?.Trim(), preview.ConfirmationWord, StringComparison.Ordinal));

    protected override void OnInitialized() => Executor.Changed += OnExecutorChanged;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(Preview, _shown))
        {
            _shown = Preview;
            _result = null;
            _confirmation = null;
        }
    }

    private async Task ApplyAsync()
    {
        if (Preview is not { } preview || !CanApply)
        {
            return;
        }
        _applying = true;
        try
        {
            _result = await Executor.ApplyAsync(preview, _confirmation, CancellationToken.None);
        }
        finally
        {
            _applying = false;
        }
        await OnApplied.InvokeAsync(_result);
    }

    private void OnExecutorChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Executor.Changed -= OnExecutorChanged;
        GC.SuppressFinalize(this);
    }
}
