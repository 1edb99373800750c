using System.Text.Json;
using System.Text.Json.Serialization;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Kubernetes.Writing;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Api;

/// <summary>The answer to <c>POST /api/v1/changes/preview</c>: the plan, the exact patches and the server's dry runs.</summary>
/// <param name="Description">The change in one line (as the audit log records it).</param>
/// <param name="SnapshotVersion">The dashboard's snapshot version the plan was made from.</param>
/// <param name="Nodes">Per node (every node, in name order): speaker before and after, and why.</param>
/// <param name="Routers">Per router: speaker nodes and established sessions before and after.</param>
/// <param name="DropsBelowTwo">
/// Whether a router's established sessions drop below the minimum (<c>Dashboard:MinSpeakersPerRouter</c>, by default
/// two): an apply then needs <c>"confirm":"REDUCE"</c>.
/// </param>
/// <param name="MinimumSessions">That minimum.</param>
/// <param name="ConfirmationWord">The word to send as <c>confirm</c> when <paramref name="DropsBelowTwo"/>, else <c>null</c>.</param>
/// <param name="FindingsAdded">Findings the change introduces.</param>
/// <param name="FindingsCleared">Findings the change clears.</param>
/// <param name="RestartsAllSpeakers">Whether the speaker pod template changes, so every speaker restarts in turn.</param>
/// <param name="NodesNeedingRestart">Nodes whose router membership changes: OpenELB only follows after a speaker restart.</param>
/// <param name="Warnings">What to know before applying.</param>
/// <param name="HelmValues">For a Helm-managed speaker: the equivalent chart values (YAML).</param>
/// <param name="Patches">The writes, in order, each with its dry-run answer.</param>
/// <param name="DryRunAccepted">Whether the API server accepted every dry run.</param>
public sealed record ChangePreviewJson(
    string Description,
    long SnapshotVersion,
    IReadOnlyList<NodePlanJson> Nodes,
    IReadOnlyList<RouterImpactJson> Routers,
    bool DropsBelowTwo,
    int MinimumSessions,
    string? ConfirmationWord,
    IReadOnlyList<FindingJson> FindingsAdded,
    IReadOnlyList<FindingJson> FindingsCleared,
    bool RestartsAllSpeakers,
    IReadOnlyList<string> NodesNeedingRestart,
    IReadOnlyList<string> Warnings,
    string? HelmValues,
    IReadOnlyList<PatchJson> Patches,
    bool DryRunAccepted)
{
    /// <summary>Maps a preview.</summary>
    public static ChangePreviewJson From(ChangePreview preview)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var plan = preview.Plan;
        return new ChangePreviewJson(
            plan.Request.Describe(),
            plan.SnapshotVersion,
            [.. plan.Nodes.Select(static n => new NodePlanJson(
                n.NodeName,
                n.Outcome is SpeakerOutcome.Loses or SpeakerOutcome.Keeps,
                n.Outcome is SpeakerOutcome.Gains or SpeakerOutcome.Keeps,
                n.Outcome.ToString(),
                n.Why,
                n.Restarted,
                [.. n.RoutersBefore],
                [.. n.RoutersAfter]))],
            [.. plan.Routers.Select(static r => new RouterImpactJson(
                r.Name,
                [.. r.SpeakerNodesBefore],
                [.. r.SpeakerNodesAfter],
                r.EstablishedBefore,
                r.EstablishedAfter,
                r.ExpectedBefore,
                r.ExpectedAfter,
                r.RedundancyBefore.ToString(),
                r.RedundancyAfter.ToString()))],
            preview.RequiresConfirmation,
            preview.MinimumSessions,
            preview.RequiresConfirmation ? ChangesApi.ConfirmationWord : null,
            [.. plan.FindingsAdded.Select(FindingJson.From)],
            [.. plan.FindingsCleared.Select(FindingJson.From)],
            plan.PodTemplateChanges,
            [.. plan.NodesNeedingRestart],
            [.. plan.Warnings],
            plan.HelmValues,
            [.. preview.Patches.Select((p, i) => PatchJson.From(p, i < preview.DryRuns.Count ? preview.DryRuns[i] : null))],
            preview.DryRunAccepted);
    }
}

