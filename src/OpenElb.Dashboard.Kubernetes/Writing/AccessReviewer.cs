using k8s;
using k8s.Autorest;
using k8s.Models;

namespace OpenElb.Dashboard.Kubernetes.Writing;

/// <summary>What the dashboard's cluster identity may do, as the API server's SelfSubjectAccessReview answers it.</summary>
/// <param name="PatchNodes">May patch nodes (labels, taints).</param>
/// <param name="PatchSpeakerDaemonSet">May patch the speaker DaemonSet (placement).</param>
/// <param name="DeleteSpeakerPods">May delete speaker pods (restarts).</param>
/// <param name="Error">Why the review could not be made, or <c>null</c>.</param>
public sealed record ClusterPermissions(bool PatchNodes, bool PatchSpeakerDaemonSet, bool DeleteSpeakerPods, string? Error = null);

/// <summary>
/// Answers "may this identity patch nodes / patch the DaemonSet / delete speaker pods" with SelfSubjectAccessReviews.
/// Stateless and thread-safe; every call asks the API server afresh (permissions can change at any time).
/// </summary>
public sealed class AccessReviewer(IKubernetes client)
{
    /// <summary>
    /// Reviews the three permissions the wizards need, for the speaker workload in <paramref name="speakerNamespace"/>.
    /// Never throws for an API failure: an unreachable server or a failed review answers "not allowed" with
    /// <see cref="ClusterPermissions.Error"/> set. Throws <see cref="OperationCanceledException"/> only when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="speakerNamespace">The speaker workload's namespace.</param>
    /// <param name="cancellationToken">Cancels the reviews.</param>
    /// <param name="impersonate">
    /// When given, the reviews are sent with the impersonation headers and answer for that user; when the dashboard
    /// may not impersonate, everything is "not allowed" with the API server's refusal as the error.
    /// </param>
    public async Task<ClusterPermissions> ReviewAsync(string speakerNamespace, CancellationToken cancellationToken, KubernetesIdentity? impersonate = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(speakerNamespace);
        if (impersonate?.NotSendableReason is { } notSendable)
        {
            return new ClusterPermissions(false, false, false, notSendable);
        }
        var headers = KubernetesIdentity.HeadersFor(impersonate);
        try
        {
            var nodes = await AllowedAsync("patch", "", "nodes", null, headers, cancellationToken).ConfigureAwait(false);
            var daemonSets = await AllowedAsync("patch", "apps", "daemonsets", speakerNamespace, headers, cancellationToken).ConfigureAwait(false);
            var pods = await AllowedAsync("delete", "", "pods", speakerNamespace, headers, cancellationToken).ConfigureAwait(false);
            return new ClusterPermissions(nodes, daemonSets, pods);
        }
        catch (HttpOperationException e) when (e.Response is not null)
        {
            return new ClusterPermissions(false, false, false, $"The access review failed: {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}.");
        }
        catch (HttpRequestException e)
        {
            return new ClusterPermissions(false, false, false, $"The API server is unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller's cancellation.
            return new ClusterPermissions(false, false, false, "The API server did not answer the access review in time.");
        }
    }

    private async Task<bool> AllowedAsync(
        string verb, string group, string resource, string? ns, IReadOnlyDictionary<string, IReadOnlyList<string>>? headers, CancellationToken cancellationToken)
    {
        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes { Verb = verb, Group = group, Resource = resource, NamespaceProperty = ns },
            },
        };
        using var response = await client.AuthorizationV1.CreateSelfSubjectAccessReviewWithHttpMessagesAsync(review, customHeaders: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Body.Status?.Allowed == true;
    }
}
