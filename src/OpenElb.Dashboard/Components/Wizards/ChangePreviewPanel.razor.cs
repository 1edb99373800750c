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
    private ChangePreview? _undoPreview;
    private string? _undoReason;
    private bool _undoing;

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

    /// <summary>Prefixes the element ids, so that a panel nested in another (an undo) has ids of its own.</summary>
    [Parameter]
    public string Prefix { get; set; } = "";

    /// <summary>Raised with the result of an apply.</summary>
    [Parameter]
    public EventCallback<ApplyResult> OnApplied { get; set; }

    private bool CanApply =>
        Preview is { } preview && _result is null && !_applying && !Executor.IsExecuting && !AuditStatus.IsUnavailable
        && preview.Plan.IsValid && !preview.Plan.IsNoOp && preview.DryRunAccepted && preview.Denied.Count == 0 && Executor.WhyNotAllowed is null
        && (!preview.RequiresConfirmation || string.Equals(_confirmation?.Trim(), preview.ConfirmationWord, StringComparison.Ordinal));

    protected override void OnInitialized() => Executor.Changed += OnExecutorChanged;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(Preview, _shown))
        {
            _shown = Preview;
            _result = null;
            _confirmation = null;
            _undoPreview = null;
            _undoReason = null;
        }
    }

    // After a run that changed something: undo what succeeded (a failed multi-step run) or the whole change.
    private static string? UndoLabel(ApplyResult result)
    {
        var succeeded = result.Steps.Count(static s => s.Outcome == Kubernetes.Writing.WriteOutcome.Succeeded);
        return succeeded == 0 ? null
            : result.Status == ApplyStatus.Succeeded ? "Undo this change…"
            : $"Undo the {Words.Count(succeeded, "step")} that succeeded…";
    }

    private async Task UndoAsync()
    {
        if (Preview is not { } preview || _result is not { } result)
        {
            return;
        }
        _undoing = true;
        _undoReason = null;
        _undoPreview = null;
        try
        {
            var current = await Executor.WaitForAppliedAsync(preview, result, TimeSpan.FromSeconds(10), CancellationToken.None);
            if (current is null)
            {
                _undoReason = "The dashboard has not seen the applied change come back from the cluster yet; try again in a moment.";
                return;
            }
            var applied = result.Steps.Where(static s => s.Outcome == Kubernetes.Writing.WriteOutcome.Succeeded).Select(static s => s.Patch);
            var inverse = ChangeInverse.Undo(applied, current, preview.Plan.Request.Describe());
            if (inverse.Request is not { } request)
            {
                _undoReason = $"This cannot be undone here: {inverse.Reason}";
                return;
            }
            _undoPreview = await Executor.PreviewAsync(request, CancellationToken.None, Audit.AuditAction.Revert);
        }
        finally
        {
            _undoing = false;
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