/// <summary>A node in a preview.</summary>
/// <param name="Name">Node name.</param>
/// <param name="SpeakerBefore">Whether it runs a speaker now.</param>
/// <param name="SpeakerAfter">Whether it runs a speaker after the change.</param>
/// <param name="Outcome"><c>Gains</c>, <c>Loses</c>, <c>Keeps</c> or <c>StaysWithout</c>.</param>
/// <param name="Reason">Why, in one sentence.</param>
/// <param name="Restarted">Whether its speaker pod is replaced on the way.</param>
/// <param name="RoutersBefore">Routers it sits under now.</param>
/// <param name="RoutersAfter">Routers it sits under after.</param>
public sealed record NodePlanJson(
    string Name,
    bool SpeakerBefore,
    bool SpeakerAfter,
    string Outcome,
    string Reason,
    bool Restarted,
    IReadOnlyList<string> RoutersBefore,
    IReadOnlyList<string> RoutersAfter);

/// <summary>A router in a preview.</summary>
/// <param name="Name">Router (BgpPeer or group) name.</param>
/// <param name="SpeakersBefore">Nodes under it with a speaker now.</param>
/// <param name="SpeakersAfter">Nodes under it with a speaker after.</param>
/// <param name="SessionsBefore">Established sessions now.</param>
/// <param name="SessionsAfter">Established sessions predicted after.</param>
/// <param name="ExpectedSessionsBefore">Sessions expected now.</param>
/// <param name="ExpectedSessionsAfter">Sessions expected after.</param>
/// <param name="RedundancyBefore">Verdict now.</param>
/// <param name="RedundancyAfter">Verdict after.</param>
public sealed record RouterImpactJson(
    string Name,
    IReadOnlyList<string> SpeakersBefore,
    IReadOnlyList<string> SpeakersAfter,
    int SessionsBefore,
    int SessionsAfter,
    int ExpectedSessionsBefore,
    int ExpectedSessionsAfter,
    string RedundancyBefore,
    string RedundancyAfter);

/// <summary>A finding added or cleared by a change.</summary>
/// <param name="RuleId">Rule identifier.</param>
/// <param name="Severity">Severity.</param>
/// <param name="Router">Router, or <c>null</c> for cluster-wide findings.</param>
/// <param name="Nodes">Nodes concerned.</param>
/// <param name="Message">One sentence.</param>
public sealed record FindingJson(string RuleId, string Severity, string? Router, IReadOnlyList<string> Nodes, string Message)
{
    /// <summary>Maps a finding.</summary>
    public static FindingJson From(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new FindingJson(finding.RuleId, finding.Severity.ToString(), finding.Router, [.. finding.Nodes], finding.Message);
    }
}

/// <summary>The object a patch targets.</summary>
/// <param name="Kind">Node, DaemonSet or Pod.</param>
/// <param name="Namespace">Namespace, <c>null</c> for nodes.</param>
/// <param name="Name">Name.</param>
public sealed record TargetJson(string Kind, string? Namespace, string Name)
{
    /// <summary>Maps an object reference.</summary>
    public static TargetJson From(ObjectRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new TargetJson(target.Kind, target.Namespace, target.Name);
    }
}

/// <summary>One field a patch changes.</summary>
/// <param name="Path">The field, e.g. <c>metadata.labels[openelb-speaker]</c>.</param>
/// <param name="Before">Before (rendered), or <c>null</c> when absent.</param>
/// <param name="After">After (rendered), or <c>null</c> when absent.</param>
public sealed record FieldChangeJson(string Path, string? Before, string? After);

/// <summary>A server answer to one write or dry run.</summary>
/// <param name="Outcome">Succeeded, Conflict, Denied, NotFound, Invalid, Failed, Unknown or Skipped.</param>
/// <param name="Status">The API server's HTTP status, when it answered.</param>
/// <param name="Message">The server's message, or why nothing was sent.</param>
public sealed record DryRunJson(string Outcome, int? Status, string? Message);

/// <summary>One write of a plan.</summary>
/// <param name="Step">Index of the request step it belongs to (0 for a single request; composite steps count from 0).</param>
/// <param name="Target">The object.</param>
/// <param name="Kind"><c>MergePatch</c> or <c>Delete</c>.</param>
/// <param name="Body">The patch document as sent (with its resourceVersion guard), or <c>null</c> for a delete.</param>
/// <param name="ResourceVersion">The resourceVersion the patch is guarded by.</param>
/// <param name="Summary">What it changes, in words.</param>
/// <param name="Fields">The fields it changes, before and after.</param>
/// <param name="DryRun">The API server's dry-run answer, or <c>null</c> when none was made.</param>
public sealed record PatchJson(
    int Step,
    TargetJson Target,
    string Kind,
    JsonElement? Body,
    string? ResourceVersion,
    string Summary,
    IReadOnlyList<FieldChangeJson> Fields,
    DryRunJson? DryRun)
{
    /// <summary>Maps a patch and its dry run.</summary>
    public static PatchJson From(PlannedPatch patch, WriteResult? dryRun)
    {
        ArgumentNullException.ThrowIfNull(patch);
        JsonElement? body = null;
        if (patch.Body.Length > 0)
        {
            using var document = JsonDocument.Parse(patch.Body);
            body = document.RootElement.Clone();
        }
        return new PatchJson(
            patch.Step,
            TargetJson.From(patch.Target),
            patch.Kind.ToString(),
            body,
            patch.ResourceVersion,
            patch.Summary,
            [.. patch.Fields.Select(static f => new FieldChangeJson(f.Path, f.Before, f.After))],
            dryRun is null ? null : new DryRunJson(dryRun.Outcome.ToString(), dryRun.HttpStatus, dryRun.Message));
    }
}

