using System.Diagnostics.CodeAnalysis;

namespace OpenElb.Dashboard.Simulator.Faults;

/// <summary>
/// One RBAC-style permission: a verb on a resource of an API group, as a Role rule or a SelfSubjectAccessReview names
/// it. A subresource is part of <see cref="Resource"/> (<c>nodes/status</c>), as in RBAC, so denying <c>patch nodes</c>
/// does not deny <c>patch nodes/status</c>. Immutable; compared by value.
/// </summary>
/// <param name="Verb">get, list, watch, create, update, patch, delete.</param>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Resource">The plural resource name, optionally with <c>/subresource</c>.</param>
public readonly record struct ResourceAccess(string Verb, string Group, string Resource)
{
    /// <summary>
    /// Parses <c>VERB:RESOURCE[.GROUP][/SUBRESOURCE]</c>, the resource part spelled as <c>kubectl auth can-i</c> spells it:
    /// <c>patch:nodes</c>, <c>patch:daemonsets.apps</c>, <c>delete:pods</c>, <c>update:nodes/status</c>.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ResourceAccess? permission)
    {
        permission = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }
        var verb = text[..colon];
        var resource = text[(colon + 1)..];
        var sub = "";
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            sub = resource[slash..];
            resource = resource[..slash];
        }
        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        var group = dot >= 0 ? resource[(dot + 1)..] : "";
        resource = dot >= 0 ? resource[..dot] : resource;
        if (resource.Length == 0 || sub == "/" || verb.Any(char.IsWhiteSpace) || resource.Any(char.IsWhiteSpace))
        {
            return false;
        }
        permission = new ResourceAccess(verb, group, resource + sub);
        return true;
    }

    /// <summary>The <see cref="TryParse"/> form, e.g. <c>patch:daemonsets.apps</c>.</summary>
    public override string ToString()
    {
        var slash = Resource.IndexOf('/', StringComparison.Ordinal);
        var plural = slash >= 0 ? Resource[..slash] : Resource;
        var sub = slash >= 0 ? Resource[slash..] : "";
        return Group.Length == 0 ? $"{Verb}:{plural}{sub}" : $"{Verb}:{plural}.{Group}{sub}";
    }
}
