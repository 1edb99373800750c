using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Components.Markup;

/// <summary>
/// A wall tile's node rows as one markup string, written once per view and shared by every wall (through
/// <see cref="WallModel.TilesOf"/>): as elements, 125 tiles × 6 rows × ~12 render-tree frames, kept twice (current and
/// previous tree), cost each wall circuit ~1 MB of its own; as markup each tile is one frame (issue 9: a wall circuit's
/// budget is 500 KB). Blazor compares markup by value, so an unchanged tile sends nothing.
/// </summary>
public static class WallMarkup
{
    /// <summary>The <c>&lt;li&gt;</c> rows of <paramref name="nodes"/>, for inside <c>&lt;ul class="wall-nodes"&gt;</c>.</summary>
    public static MarkupString Nodes(IReadOnlyList<WallNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var html = new HtmlWriter(nodes.Count * 420);
        foreach (var node in nodes)
        {
            var state = StateName(node.State);
            html.Open("li").Attr("class", "wall-node wall-node-" + state).Attr("data-node", node.Name).Attr("data-state", state).Close()
                .Raw(SvgIcons.Markup(Icon(node.State), "wall-node-icon").Value)
                .Open("span").Attr("class", "wall-node-name").Close().Text(node.Name).End("span")
                .Open("span").Attr("class", "wall-node-word").Close().Text(node.Word).End("span")
                .End("li");
        }
        return new MarkupString(html.ToString());
    }

    private static string StateName(WallNodeState state) => state switch
    {
        WallNodeState.Ok => "ok",
        WallNodeState.Warning => "warning",
        WallNodeState.Inactive => "inactive",
        _ => "problem",
    };

    private static string Icon(WallNodeState state) => state switch
    {
        WallNodeState.Ok => Icons.Material.Filled.CheckCircle,
        WallNodeState.Warning => Icons.Material.Filled.Warning,
        WallNodeState.Inactive => Icons.Material.Outlined.RemoveCircleOutline,
        _ => Icons.Material.Filled.Cancel,
    };
}
