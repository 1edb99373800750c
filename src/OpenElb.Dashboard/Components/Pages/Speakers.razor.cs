using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Pages;

public partial class Speakers
{
    private SpeakersPageModel? _model;

    private bool Loading => View.Health.Kinds.Count == 0 || (!View.Health.IsSynced && View.Snapshot.Version == 0);

    protected override void OnViewChanged() => _model = SpeakersModel.Create(View);
}
