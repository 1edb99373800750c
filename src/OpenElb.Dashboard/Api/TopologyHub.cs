using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.Api;

/// <summary>
/// The topology summary the hub sends: per router its state and counts, the cluster summary and the feed state. No
/// node lists (a 5,000-node cluster would make every message large); <c>GET /api/v1/topology</c> has them.
/// </summary>
/// <param name="SnapshotVersion">The snapshot the message was made from.</param>
/// <param name="UpdatedAt">When the view was updated.</param>
/// <param name="Feed"><c>live</c>, <c>syncing</c> or <c>stale</c>.</param>
/// <param name="Summary">The cluster summary.</param>
/// <param name="Routers">Every router, by name.</param>
/// <param name="Findings">Findings per severity: critical, warning, info.</param>
public sealed record TopologyMessage(
    long SnapshotVersion,
    DateTimeOffset UpdatedAt,
    string Feed,
    SummaryItem Summary,
    IReadOnlyList<RouterSummaryItem> Routers,
    IReadOnlyList<int> Findings)
{
    /// <summary>The message of <paramref name="view"/>.</summary>
    public static TopologyMessage Of(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var routers = new RouterSummaryItem[view.Topology.Groups.Count];
        for (var i = 0; i < routers.Length; i++)
        {
            var router = ApiProjection.Router(view, view.Topology.Groups[i]);
            routers[i] = new RouterSummaryItem(router.Name, router.State, router.SpeakersReady, router.SessionsEstablished, router.SessionsExpected);
        }
        var summary = view.Summary;
        return new TopologyMessage(
            view.Snapshot.Version,
            view.UpdatedAt,
            ApiWords.FeedState(view.Health),
            new SummaryItem(summary.RoutersOk, summary.RoutersDegraded, summary.RoutersCritical, summary.SpeakersReady,
                summary.SpeakersDesired, summary.SessionsEstablished, summary.SessionsExpected),
            routers,
            [summary.FindingsOf(Core.Findings.FindingSeverity.Critical), summary.FindingsOf(Core.Findings.FindingSeverity.Warning), summary.FindingsOf(Core.Findings.FindingSeverity.Info)]);
    }

    /// <summary>Whether <paramref name="other"/> says the same (the version and time aside).</summary>
    public bool SameAs(TopologyMessage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Feed == other.Feed && Summary == other.Summary && Routers.SequenceEqual(other.Routers) && Findings.SequenceEqual(other.Findings);
    }
}

/// <summary>One router in a <see cref="TopologyMessage"/>.</summary>
/// <param name="Name">Router (BgpPeer or group) name.</param>
/// <param name="State"><c>ok</c>, <c>degraded</c> or <c>critical</c>.</param>
/// <param name="SpeakersReady">Ready speakers under it.</param>
/// <param name="SessionsEstablished">Established sessions.</param>
/// <param name="SessionsExpected">Sessions expected (speakers it should peer with).</param>
public sealed record RouterSummaryItem(string Name, string State, int SpeakersReady, int SessionsEstablished, int SessionsExpected);

/// <summary>
/// <c>/hubs/topology</c>: read-only. A client gets <c>topology</c> (a <see cref="TopologyMessage"/>) on connect, then
/// again whenever what it says changes: at once after a quiet <see cref="TopologyBroadcaster.Interval"/>, otherwise at
/// the end of that window with the newest state. Clients cannot call anything.
/// </summary>
public sealed class TopologyHub(LiveViewService liveViews, Auth.WallConnections walls) : Hub
{
    /// <summary>The hub's path.</summary>
    public const string Path = "/hubs/topology";

    /// <summary>The client method every message is sent to.</summary>
    public const string Method = "topology";

    /// <inheritdoc />
    public override async Task OnConnectedAsync()
    {
        // A wall's connection is closed when its token is revoked.
        walls.Add(Context);
        await Clients.Caller.SendAsync(Method, TopologyMessage.Of(liveViews.Current), Context.ConnectionAborted).ConfigureAwait(false);
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        walls.Remove(Context);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// Sends the topology summary to every hub client when it changes: subscribes once to the shared live view and
/// throttles (at most one message per <see cref="Interval"/>, counted from the start of the previous send).
/// </summary>
/// <remarks>
/// A change after a quiet <see cref="Interval"/> is sent at once (leading edge); changes within the window after a send
/// wait for its end and are then sent as one message of the newest view (trailing edge: the live-view subscription keeps
/// only the newest view while this waits). So a change waits at most <see cref="Interval"/> (plus the send), and a burst
/// of any length costs one message per window: the work per message (one summary, serialized once for all clients by
/// SignalR) does not grow with the burst.
/// </remarks>
public sealed partial class TopologyBroadcaster(IServiceProvider services, IHubContext<TopologyHub> hub, Hosting.DashboardMetrics metrics, TimeProvider time,
    ILogger<TopologyBroadcaster> logger) : BackgroundService
{
    /// <summary>
    /// The shortest time between the starts of two messages, and so the longest a change waits for the previous
    /// message's window to end. 200 ms: changes often come in pairs, and the second must reach the walls within the
    /// 250 ms goal of issue 9 (a 1 s window held it up to a second).
    /// </summary>
    public static TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not in the constructor: the live view needs the cluster feed, which the cluster host (an
        // earlier hosted service) creates in its StartAsync, after every hosted service has been constructed.
        var subscription = services.GetRequiredService<LiveViewService>().Subscribe(stoppingToken);
        var last = TryMessage(subscription.Initial);
        try
        {
            await foreach (var view in subscription.Updates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                // A view that cannot be summarized is skipped and logged: a background service that throws stops the
                // whole host (BackgroundServiceExceptionBehavior.StopHost), and the wall and API must outlive one bad view.
                var message = TryMessage(view);
                if (message is null || (last is not null && message.SameAs(last)))
                {
                    continue;
                }
                last = message;
                var sentAt = Stopwatch.GetTimestamp();
                try
                {
                    await hub.Clients.All.SendAsync(TopologyHub.Method, message, stoppingToken).ConfigureAwait(false);
                    metrics.HubSent(message.UpdatedAt, time.GetUtcNow());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSendFailed(logger, ex.Message);
                }
                // Throttle: the rest of the window after this send's start. A view arriving meanwhile is sent when it ends
                // (the subscription keeps only the newest view while this waits); after a quiet window the next view is
                // sent as soon as it arrives.
                var rest = Interval - Stopwatch.GetElapsedTime(sentAt);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private TopologyMessage? TryMessage(DashboardView view)
    {
        try
        {
            return TopologyMessage.Of(view);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSummaryFailed(logger, ex);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The topology summary could not be made from a view; that view is skipped")]
    private static partial void LogSummaryFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A topology message could not be sent: {Error}")]
    private static partial void LogSendFailed(ILogger logger, string error);
}
