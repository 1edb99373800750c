using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Wizards;

/// <summary>
/// Speaker placement: edit the speaker DaemonSet's nodeSelector, required node affinity and tolerations (or start from
/// one of the seed's recipes) → preview (plan + dry run) → confirmation when redundancy drops → apply → results.
/// </summary>
public partial class SpeakerPlacementWizard : IDisposable
{
    private SpeakerPlacementForm _form = new(SpeakerPlacement.Unrestricted);
    private SpeakerDaemonSet? _speaker;
    private ChangePreview? _preview;
    private bool _previewing;
    private bool _placementChanged;

    [Inject]
    public required ChangeExecutor Executor { get; init; }

    [Inject]
    public required AuditStatus AuditStatus { get; init; }

    [Inject]
    public required LiveViewService LiveViews { get; init; }

    protected override void OnInitialized()
    {
        Executor.Changed += OnExecutorChanged;
        ResetToCurrent();
    }

    // Reads the live placement again: the editors start over from what the cluster has now.
    private void ResetToCurrent()
    {
        _speaker = LiveViews.Current.Snapshot.Speaker;
        _form = new SpeakerPlacementForm(_speaker?.Placement ?? SpeakerPlacement.Unrestricted);
        _placementChanged = false;
        Invalidate();
    }

    private void ApplyPreset(PlacementPreset preset) => Edit(() => _form.Apply(preset));

    private void Edit(Action change)
    {
        change();
        Invalidate();
    }

    // Any input change makes the preview describe something else: it must be made again before applying.
    private void Invalidate() => _preview = null;

    private async Task PreviewAsync()
    {
        if (!_form.CanPreview)
        {
            return;
        }
        _previewing = true;
        // The editors do not follow the watch (that would overwrite the user's edits); say so when the cluster moved on.
        _placementChanged = LiveViews.Current.Snapshot.Speaker?.Placement is { } live && !live.Equals(_form.Current);
        try
        {
            _preview = await Executor.PreviewAsync(_form.ToRequest(), CancellationToken.None);
        }
        finally
        {
            _previewing = false;
        }
    }

    private static string EffectText(TaintEffect? effect) => effect?.ToString() ?? "Any effect";

    private static string PartsText(PlacementParts parts)
    {
        var names = new List<string>(3);
        if (parts.HasFlag(PlacementParts.NodeSelector))
        {
            names.Add("nodeSelector");
        }
        if (parts.HasFlag(PlacementParts.NodeAffinity))
        {
            names.Add("node affinity");
        }
        if (parts.HasFlag(PlacementParts.Tolerations))
        {
            names.Add("tolerations");
        }
        return string.Join(", ", names);
    }

    private void OnExecutorChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Executor.Changed -= OnExecutorChanged;
        GC.SuppressFinalize(this);
    }
}
