using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>One mutating API request as the simulator received and answered it.</summary>
/// <param name="Time">When the answer was sent.</param>
/// <param name="Method">POST, PUT, PATCH or DELETE.</param>
/// <param name="Path">The path with its query string.</param>
/// <param name="ImpersonatedUser">The <c>Impersonate-User</c> header, or <c>null</c>.</param>
/// <param name="ImpersonatedGroups">The <c>Impersonate-Group</c> headers, one entry per header line.</param>
/// <param name="AuthorizedAs">The user the request was authorized as, or <c>null</c> when impersonating was refused.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="AuditId">The <c>Audit-Id</c> answered.</param>
internal sealed record RecordedRequest(
    DateTimeOffset Time,
    string Method,
    string Path,
    string? ImpersonatedUser,
    ImmutableArray<string> ImpersonatedGroups,
    string? AuthorizedAs,
    int Status,
    string? AuditId)
{
    public JsonObject ToJson() => new()
    {
        ["time"] = Time.ToString("O", CultureInfo.InvariantCulture),
        ["method"] = Method,
        ["path"] = Path,
        ["impersonatedUser"] = ImpersonatedUser,
        ["impersonatedGroups"] = new JsonArray([.. ImpersonatedGroups.Select(static g => (JsonNode)g)]),
        ["authorizedAs"] = AuthorizedAs,
        ["status"] = Status,
        ["auditId"] = AuditId,
    };
}

/// <summary>
/// The last <see cref="Capacity"/> mutating API requests (POST, PUT, PATCH, DELETE under <c>/api</c> and <c>/apis</c>,
/// refused ones included), oldest first: who made recent writes, for <c>GET /admin/requests</c>. Thread-safe.
/// </summary>
internal sealed class RequestLog
{
    public const int Capacity = 200;

    private readonly Lock _lock = new();
    private readonly Queue<RecordedRequest> _entries = new(Capacity);

    /// <summary>Whether a request with this method is recorded.</summary>
    public static bool IsMutating(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    public void Add(RecordedRequest request)
    {
        lock (_lock)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
            }
            _entries.Enqueue(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    public JsonObject ToJson() => new()
    {
        ["capacity"] = Capacity,
        ["items"] = new JsonArray([.. Snapshot().Select(static r => (JsonNode)r.ToJson())]),
    };
}
