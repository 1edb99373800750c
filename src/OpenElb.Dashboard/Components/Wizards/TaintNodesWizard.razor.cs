using Microsoft.AspNetCore.Components;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Hosting;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Wizards;

/// <summary>Taint nodes: nodes + taint → preview (plan + dry run) → confirmation when redundancy drops → apply → per-step results.</summary>
public partial class TaintNodesWizard
{
    private readonly TaintNodesForm _form = new();
    private ChangePreview? _preview;
    private bool _previewing;

    [Inject]
    public required ChangeExecutor Executor { get; init; }

    [Inject]
    public required AuditStatus AuditStatus { get; init; }

    /// <summary>The nodes to taint, comma-separated (from <c>?nodes=</c>).</summary>
    [SupplyParameterFromQuery(Name = LabelNodesForm.NodesParameter)]
    public string? NodesQuery { get; set; }

    /// <summary>A pre-filled taint key (from a finding's remedy).</summary>
    [SupplyParameterFromQuery(Name = "key")]
    public string? KeyQuery { get; set; }

    protected override void OnInitialized()
    {
        if (!string.IsNullOrWhiteSpace(KeyQuery))
        {
            _form.Key = KeyQuery.Trim();
        }
    }

    protected override void OnParametersSet()
    {
        var nodes = LabelNodesForm.ParseNodes(NodesQuery);
        if (!nodes.SequenceEqual(_form.Nodes))
        {
            _form.Nodes = nodes;
            _preview = null;
        }
    }

    private void OnKeyChanged(string? key)
    {
        _form.Key = key ?? "";
        _preview = null;
    }

    private void OnValueChanged(string? value)
    {
        _form.Value = value ?? "";
        _preview = null;
    }

    private void OnEffectChanged(TaintEffect? effect)
    {
        _form.Effect = effect;
        _preview = null;
    }

    private void OnOperationChanged(TaintOperation operation)
    {
        _form.Operation = operation;
        if (operation == TaintOperation.Add && _form.Effect is null)
        {
            _form.Effect = TaintEffect.NoSchedule;
        }
        _preview = null;
    }

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
}
