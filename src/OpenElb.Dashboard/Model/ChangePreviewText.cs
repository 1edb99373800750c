using System.Text.Json;
using OpenElb.Dashboard.Core.Changes;

namespace OpenElb.Dashboard.Model;

/// <summary>How every wizard's preview presents a plan. Pure.</summary>
public static class ChangePreviewText
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>A JSON document indented for reading (the text unchanged when it is not JSON).</summary>
    public static string Indent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, s_indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>
    /// The nodes the preview lists: every node a patch targets, plus any other node whose speaker or router membership
    /// changes (nodes that stay without a speaker and are not touched are left out).
    /// </summary>
    public static IEnumerable<NodePlan> ShownNodes(ChangePreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var targets = preview.Patches.Where(static p => p.Target.Kind == "Node").Select(static p => p.Target.Name).ToHashSet(StringComparer.Ordinal);
        return preview.Plan.Nodes.Where(n =>
            targets.Contains(n.NodeName) || n.Outcome != SpeakerOutcome.StaysWithout || !n.RoutersBefore.Equals(n.RoutersAfter));
    }

    /// <summary>The words for a node's speaker outcome.</summary>
    public static string OutcomeLabel(SpeakerOutcome outcome) => outcome switch
    {
        SpeakerOutcome.Gains => "gains a speaker",
        SpeakerOutcome.Loses => "loses its speaker",
        SpeakerOutcome.Keeps => "keeps its speaker",
        _ => "stays without a speaker",
    };

    /// <summary>
    /// The changed fields as a diff: each path, then <c>- before</c> and <c>+ after</c> (an absent side says so).
    /// </summary>
    public static string Diff(IEnumerable<FieldChange> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var text = new System.Text.StringBuilder();
        foreach (var field in fields)
        {
            text.Append(field.Path).Append(":\n")
                .Append("- ").Append(field.Before ?? "(absent)").Append('\n')
                .Append("+ ").Append(field.After ?? "(absent)").Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The link that opens the Restart speakers wizard for <paramref name="nodes"/>.</summary>
    public static string RestartLink(IEnumerable<string> nodes) =>
        $"wizards/restart-speakers?{LabelNodesForm.NodesParameter}={Uri.EscapeDataString(string.Join(",", nodes.Order(StringComparer.Ordinal)))}";
}
