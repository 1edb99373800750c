using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Wizards;

/// <summary>
/// Restrict speakers to nodes: per router, the nodes to keep speakers on (a proposal of two, spread over zones) → label
/// and method → preview (plan + dry run) → typed confirmation when redundancy drops → apply → per-step results.
/// </summary>
public partial class RestrictSpeakersWizard : IDisposable
{
    private readonly CancellationTokenSource _closing = new();
    private RestrictSpeakersForm _form = null!;
    private ChangePreview? _preview;
    private bool _previewing;

    [Inject]
    public required ChangeExecutor Executor { get; init; }

    [Inject]
    public required AuditStatus AuditStatus { get; init; }

    [Inject]
    public required LiveViewService LiveViews { get; init; }

    /// <summary>The router to show first (from <c>?router=</c>); every router stays part of the change.</summary>
    [SupplyParameterFromQuery(Name = RestrictSpeakersForm.RouterParameter)]
    public string? Router { get; set; }

    // The focused router first: restricting is cluster-wide, so the others stay in the change (and on the page).
    private IEnumerable<RestrictRouter> OrderedRouters =>
        _form.Routers.OrderBy(r => string.Equals(r.Name, Router, StringComparison.Ordinal) ? 0 : 1);

    protected override void OnInitialized()
    {
        Executor.Changed += OnExecutorChanged;
        BuildForm();
        if (_form.Routers.Count == 0 || !_form.HasSpeaker)
        {
            _ = BuildWhenKnownAsync();
        }
    }

    // Opened before the first sync (or before OpenELB was installed): build the form as soon as the live view knows
    // routers and a speaker. Only while the form is empty, so no picks are ever thrown away.
    private async Task BuildWhenKnownAsync()
    {
        try
        {
            // Only the stream is kept (the subscription's first view is a whole snapshot the loop does not need).
            await foreach (var view in LiveViews.Subscribe(_closing.Token).Updates.WithCancellation(_closing.Token))
            {
                if (view.Topology.Groups.Count > 0 && view.Snapshot.Speaker is not null)
                {
                    await InvokeAsync(() =>
                    {
                        BuildForm();
                        StateHasChanged();
                    });
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // The page closed first.
        }
    }

    // The candidates come from the view at opening time; the preview plans against the newest snapshot anyway.
    private void BuildForm()
    {
        var view = LiveViews.Current;
        _form = new RestrictSpeakersForm(view.Snapshot, view.Topology);
        Invalidate();
    }

    private void OnPickChanged(string node, ChangeEventArgs e)
    {
        _form.SetPicked(node, e.Value is true || (e.Value is string s && bool.TryParse(s, out var b) && b));
        Invalidate();
    }

    private void ResetPicks()
    {
        _form.AcceptProposal();
        Invalidate();
    }

    private void OnKeyChanged(string? key)
    {
        _form.Key = key ?? "";
        Invalidate();
    }

    private void OnValueChanged(string? value)
    {
        _form.Value = value ?? "";
        Invalidate();
    }

    private void OnRemoveFromOthersChanged(bool remove)
    {
        _form.RemoveFromOthers = remove;
        Invalidate();
    }

    private void OnMethodChanged(bool useAffinity)
    {
        _form.UseAffinity = useAffinity;
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
        try
        {
            _preview = await Executor.PreviewAsync(_form.ToRequest(), CancellationToken.None);
        }
        finally
        {
            _previewing = false;
        }
    }

    private static string RankWord(CandidateRank rank) => rank switch
    {
        CandidateRank.Established => "speaker ready, session established",
        CandidateRank.SpeakerReady => "speaker ready, no established session",
        CandidateRank.NoSpeaker => "no working speaker yet",
        _ => "cannot run a speaker",
    };

    private static string SessionWord(SessionHealth health) => health switch
    {
        SessionHealth.Established => "established",
        SessionHealth.Down => "down",
        SessionHealth.Stale => "stale entry",
        SessionHealth.Unknown => "unknown",
        _ => "none",
    };

    private static string WarningKind(RestrictSpeakersWarningKind kind) => kind switch
    {
        RestrictSpeakersWarningKind.FewerThanTwo => "fewer-than-two",
        RestrictSpeakersWarningKind.SameZone => "same-zone",
        RestrictSpeakersWarningKind.PickWontRunSpeaker => "no-speaker",
        RestrictSpeakersWarningKind.UnpickedCarryLabel => "unpicked-labelled",
        _ => "affinity-replaced",
    };

    private void OnExecutorChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _closing.Cancel();
        _closing.Dispose();
        Executor.Changed -= OnExecutorChanged;
        GC.SuppressFinalize(this);
    }
}
