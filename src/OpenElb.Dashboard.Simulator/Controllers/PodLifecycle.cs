using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Controllers;

/// <summary>What the simulated kubelet remembers of one pod: the moments its status was derived from. Not thread-safe.</summary>
internal sealed class PodClock(DateTimeOffset firstSeen)
{
    public DateTimeOffset FirstSeen { get; } = firstSeen;

    public DateTimeOffset? RunningSince { get; set; }

    public DateTimeOffset? LastCrash { get; set; }
}

/// <summary>The delays of the simulated kubelet, from <see cref="SimulatorOptions"/>.</summary>
internal sealed record PodTiming(TimeSpan StartDelay, TimeSpan ReadyDelay, TimeSpan CrashLoopRestartInterval);

/// <summary>
/// The simulated kubelet: moves a pod's status Pending → Running → Ready after the configured delays, and makes it
/// crash-loop (restartCount grows, Ready False, a waiting CrashLoopBackOff state) while its node is in the crash-loop
/// fault. Edits the status in place and only where something changes, so an idle pod causes no write.
/// </summary>
internal static class PodLifecycle
{
    public static JsonObject PendingStatus(string timestamp) => new()
    {
        ["phase"] = "Pending",
        ["conditions"] = new JsonArray(Condition("PodScheduled", "True", timestamp)),
        ["qosClass"] = "Burstable",
    };

    /// <summary>
    /// Advances <paramref name="pod"/>'s status to <paramref name="now"/>; returns when it next needs attention (or null),
    /// and whether the status changed (so that a steady pod costs neither a copy nor a write).
    /// </summary>
    public static (DateTimeOffset? Due, bool Changed) Advance(JsonObject pod, PodClock clock, DateTimeOffset now, PodTiming timing, bool crashLoop, bool nodeReady, string? nodeIp)
    {
        var changed = pod["status"] is not JsonObject;
        var status = pod["status"] as JsonObject ?? [];
        pod["status"] = status;
        var timestamp = Timestamp(now);
        var phase = SchedulingJson.Text(status["phase"]) ?? "Pending";
        if (phase == "Pending")
        {
            var due = clock.FirstSeen + timing.StartDelay;
            if (now < due)
            {
                return (due, changed);
            }
            changed = true;
            status["phase"] = "Running";
            status["startTime"] ??= timestamp;
            if (nodeIp is not null)
            {
                status["hostIP"] ??= nodeIp;
                status["podIP"] ??= nodeIp;
            }
            SetCondition(status, "Initialized", "True", timestamp);
            if (!crashLoop)
            {
                SetContainersRunning(pod, status, timestamp);
                clock.RunningSince = now;
            }
            phase = "Running";
        }
        if (phase != "Running")
        {
            return (null, changed);
        }

        if (crashLoop)
        {
            if (clock.LastCrash is not { } last || now >= last + timing.CrashLoopRestartInterval)
            {
                Crash(pod, status, timestamp);
                clock.LastCrash = now;
                changed = true;
            }
            clock.RunningSince = null;
            changed |= SetCondition(status, "ContainersReady", "False", timestamp);
            changed |= SetCondition(status, "Ready", "False", timestamp);
            return (clock.LastCrash + timing.CrashLoopRestartInterval, changed);
        }

        DateTimeOffset? next = null;
        var statuses = status["containerStatuses"] as JsonArray;
        if (statuses is null || statuses.Any(s => s?["state"]?["running"] is null))
        {
            // First sight of a pod that was never started here, or a crash loop that just ended: the container (re)starts.
            SetContainersRunning(pod, status, timestamp);
            clock.RunningSince = now;
            clock.LastCrash = null;
            changed = true;
            statuses = (JsonArray)status["containerStatuses"]!;
        }
        var containersReady = statuses.All(s => SchedulingJson.Bool(s?["ready"]));
        if (!containersReady)
        {
            clock.RunningSince ??= now;
            var due = clock.RunningSince.Value + timing.ReadyDelay;
            if (now >= due)
            {
                foreach (var s in statuses.OfType<JsonObject>())
                {
                    s["ready"] = true;
                }
                containersReady = true;
                changed = true;
            }
            else
            {
                next = due;
            }
        }
        changed |= SetCondition(status, "ContainersReady", containersReady ? "True" : "False", timestamp);
        // Like the node lifecycle controller, a NotReady node makes its pods NotReady; the containers are untouched.
        changed |= SetCondition(status, "Ready", containersReady && nodeReady ? "True" : "False", timestamp);
        return (next, changed);
    }

    public static bool IsReady(JsonObject pod) => SchedulingJson.ConditionStatus(pod, "Ready") == "True";

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void SetContainersRunning(JsonObject pod, JsonObject status, string timestamp)
    {
        var previous = status["containerStatuses"] as JsonArray;
        var statuses = new JsonArray();
        foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = SchedulingJson.Text(container["name"]);
            var old = previous?.OfType<JsonObject>().FirstOrDefault(s => SchedulingJson.Text(s["name"]) == name);
            var entry = new JsonObject
            {
                ["name"] = name,
                ["image"] = container["image"]?.DeepClone(),
                ["ready"] = false,
                ["started"] = true,
                ["restartCount"] = SchedulingJson.Long(old?["restartCount"]),
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = timestamp } },
            };
            if (old?["lastState"] is { } lastState)
            {
                entry["lastState"] = lastState.DeepClone();
            }
            statuses.Add(entry);
        }
        status["containerStatuses"] = statuses;
    }

    private static void Crash(JsonObject pod, JsonObject status, string timestamp)
    {
        if (status["containerStatuses"] is not JsonArray)
        {
            SetContainersRunning(pod, status, timestamp);
        }
        foreach (var s in ((JsonArray)status["containerStatuses"]!).OfType<JsonObject>())
        {
            var startedAt = s["state"]?["running"]?["startedAt"]?.DeepClone() ?? timestamp;
            s["restartCount"] = SchedulingJson.Long(s["restartCount"]) + 1;
            s["ready"] = false;
            s["started"] = false;
            s["lastState"] = new JsonObject
            {
                ["terminated"] = new JsonObject
                {
                    ["exitCode"] = 1,
                    ["reason"] = "Error",
                    ["startedAt"] = startedAt,
                    ["finishedAt"] = timestamp,
                },
            };
            s["state"] = new JsonObject
            {
                ["waiting"] = new JsonObject
                {
                    ["reason"] = "CrashLoopBackOff",
                    ["message"] = $"back-off restarting failed container {SchedulingJson.Text(s["name"])} in pod {SchedulingJson.Name(pod)}",
                },
            };
        }
    }

    private static JsonObject Condition(string type, string value, string timestamp) => new()
    {
        ["type"] = type,
        ["status"] = value,
        ["lastTransitionTime"] = timestamp,
    };

    private static bool SetCondition(JsonObject status, string type, string value, string timestamp)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            status["conditions"] = conditions = [];
        }
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => SchedulingJson.Text(c["type"]) == type);
        if (existing is null)
        {
            conditions.Add(Condition(type, value, timestamp));
            return true;
        }
        if (SchedulingJson.Text(existing["status"]) == value)
        {
            // Only a real transition touches the condition: an unchanged pod must cause no write.
            return false;
        }
        existing["status"] = value;
        existing["lastTransitionTime"] = timestamp;
        return true;
    }
}
