using System.Text.Json;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Auth;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Kubernetes.Writing;

namespace OpenElb.Dashboard.Model;

/// <summary>Builds the audit records of a change: the pending entry before a write and its completion after. Pure.</summary>
public static class ChangeAudit
{
    /// <summary>The pending entry for step <paramref name="step"/> (from 1) of a run made by <paramref name="actor"/>.</summary>
    public static AuditEntry Pending(ChangePreview preview, PlannedPatch patch, Guid correlation, int step, DashboardActor actor)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(actor);
        var index = IndexOf(preview, patch);
        var node = patch.Target.Kind == "Node" ? preview.Snapshot.FindNode(patch.Target.Name) : null;
        var (before, _) = States(patch);
        return new AuditEntry
        {
            CorrelationId = correlation,
            Step = step,
            ActorUserName = actor.UserName,
            ActorDisplayName = actor.DisplayName,
            ActorAuthMethod = actor.AuthMethod,
            ActorGroups = [.. actor.Groups],
            ImpersonatedUser = actor.ImpersonatedUser,
            Action = preview.Action ?? ActionOf(preview.Plan.Request, patch.Step),
            TargetKind = patch.Target.Kind,
            TargetNamespace = patch.Target.Namespace,
            TargetName = patch.Target.Name,
            ResourceVersionBefore = patch.ResourceVersion ?? node?.ResourceVersion,
            RequestBody = patch.Body,
            BeforeState = before,
            DryRunResult = index >= 0 && index < preview.DryRuns.Count ? DryRunJson(preview.DryRuns[index]) : null,
            PredictedImpact = PredictedImpact(preview.Plan, patch),
        };
    }

    /// <summary>The after-state of a patch: the changed fields as they will read once applied (<c>{path: value}</c>).</summary>
    public static string? AfterState(PlannedPatch patch) => States(patch).After;

    /// <summary>The completion for a write result.</summary>
    public static AuditCompletion Completion(WriteResult result, string? message, string? afterState)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new AuditCompletion(
            OutcomeOf(result.Outcome),
            result.HttpStatus,
            message,
            result.AuditId,
            result.ResourceVersionAfter,
            result.Succeeded ? afterState : null);
    }

    /// <summary>The audit outcome of a write outcome (an unknown result is recorded as failed, with the writer's message).</summary>
    public static AuditOutcome OutcomeOf(WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.Succeeded => AuditOutcome.Succeeded,
        WriteOutcome.Conflict => AuditOutcome.Conflict,
        WriteOutcome.Denied => AuditOutcome.Denied,
        _ => AuditOutcome.Failed,
    };

    /// <summary>The audit action of the request step a patch belongs to.</summary>
    public static AuditAction ActionOf(ChangeRequest request, int step) => request switch
    {
        CompositeChange composite when step >= 0 && step < composite.Steps.Count => ActionOf(composite.Steps[step], 0),
        SetNodeLabels => AuditAction.LabelNodes,
        SetNodeTaints => AuditAction.TaintNodes,
        SetSpeakerPlacement => AuditAction.SetSpeakerPlacement,
        RestartSpeakers => AuditAction.RestartSpeakers,
        _ => throw new ArgumentException($"No audit action for {request.GetType().Name}.", nameof(request)),
    };

    private static int IndexOf(ChangePreview preview, PlannedPatch patch)
    {
        for (var i = 0; i < preview.Patches.Count; i++)
        {
            if (ReferenceEquals(preview.Patches[i], patch) || preview.Patches[i] == patch)
            {
                return i;
            }
        }
        return -1;
    }

    // Before and after values of the fields a patch changes, keyed by path as ObservedChangeDetector names them
    // (metadata.labels[key], spec.taints, spec.template.spec.…), so reconciliation can compare them with a snapshot;
    // null for a patch without fields (a pod delete).
    private static (string? Before, string? After) States(PlannedPatch patch)
    {
        if (patch.Fields.IsEmpty)
        {
            return (null, null);
        }
        var before = new JsonObject();
        var after = new JsonObject();
        foreach (var field in patch.Fields)
        {
            before[field.Path] = field.Before;
            after[field.Path] = field.After;
        }
        return (before.ToJsonString(), after.ToJsonString());
    }

    private static string DryRunJson(WriteResult dryRun) => JsonSerializer.Serialize(new
    {
        outcome = dryRun.Outcome.ToString(),
        status = dryRun.HttpStatus,
        message = dryRun.Message,
        auditId = dryRun.AuditId,
    });

    private static string PredictedImpact(ChangePlan plan, PlannedPatch patch)
    {
        var node = patch.Target.Kind == "Node" ? plan.Nodes.FirstOrDefault(n => n.NodeName == patch.Target.Name) : null;
        return JsonSerializer.Serialize(new
        {
            summary = patch.Summary,
            change = plan.Request.Describe(),
            node = node is null ? null : new { outcome = node.Outcome.ToString(), why = node.Why },
            gains = plan.Gaining.Select(static n => n.NodeName).ToArray(),
            loses = plan.Losing.Select(static n => n.NodeName).ToArray(),
            routers = plan.Routers
                .Where(static r => r.EstablishedBefore != r.EstablishedAfter || r.RedundancyBefore != r.RedundancyAfter || r.ExpectedBefore != r.ExpectedAfter)
                .Select(static r => new
                {
                    name = r.Name,
                    established = $"{r.EstablishedBefore} → {r.EstablishedAfter}",
                    redundancy = $"{r.RedundancyBefore} → {r.RedundancyAfter}",
                })
                .ToArray(),
            findingsAdded = plan.FindingsAdded.Count,
            findingsCleared = plan.FindingsCleared.Count,
        });
    }
}
