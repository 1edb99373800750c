using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>One entry of the simulator's <c>GET /admin/requests</c>, as the tests read it.</summary>
internal sealed record RecordedWrite(string Method, string Path, string? ImpersonatedUser, IReadOnlyList<string> ImpersonatedGroups, string? AuthorizedAs, int Status)
{
    /// <summary>The path without its query string.</summary>
    public string PathOnly => Path.Split('?')[0];
}

/// <summary>Reads and clears the simulator's record of recent writes over its admin API.</summary>
internal static class ImpersonationRequestRecord
{
    public const string Path = "/admin/requests";

    public static async Task<(int Capacity, IReadOnlyList<RecordedWrite> Items)> ReadAsync(AdminClient admin)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await admin.Http.GetAsync(Path, ct).WaitAsync(TestTimeouts.Default, ct);
        var body = await response.Content.ReadAsStringAsync(ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {Path}: {(int)response.StatusCode} {body}");
        var json = JsonNode.Parse(body)!;
        var items = json["items"]!.AsArray().Select(static i => new RecordedWrite(
            i!["method"]!.GetValue<string>(),
            i["path"]!.GetValue<string>(),
            i["impersonatedUser"]?.GetValue<string>(),
            [.. i["impersonatedGroups"]!.AsArray().Select(static g => g!.GetValue<string>())],
            i["authorizedAs"]?.GetValue<string>(),
            i["status"]!.GetValue<int>())).ToList();
        return (json["capacity"]!.GetValue<int>(), items);
    }

    /// <summary>The recorded writes to <paramref name="path"/> (query string ignored).</summary>
    public static async Task<IReadOnlyList<RecordedWrite>> WritesToAsync(AdminClient admin, string path) =>
        [.. (await ReadAsync(admin)).Items.Where(w => w.PathOnly == path)];

    public static async Task ClearAsync(AdminClient admin)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await admin.Http.DeleteAsync(Path, ct).WaitAsync(TestTimeouts.Default, ct);
        Assert.True(response.IsSuccessStatusCode, $"DELETE {Path}: {(int)response.StatusCode}");
    }
}
