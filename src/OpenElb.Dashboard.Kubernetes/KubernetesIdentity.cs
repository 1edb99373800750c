namespace OpenElb.Dashboard.Kubernetes;

/// <summary>
/// A Kubernetes user to act as: the dashboard's writes and access reviews carry it as the <c>Impersonate-User</c> and
/// <c>Impersonate-Group</c> headers, so that the API server authorizes them (RBAC) and audits them as this user rather
/// than as the dashboard's own identity. The dashboard's identity itself then needs <c>impersonate</c> on
/// <c>users</c> (and on <c>groups</c> when groups are given); without it the API server refuses with 403.
/// </summary>
/// <remarks>
/// The API server takes the groups exactly as given: it does not add the groups the user has elsewhere (it cannot
/// know them), only <c>system:authenticated</c>. Immutable; compared by value (user and groups in order).
/// <para>
/// At most one group can be sent today: .NET's <see cref="HttpClient"/> (under KubernetesClient, which negotiates HTTP/2
/// and falls back to HTTP/1.1) joins the values of a repeated header into one comma-separated field
/// (dotnet/runtime#63808), which the API server reads as a single group named <c>"a, b"</c>
/// (kubernetes/kubernetes#94683). The writer and the access reviewers refuse such an identity instead of sending it;
/// see <see cref="CanBeSent"/>. The integration test <c>KubernetesClient_TwoGroupHeaderValues_ArriveAsOneJoinedGroup</c>
/// pins the client's behaviour.
/// </para>
/// </remarks>
/// <param name="User">The user name (<c>Impersonate-User</c>); not empty, no line breaks.</param>
/// <param name="Groups">The groups (one <c>Impersonate-Group</c> each); each not empty, no line breaks. May be empty.</param>
public sealed record KubernetesIdentity(string User, IReadOnlyList<string> Groups)
{
    /// <summary>The header naming the user to act as.</summary>
    public const string UserHeader = "Impersonate-User";

    /// <summary>The header naming one group of that user; repeated once per group.</summary>
    public const string GroupHeader = "Impersonate-Group";

    private readonly string _user = ValidUser(User);
    private readonly string[] _groups = ValidGroups(Groups);

    /// <summary>A user without groups.</summary>
    public KubernetesIdentity(string user)
        : this(user, [])
    {
    }

    /// <summary>The user name.</summary>
    public string User
    {
        get => _user;
        init => _user = ValidUser(value);
    }

    /// <summary>The groups, in the order given (a private copy).</summary>
    public IReadOnlyList<string> Groups
    {
        get => _groups.AsReadOnly();
        init => _groups = ValidGroups(value);
    }

    /// <summary>
    /// Whether KubernetesClient can send this identity faithfully: at most one group (see remarks). When <c>false</c>,
    /// <see cref="Writing.ClusterWriter"/> sends nothing and the access reviewers answer without asking.
    /// </summary>
    public bool CanBeSent => _groups.Length <= 1;

    /// <summary>Why this identity cannot be sent, or <c>null</c> when it can.</summary>
    internal string? NotSendableReason => CanBeSent
        ? null
        : $"Cannot act as user \"{_user}\" with {_groups.Length} groups: the HTTP client joins repeated Impersonate-Group headers into one line, which the API server would read as a single group; nothing was sent.";

    /// <summary>The request headers that carry this identity (KubernetesClient's <c>customHeaders</c>).</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<string>> ToHeaders()
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { [UserHeader] = [_user] };
        if (_groups.Length > 0)
        {
            headers[GroupHeader] = _groups;
        }
        return headers;
    }

    /// <summary>The headers for <paramref name="identity"/>, or <c>null</c> (no custom headers) when there is none.</summary>
    internal static IReadOnlyDictionary<string, IReadOnlyList<string>>? HeadersFor(KubernetesIdentity? identity) => identity?.ToHeaders();

    /// <inheritdoc />
    public bool Equals(KubernetesIdentity? other) =>
        other is not null && string.Equals(_user, other._user, StringComparison.Ordinal) && _groups.SequenceEqual(other._groups, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_user, StringComparer.Ordinal);
        foreach (var group in _groups)
        {
            hash.Add(group, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    private static string ValidUser(string user)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        return HasLineBreak(user) ? throw new ArgumentException("A user name cannot contain line breaks or NUL.", nameof(user)) : user;
    }

    private static string[] ValidGroups(IReadOnlyList<string> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var copy = groups.ToArray();
        foreach (var group in copy)
        {
            if (string.IsNullOrWhiteSpace(group) || HasLineBreak(group))
            {
                throw new ArgumentException("A group name cannot be empty or contain line breaks or NUL.", nameof(groups));
            }
        }
        return copy;
    }

    private static bool HasLineBreak(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;
}
