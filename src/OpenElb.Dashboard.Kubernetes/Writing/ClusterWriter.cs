using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OpenElb.Dashboard.Core;
using OpenElb.Dashboard.Core.Changes;

namespace OpenElb.Dashboard.Kubernetes.Writing;

/// <summary>How one write ended.</summary>
public enum WriteOutcome
{
    /// <summary>The API server accepted it (or, in a dry run, would accept it).</summary>
    Succeeded,

    /// <summary>409: the object changed since it was read (or already exists). Re-read and re-plan; never retried blindly.</summary>
    Conflict,

    /// <summary>403: the identity may not do this.</summary>
    Denied,

    /// <summary>404: the object is gone.</summary>
    NotFound,

    /// <summary>422 or 400: the API server rejected the content.</summary>
    Invalid,

    /// <summary>Any other failure (unreachable server, 5xx) where the write is known not to have been applied.</summary>
    Failed,

    /// <summary>
    /// The request was sent but no answer came (timeout or cancellation): it may or may not have been applied. Re-read
    /// the object; the watch will show which.
    /// </summary>
    Unknown,

    /// <summary>Not attempted because an earlier write of the plan did not succeed.</summary>
    Skipped,
}

/// <summary>The result of one planned write.</summary>
/// <param name="Patch">The write.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="HttpStatus">The HTTP status, when the server answered.</param>
/// <param name="Message">The server's message (its Status message) or the failure, in one sentence.</param>
/// <param name="AuditId">The API server's <c>Audit-Id</c> response header, to correlate with its audit log.</param>
/// <param name="ResourceVersionAfter">The object's resourceVersion after the write, when returned.</param>
/// <param name="DryRun">Whether it was sent with <c>dryRun=All</c>.</param>
public sealed record WriteResult(
    PlannedPatch Patch,
    WriteOutcome Outcome,
    int? HttpStatus,
    string? Message,
    string? AuditId,
    string? ResourceVersionAfter,
    bool DryRun)
{
    /// <summary>Whether the write succeeded.</summary>
    public bool Succeeded => Outcome == WriteOutcome.Succeeded;
}

/// <summary>
/// Sends a Core <see cref="ChangePlan"/>'s writes to the API server, in order, for real or as a server-side dry run.
/// Preconditions travel inside the patches (metadata.resourceVersion), so a concurrent change yields
/// <see cref="WriteOutcome.Conflict"/> instead of being overwritten. Every patch is sent with
/// <c>fieldManager=</c><see cref="KnownFieldManagers.Dashboard"/>. Thread-safe; holds no state between calls.
/// </summary>
public sealed class ClusterWriter(IKubernetes client)
{
    private const string AuditIdHeader = "Audit-Id";

    // Every patch names the dashboard as its field manager, so that the observed-change recorder can tell the
    // dashboard's own (already audited) writes from drift by reading managedFields.
    private const string FieldManager = KnownFieldManagers.Dashboard;