/// <summary>The answer to an apply that was begun: the audit correlation id and each step's outcome.</summary>
/// <param name="CorrelationId">The run's audit correlation id (every step's audit entry carries it).</param>
/// <param name="Status"><c>Succeeded</c> or <c>Failed</c> (a step failed: earlier ones stay applied, later ones were not begun).</param>
/// <param name="Message">One sentence.</param>
/// <param name="Steps">Per write, in order.</param>
/// <param name="AuditLink">The audit page filtered to this run (relative to the dashboard's base address).</param>
public sealed record ApplyResultJson(Guid CorrelationId, string Status, string Message, IReadOnlyList<StepJson> Steps, string AuditLink)
{
    /// <summary>Maps an apply result.</summary>
    public static ApplyResultJson From(ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ApplyResultJson(
            result.CorrelationId,
            result.Status.ToString(),
            result.Message,
            [.. result.Steps.Select(static s => new StepJson(
                s.Step, TargetJson.From(s.Patch.Target), s.Outcome.ToString(), s.HttpStatus, s.Message, s.AuditEntryId, s.ResourceVersionAfter))],
            result.AuditLink);
    }
}

/// <summary>One step of an apply.</summary>
/// <param name="Step">Step number, from 1 (as in the audit entry).</param>
/// <param name="Target">The object written.</param>
/// <param name="Outcome">Succeeded, Conflict, Denied, NotFound, Invalid, Failed, Unknown, or Skipped (not sent).</param>
/// <param name="Status">The API server's HTTP status.</param>
/// <param name="Message">The server's message, or why the step was not sent.</param>
/// <param name="AuditEntryId">The audit entry, or <c>null</c> when the step was not begun.</param>
/// <param name="ResourceVersionAfter">The object's resourceVersion after the write.</param>
public sealed record StepJson(int Step, TargetJson Target, string Outcome, int? Status, string? Message, long? AuditEntryId, string? ResourceVersionAfter);

/// <summary>
/// Every refusal and error: a Kubernetes <c>Status</c> (<c>kind: Status</c>, <c>status: Failure</c>, <c>reason</c>,
/// <c>code</c>, <c>details.causes[].field/message</c>), so kubectl-minded tooling reads it like an API server answer.
/// </summary>
/// <param name="Message">What happened.</param>
/// <param name="Reason">Kubernetes <c>StatusReason</c>: Invalid, Forbidden, Conflict, ServiceUnavailable, …</param>
/// <param name="Code">The HTTP status.</param>
public sealed record StatusJson(string Message, string Reason, int Code)
{
    /// <summary>Always <c>Status</c>.</summary>
    public string Kind => "Status";

    /// <summary>Always <c>v1</c>.</summary>
    public string ApiVersion => "v1";

    /// <summary>Always <c>Failure</c>.</summary>
    public string Status => "Failure";

    /// <summary>Field errors, for 400 answers.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StatusDetailsJson? Details { get; init; }

    /// <summary>The plan, when the refusal is about it (a 409 for a missing confirmation).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChangePreviewJson? Preview { get; init; }

    /// <summary>The correlation id of a refused apply (a denied one is recorded in the audit log under it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? CorrelationId { get; init; }
}

/// <summary>Kubernetes <c>StatusDetails</c>: the causes.</summary>
/// <param name="Causes">One per field error.</param>
public sealed record StatusDetailsJson(IReadOnlyList<StatusCauseJson> Causes);

/// <summary>Kubernetes <c>StatusCause</c>.</summary>
/// <param name="Reason">Cause type, e.g. <c>FieldValueInvalid</c>.</param>
/// <param name="Field">The field path in the request body.</param>
/// <param name="Message">What is wrong.</param>
public sealed record StatusCauseJson(string Reason, string Field, string Message);
