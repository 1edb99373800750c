namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>
/// One resource type the simulator serves: its API group and version, plural path segment, kind and scope.
/// Instances are immutable and compared by reference through <see cref="ResourceCatalog"/>.
/// </summary>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames)
{
    /// <summary>The <c>apiVersion</c> written into objects of this kind.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The kind of a list of these objects.</summary>
    public string ListKind => Kind + "List";

    /// <summary>The group and version path prefix, <c>/api/v1</c> or <c>/apis/GROUP/VERSION</c>.</summary>
    public string PathPrefix => Group.Length == 0 ? "/api/" + Version : $"/apis/{Group}/{Version}";
}
