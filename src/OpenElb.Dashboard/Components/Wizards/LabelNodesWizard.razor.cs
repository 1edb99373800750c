using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Wizards;

/// <summary>Label nodes: inputs → preview (plan + dry run) → typed confirmation when redundancy drops → apply → per-step results.</summary>
public partial class LabelNodesWizard : IDisposable
{
    private readonly LabelNodesForm _form = new();
    private ChangePreview? _preview;
    private bool _previewing;

    [Inject]
    public required ChangeExecutor Executor { get; init; }

    [Inject]
    public required AuditStatus AuditStatus { get; init; }

    /// <summary>The nodes to label, comma-separated (from <c>?nodes=</c>).</summary>
    [SupplyParameterFromQuery(Name = LabelNodesForm.NodesParameter)]
    public string? NodesQuery { get; set; }

    protected override void OnInitialized() => Executor.Changed += OnExecutorChanged;

    protected override void OnParametersSet()
    {
        var nodes = LabelNodesForm.ParseNodes(NodesQuery);
        if (!nodes.SequenceEqual(_form.Nodes))
        {
            _form.Nodes = nodes;
            Invalidate();
        }
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

    private void OnOperationChanged(LabelOperation operation)
    {
        _form.Operation = operation;
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

    private void OnExecutorChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Executor.Changed -= OnExecutorChanged;
        GC.SuppressFinalize(this);
    }
}