    /// <summary>
    /// Sends every write of <paramref name="plan"/> in order and stops at the first that does not succeed; the rest are
    /// returned as <see cref="WriteOutcome.Skipped"/>. An invalid plan sends nothing.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="dryRun">Whether to send the writes with <c>dryRun=All</c>.</param>
    /// <param name="cancellationToken">Cancels the writes not yet answered.</param>
    /// <param name="impersonate">
    /// When given, every write is sent as this user (see <see cref="WriteAsync"/>); <c>null</c> sends as the dashboard's
    /// own identity.
    /// </param>
    public async Task<IReadOnlyList<WriteResult>> ApplyAsync(ChangePlan plan, bool dryRun, CancellationToken cancellationToken, KubernetesIdentity? impersonate = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.IsValid)
        {
            throw new ArgumentException("An invalid plan cannot be applied; show its errors instead.", nameof(plan));
        }
        var results = new List<WriteResult>(plan.Patches.Count);
        var stopped = false;
        for (var i = 0; i < plan.Patches.Count; i++)
        {
            var patch = plan.Patches[i];
            if (stopped)
            {
                results.Add(new WriteResult(patch, WriteOutcome.Skipped, null, "Not sent: an earlier write did not succeed.", null, null, dryRun));
                continue;
            }
            WriteResult result;
            try
            {
                result = await WriteAsync(patch, dryRun, cancellationToken, impersonate).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled mid-plan: earlier writes have landed, so return what happened instead of throwing it away.
                result = new WriteResult(patch, WriteOutcome.Unknown, null, "Cancelled while the request was in flight; it may or may not have been applied.", null, null, dryRun);
            }
            results.Add(result);
            stopped = !result.Succeeded;
        }
        return results;
    }

    /// <summary>Sends one write.</summary>
    /// <param name="patch">The write.</param>
    /// <param name="dryRun">Whether to send it with <c>dryRun=All</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <param name="impersonate">
    /// When given, the request carries <c>Impersonate-User</c> and one <c>Impersonate-Group</c> per group, so the API
    /// server authorizes and audits it as that user. A refusal (the user may not do it, or the dashboard may not
    /// impersonate: "cannot impersonate") is <see cref="WriteOutcome.Denied"/> with the API server's message. An
    /// identity that cannot be sent faithfully (<see cref="KubernetesIdentity.CanBeSent"/>) is
    /// <see cref="WriteOutcome.Failed"/> and nothing is sent.
    /// </param>
    public async Task<WriteResult> WriteAsync(PlannedPatch patch, bool dryRun, CancellationToken cancellationToken, KubernetesIdentity? impersonate = null)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var dry = dryRun ? "All" : null;
        var target = patch.Target;
        if (target.Kind is "DaemonSet" or "Deployment" or "Pod" && string.IsNullOrEmpty(target.Namespace))
        {
            return new WriteResult(patch, WriteOutcome.Failed, null, $"The {target.Kind} '{target.Name}' has no namespace; nothing was sent.", null, null, dryRun);
        }
        if (impersonate?.NotSendableReason is { } notSendable)
        {
            return new WriteResult(patch, WriteOutcome.Failed, null, notSendable, null, null, dryRun);
        }
        var headers = KubernetesIdentity.HeadersFor(impersonate);
        try
        {
            switch (patch.Kind, target.Kind)
            {
                case (PatchKind.MergePatch, "Node"):
                {
                    using var response = await client.CoreV1.PatchNodeWithHttpMessagesAsync(
                        Merge(patch), target.Name, dryRun: dry, fieldManager: FieldManager, customHeaders: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return Success(patch, response.Response, response.Body?.Metadata?.ResourceVersion, dryRun);
                }
                case (PatchKind.MergePatch, "DaemonSet"):
                {
                    using var response = await client.AppsV1.PatchNamespacedDaemonSetWithHttpMessagesAsync(
                        Merge(patch), target.Name, target.Namespace!, dryRun: dry, fieldManager: FieldManager, customHeaders: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return Success(patch, response.Response, response.Body?.Metadata?.ResourceVersion, dryRun);
                }
                case (PatchKind.MergePatch, "Deployment"):
                {
                    using var response = await client.AppsV1.PatchNamespacedDeploymentWithHttpMessagesAsync(
                        Merge(patch), target.Name, target.Namespace!, dryRun: dry, fieldManager: FieldManager, customHeaders: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return Success(patch, response.Response, response.Body?.Metadata?.ResourceVersion, dryRun);
                }
                case (PatchKind.Delete, "Pod"):
                {
                    using var response = await client.CoreV1.DeleteNamespacedPodWithHttpMessagesAsync(
                        target.Name, target.Namespace!, dryRun: dry, customHeaders: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return Success(patch, response.Response, null, dryRun);
                }
                default:
                    return new WriteResult(patch, WriteOutcome.Failed, null, $"The writer cannot send a {patch.Kind} to a {target.Kind}.", null, null, dryRun);
            }
        }
        catch (HttpOperationException e) when (e.Response is not null)
        {
            var status = e.Response.StatusCode;
            var outcome = status switch
            {
                HttpStatusCode.Conflict => WriteOutcome.Conflict,
                HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => WriteOutcome.Denied,
                HttpStatusCode.NotFound => WriteOutcome.NotFound,
                HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => WriteOutcome.Invalid,
                _ => WriteOutcome.Failed,
            };
            return new WriteResult(patch, outcome, (int)status, StatusMessage(e.Response.Content) ?? e.Response.ReasonPhrase, AuditId(e.Response), null, dryRun);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            return new WriteResult(patch, WriteOutcome.Failed, null, $"The API server is unreachable: {e.Message}", null, null, dryRun);
        }
        catch (HttpRequestException e)
        {
            // The connection broke after the request may have been sent.
            return new WriteResult(patch, WriteOutcome.Unknown, null, $"The connection to the API server broke: {e.Message}; the write may or may not have been applied.", null, null, dryRun);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WriteResult(patch, WriteOutcome.Unknown, null, "The API server did not answer in time; the write may or may not have been applied.", null, null, dryRun);
        }
    }

    private static V1Patch Merge(PlannedPatch patch) => new(patch.Body, V1Patch.PatchType.MergePatch);

    private static WriteResult Success(PlannedPatch patch, HttpResponseMessage response, string? resourceVersion, bool dryRun) =>
        new(patch, WriteOutcome.Succeeded, (int)response.StatusCode, null, AuditId(response), resourceVersion, dryRun);

    private static string? AuditId(HttpResponseMessage response) =>
        response.Headers.TryGetValues(AuditIdHeader, out var values) ? values.FirstOrDefault() : null;

    private static string? AuditId(HttpResponseMessageWrapper response) =>
        response.Headers?.FirstOrDefault(static h => string.Equals(h.Key, AuditIdHeader, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    /// <summary>The message of a Kubernetes Status body, or <c>null</c>.</summary>
    private static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
