using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace OpenElb.Dashboard.Kubernetes;

/// <summary>What an access review answered.</summary>
public enum AccessAnswer
{
    /// <summary>The identity may do it.</summary>
    Allowed,

    /// <summary>The identity may not do it.</summary>
    Denied,

    /// <summary>The review could not be made (unreachable, not allowed to review, no cluster).</summary>
    Unknown,
}

/// <summary>One permission to review: a verb on a resource, as <c>kubectl auth can-i</c> names it.</summary>
/// <param name="Verb">e.g. <c>patch</c>.</param>
/// <param name="Group">API group, empty for the core group.</param>
/// <param name="Resource">Plural resource, e.g. <c>nodes</c>.</param>
/// <param name="Namespace">Namespace, or <c>null</c> for cluster-scoped resources.</param>
public sealed record AccessCheck(string Verb, string Group, string Resource, string? Namespace = null)
{
    /// <summary>The kubectl command that asks the same question.</summary>
    public string KubectlCommand =>
        $"kubectl auth can-i {Verb} {Resource}{(Group.Length == 0 ? "" : "." + Group)}{(Namespace is null ? "" : " -n " + Namespace)}";
}

/// <summary>The answer to one <see cref="AccessCheck"/>.</summary>
/// <param name="Check">The question.</param>
/// <param name="Answer">The answer.</param>
/// <param name="Reason">The API server's reason, or why there is no answer.</param>
public sealed record AccessResult(AccessCheck Check, AccessAnswer Answer, string? Reason);

/// <summary>
/// Asks the API server what the dashboard's own identity, or a user it acts as, may do (SelfSubjectAccessReview).
/// Thread-safe.
/// </summary>
public sealed class AccessReviewer(IKubernetes client)
{
    /// <summary>Reviews <paramref name="check"/>; never throws for an API or network failure (the answer is Unknown).</summary>
    /// <param name="check">The question.</param>
    /// <param name="cancellationToken">Cancels the review.</param>
    /// <param name="impersonate">
    /// When given, the review is sent with the impersonation headers and so answers for that user, as the API server
    /// reviews the impersonated user; <c>null</c> reviews the dashboard's own identity. When the dashboard may not
    /// impersonate, the answer is <see cref="AccessAnswer.Unknown"/> with the API server's message. An identity that
    /// cannot be sent faithfully (<see cref="KubernetesIdentity.CanBeSent"/>) is Unknown without asking.
    /// </param>
    public async Task<AccessResult> ReviewAsync(AccessCheck check, CancellationToken cancellationToken, KubernetesIdentity? impersonate = null)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (impersonate?.NotSendableReason is { } notSendable)
        {
            return new AccessResult(check, AccessAnswer.Unknown, notSendable);
        }
        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = check.Verb,
                    Group = check.Group,
                    Resource = check.Resource,
                    NamespaceProperty = check.Namespace,
                },
            },
        };
        try
        {
            using var response = await client.AuthorizationV1.CreateSelfSubjectAccessReviewWithHttpMessagesAsync(
                review, customHeaders: KubernetesIdentity.HeadersFor(impersonate), cancellationToken: cancellationToken).ConfigureAwait(false);
            var answer = response.Body;
            return answer.Status?.Allowed == true
                ? new AccessResult(check, AccessAnswer.Allowed, answer.Status.Reason)
                : new AccessResult(check, AccessAnswer.Denied, answer.Status?.Reason is { Length: > 0 } reason ? reason : answer.Status?.EvaluationError);
        }
        catch (HttpOperationException e)
        {
            var status = e.Response?.StatusCode;
            // With impersonation a 403 is almost always the impersonation itself being refused ("cannot impersonate"):
            // pass the API server's own words on.
            return new AccessResult(check, AccessAnswer.Unknown,
                status == HttpStatusCode.Forbidden
                    ? impersonate is not null && StatusMessage(e.Response?.Content) is { } message
                        ? $"the access review as \"{impersonate.User}\" was refused: {message}"
                        : "the dashboard may not ask the API server what it may do"
                    : $"the access review failed (HTTP {(int?)status})");
        }
        catch (HttpRequestException e)
        {
            return new AccessResult(check, AccessAnswer.Unknown, $"the API server is unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AccessResult(check, AccessAnswer.Unknown, "the API server did not answer in time");
        }
    }

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
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
