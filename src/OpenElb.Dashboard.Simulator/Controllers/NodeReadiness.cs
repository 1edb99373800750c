using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Controllers;

/// <summary>
/// The simulated kubelet and node lifecycle controller for the NotReady fault: the node's Ready condition, and the
/// <c>node.kubernetes.io/not-ready:NoExecute</c> taint that goes with it. Pure edits of a stored node.
/// </summary>
internal static class NodeReadiness
{
    public const string NotReadyTaintKey = "node.kubernetes.io/not-ready";

    /// <summary>The field manager of the taint writes: the node lifecycle controller runs in kube-controller-manager.</summary>
    public static readonly Store.FieldManager Manager = new("kube-controller-manager");

    /// <summary>Adds (<paramref name="notReady"/>) or removes the not-ready NoExecute taint in the node's spec.</summary>
    public static JsonObject SetTaint(JsonObject node, bool notReady, string timestamp)
    {
        var spec = node["spec"] as JsonObject ?? [];
        node["spec"] = spec;
        var taints = spec["taints"] as JsonArray ?? [];
        var present = taints.Where(IsNotReadyTaint).ToList();
        if (notReady && present.Count == 0)
        {
            taints.Add(new JsonObject { ["key"] = NotReadyTaintKey, ["effect"] = "NoExecute", ["timeAdded"] = timestamp });
        }
        else if (!notReady)
        {
            foreach (var taint in present)
            {
                taints.Remove(taint);
            }
        }
        if (taints.Count == 0)
        {
            spec.Remove("taints");
        }
        else
        {
            spec["taints"] = taints;
        }
        return node;
    }

    /// <summary>Sets the node's Ready condition, touching its transition time only when the status changes.</summary>
    public static JsonObject SetReadyCondition(JsonObject node, bool notReady, string timestamp)
    {
        var status = node["status"] as JsonObject ?? [];
        node["status"] = status;
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var ready = conditions.OfType<JsonObject>().FirstOrDefault(c => SchedulingJson.Text(c["type"]) == "Ready");
        if (ready is null)
        {
            ready = new JsonObject { ["type"] = "Ready" };
            conditions.Add(ready);
        }
        var value = notReady ? "False" : "True";
        if (SchedulingJson.Text(ready["status"]) == value)
        {
            return node;
        }
        ready["status"] = value;
        ready["reason"] = notReady ? "KubeletNotReady" : "KubeletReady";
        ready["message"] = notReady ? "container runtime network not ready: NetworkReady=false (simulated fault)" : "kubelet is posting ready status";
        ready["lastTransitionTime"] = timestamp;
        return node;
    }

    private static bool IsNotReadyTaint(JsonNode? taint) =>
        SchedulingJson.Text(taint?["key"]) == NotReadyTaintKey && SchedulingJson.Text(taint?["effect"]) == "NoExecute";
}
