using Microsoft.AspNetCore.SignalR.Client;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>One <c>topology</c> message of <c>/hubs/topology</c> (the fields the driver reads).</summary>
internal sealed record TopologyMessage(long SnapshotVersion, DateTimeOffset UpdatedAt, string Feed, Summary Summary, IReadOnlyList<RouterSummary> Routers);

internal sealed record RouterSummary(string Name, string State, int SpeakersReady, int SessionsEstablished, int SessionsExpected);

/// <summary>A message and when it arrived (UTC ms, this machine's clock, as the browser's Date.now()).</summary>
internal sealed record Arrival(long AtMs, TopologyMessage Message);

/// <summary>
/// Wall clients of the SignalR topology feed (what a NOC tool or a custom wall uses). Each keeps every message with its
/// arrival time and counts unexpected closes.
/// </summary>
internal sealed class HubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly List<Arrival> _arrivals = [];
    private bool _stopping;
    private int _closes;

    private HubClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<TopologyMessage>("topology", message =>
        {
            var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (_arrivals)
            {
                _arrivals.Add(new Arrival(at, message));
            }
        });
        _connection.Closed += _ =>
        {
            if (!_stopping)
            {
                Interlocked.Increment(ref _closes);
            }
            return Task.CompletedTask;
        };
    }

    /// <summary>Closes the driver did not ask for.</summary>
    public int UnexpectedCloses => Volatile.Read(ref _closes);

    public bool Connected => _connection.State == HubConnectionState.Connected;

    public static async Task<HubClient> ConnectAsync(Uri baseAddress)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, "/hubs/topology")).Build();
        var client = new HubClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>The first message at or after <paramref name="sinceMs"/> that satisfies <paramref name="match"/>, or null.</summary>
    public Arrival? First(long sinceMs, Func<TopologyMessage, bool> match)
    {
        lock (_arrivals)
        {
            return _arrivals.FirstOrDefault(a => a.AtMs >= sinceMs && match(a.Message));
        }
    }

    public Arrival? Last()
    {
        lock (_arrivals)
        {
            return _arrivals.Count == 0 ? null : _arrivals[^1];
        }
    }

    public int Count
    {
        get
        {
            lock (_arrivals)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Forgets messages older than the newest (the soak must not measure the driver's own list).</summary>
    public void Trim()
    {
        lock (_arrivals)
        {
            if (_arrivals.Count > 1)
            {
                _arrivals.RemoveRange(0, _arrivals.Count - 1);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _connection.DisposeAsync();
    }
}
