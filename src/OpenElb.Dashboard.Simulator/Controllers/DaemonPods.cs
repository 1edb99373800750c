using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Core.Scheduling;

namespace OpenElb.Dashboard.Simulator.Controllers;

/// <summary>
/// How the DaemonSet controller names, builds, owns and compares daemon pods (the simulator's version of
/// <c>pkg/controller/daemon/util</c>). Pure and thread-safe.
/// </summary>
internal static class DaemonPods
{
    public const string RevisionHashLabel = "controller-revision-hash";
    public const string TemplateGenerationLabel = "pod-template-generation";

    // Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alike digits.
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>A 10-character hash of the pod template, as the <c>controller-revision-hash</c> label carries it.</summary>
    public static string TemplateHash(JsonNode? template)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(template?.ToJsonString() ?? ""));
        var builder = new StringBuilder(10);
        for (var i = 0; i < 10; i++)
        {
            builder.Append(SafeAlphabet[bytes[i] % SafeAlphabet.Length]);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Whether a pod runs the current template. Like <c>IsPodUpdated</c>, either label may match: the hash, or the
    /// template generation. The generation is what lets the scenario's hand-written pods (whose hash was not computed
    /// by this simulator) count as up to date while the DaemonSet is still at the generation they were written for.
    /// </summary>
    public static bool IsUpdated(JsonObject pod, string hash, long generation)
    {
        var labels = pod["metadata"]?["labels"];
        return SchedulingJson.Text(labels?[RevisionHashLabel]) == hash
            || SchedulingJson.Text(labels?[TemplateGenerationLabel]) == generation.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The controller owner reference of an object, or null.</summary>
    public static JsonObject? ControllerRef(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(r => SchedulingJson.Bool(r["controller"]));

    public static JsonObject OwnerReference(string name, string uid) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>
    /// Whether a label selector (<c>matchLabels</c> and <c>matchExpressions</c>) selects <paramref name="labels"/>.
    /// An empty or missing selector selects nothing, as for a DaemonSet (the API rejects one anyway).
    /// </summary>
    public static bool SelectorMatches(JsonNode? selector, JsonNode? labels)
    {
        var have = SchedulingJson.Labels(labels);
        var matchLabels = SchedulingJson.Labels(selector?["matchLabels"]);
        var expressions = (selector?["matchExpressions"] as JsonArray) ?? [];
        if (matchLabels.Count == 0 && expressions.Count == 0)
        {
            return false;
        }
        if (!have.ContainsAll(matchLabels))
        {
            return false;
        }
        foreach (var expression in expressions)
        {
            var key = SchedulingJson.Text(expression?["key"]) ?? "";
            var values = ((expression?["values"] as JsonArray) ?? []).Select(SchedulingJson.Text).ToHashSet(StringComparer.Ordinal);
            var present = have.TryGetValue(key, out var value);
            var ok = SchedulingJson.Text(expression?["operator"]) switch
            {
                "In" => present && values.Contains(value),
                "NotIn" => !present || !values.Contains(value),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A new daemon pod for <paramref name="nodeName"/>: the template's metadata and spec, the DaemonSet's owner
    /// reference, the revision labels, the node binding and the tolerations the DaemonSet controller adds by itself.
    /// It starts Pending and already scheduled (the simulator binds directly, there is no scheduler).
    /// </summary>
    public static JsonObject NewPod(JsonObject daemonSet, string nodeName, string hash, long generation, string timestamp)
    {
        var name = SchedulingJson.Name(daemonSet);
        var template = daemonSet["spec"]?["template"] as JsonObject ?? [];
        var metadata = template["metadata"]?.DeepClone() as JsonObject ?? [];
        metadata.Remove("name");
        metadata.Remove("creationTimestamp");
        metadata["generateName"] = name + "-";
        metadata["namespace"] = SchedulingJson.Namespace(daemonSet);
        var labels = metadata["labels"] as JsonObject ?? [];
        labels[RevisionHashLabel] = hash;
        labels[TemplateGenerationLabel] = generation.ToString(CultureInfo.InvariantCulture);
        metadata["labels"] = labels;
        metadata["ownerReferences"] = new JsonArray(OwnerReference(name, SchedulingJson.Uid(daemonSet)));

        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["nodeName"] = nodeName;
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var auto in TaintToleration.DaemonSetAutoTolerations(SchedulingJson.Bool(spec["hostNetwork"])))
        {
            // AddOrUpdateTolerationInPodSpec: a toleration with the same key and effect is replaced, not duplicated.
            var effect = auto.Effect!.Value.ToString();
            foreach (var same in tolerations.Where(t => SchedulingJson.Text(t?["key"]) == auto.Key && SchedulingJson.Text(t?["effect"]) == effect).ToList())
            {
                tolerations.Remove(same);
            }
            tolerations.Add(new JsonObject { ["key"] = auto.Key, ["operator"] = "Exists", ["effect"] = effect });
        }
        spec["tolerations"] = tolerations;

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = PodLifecycle.PendingStatus(timestamp),
        };
    }
}
