using System.Text.Json.Nodes;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Model;

/// <summary>Preconditions for planned patches, and the check that a preview still describes the cluster. Pure.</summary>
public static class PatchGuards
{
    /// <summary>
    /// Returns <paramref name="patch"/> guarded by the resourceVersion its node has in <paramref name="snapshot"/>
    /// (<c>metadata.resourceVersion</c> in a merge patch is a precondition: a node changed since the preview yields 409).
    /// Patches that already carry a guard, target something else or whose node has no resourceVersion are returned as they are.
    /// </summary>
    public static PlannedPatch Guard(PlannedPatch patch, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (patch.Kind != PatchKind.MergePatch || patch.Target.Kind != "Node" || patch.ResourceVersion is not null
            || snapshot.FindNode(patch.Target.Name)?.ResourceVersion is not { Length: > 0 } resourceVersion
            || JsonNode.Parse(patch.Body) is not JsonObject body)
        {
            return patch;
        }
        if (body["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            body["metadata"] = metadata;
        }
        metadata["resourceVersion"] = resourceVersion;
        return patch with
        {
            Body = body.ToJsonString(),
            ResourceVersion = resourceVersion,
            Summary = $"{patch.Summary} (guarded by resourceVersion {resourceVersion})",
        };
    }

    /// <summary>
    /// What changed between the preview's snapshot and <paramref name="current"/> that touches the preview's patches:
    /// a target node that is gone or has a new resourceVersion, or a changed speaker placement (it decides who gains or
    /// loses a speaker). Empty when the preview still holds.
    /// </summary>
    public static IReadOnlyList<string> StaleTargets(ChangePreview preview, ClusterSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(current);
        var stale = new List<string>();
        foreach (var target in preview.Patches.Select(static p => p.Target).Where(static t => t.Kind == "Node").Distinct())
        {
            var before = preview.Snapshot.FindNode(target.Name);
            var now = current.FindNode(target.Name);
            if (now is null)
            {
                stale.Add($"node {target.Name} is gone");
            }
            else if (before is null || !string.Equals(before.ResourceVersion, now.ResourceVersion, StringComparison.Ordinal))
            {
                stale.Add($"node {target.Name} changed");
            }
        }
        if (!Equals(preview.Snapshot.Speaker?.Placement, current.Speaker?.Placement))
        {
            stale.Add("the speaker placement changed");
        }
        return stale;
    }
}
