using OpenElb.Dashboard.Api;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Model;
using Prometheus;

namespace OpenElb.Dashboard.Hosting;

/// <summary>
/// The Prometheus series of the dashboard, in a private <see cref="CollectorRegistry"/> (never the static default, so
/// two apps in one test process do not share series). Updated from the live view by <see cref="DashboardMetricsService"/>;
/// time-based gauges are computed when scraped. Thread-safe.
/// </summary>
/// <remarks>
/// <c>openelb_dashboard_router_redundancy_state</c> encodes <see cref="RedundancyState"/>: 0 ok (two or more working
/// sessions, or speakers in label groups), 1 degraded (one), 2 critical (none).
/// </remarks>
public sealed class DashboardMetrics
{
    /// <summary>Metric names.</summary>
    public static class Names
    {
        public const string SessionsEstablished = "openelb_dashboard_router_sessions_established";
        public const string SessionsExpected = "openelb_dashboard_router_sessions_expected";
        public const string SpeakersReady = "openelb_dashboard_router_speakers_ready";
        public const string RedundancyState = "openelb_dashboard_router_redundancy_state";
        public const string Findings = "openelb_dashboard_findings";
        public const string FeedSynced = "openelb_dashboard_feed_synced";
        public const string FeedStale = "openelb_dashboard_feed_stale";
        public const string FeedStaleSeconds = "openelb_dashboard_feed_stale_seconds";
        public const string DataAgeSeconds = "openelb_dashboard_data_age_seconds";
        public const string WatchFailures = "openelb_dashboard_feed_watch_failures_total";
        public const string ViewUpdates = "openelb_dashboard_view_updates_total";
        public const string HubSendSeconds = "openelb_dashboard_hub_send_seconds";
    }

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Gauge _sessionsEstablished;
    private readonly Gauge _sessionsExpected;
    private readonly Gauge _speakersReady;
    private readonly Gauge _redundancy;
    private readonly Gauge _findings;
    private readonly Gauge _synced;
    private readonly Gauge _stale;
    private readonly Gauge _staleSeconds;
    private readonly Gauge _dataAge;
    private readonly Counter _watchFailures;
    private readonly Counter _viewUpdates;
    private readonly Histogram _hubSend;
    private HashSet<string> _routers = new(StringComparer.Ordinal);
    private HashSet<string> _bgpRouters = new(StringComparer.Ordinal);
    private Dictionary<ResourceKind, SyncState> _kindStates = [];
    private DashboardView? _last;

    public DashboardMetrics(TimeProvider time)
    {
        _time = time;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        var router = new GaugeConfiguration { LabelNames = ["router"] };
        _sessionsEstablished = factory.CreateGauge(Names.SessionsEstablished,
            "Established BGP sessions of the router that count (stale status entries never do). BgpPeers only.", router);
        _sessionsExpected = factory.CreateGauge(Names.SessionsExpected,
            "BGP sessions the router should have: its selected nodes with a live speaker (0 when admin-down). BgpPeers only.", router);
        _speakersReady = factory.CreateGauge(Names.SpeakersReady,
            "Nodes under the router with a live, Ready speaker.", router);
        _redundancy = factory.CreateGauge(Names.RedundancyState,
            "Redundancy of the router: 0 ok (two or more working sessions), 1 degraded (one), 2 critical (none).", router);
        _findings = factory.CreateGauge(Names.Findings,
            "Current findings per severity (critical, warning, advisory, info).", new GaugeConfiguration { LabelNames = ["severity"] });
        _synced = factory.CreateGauge(Names.FeedSynced,
            "1 when every watched kind has completed its initial list, else 0.");
        _stale = factory.CreateGauge(Names.FeedStale,
            "1 when a watch failed and is being retried (the data may be out of date), else 0.");
        _staleSeconds = factory.CreateGauge(Names.FeedStaleSeconds,
            "Seconds since the earliest stale kind was last current (0 while the feed is live).");
        _dataAge = factory.CreateGauge(Names.DataAgeSeconds,
            "Seconds since the shown data last changed (grows in a quiet cluster; use openelb_dashboard_feed_stale for freshness).");
        _watchFailures = factory.CreateCounter(Names.WatchFailures,
            "Times a kind's watch failed and went stale (each is followed by a retry, relist or resume).", new CounterConfiguration { LabelNames = ["kind"] });
        _viewUpdates = factory.CreateCounter(Names.ViewUpdates,
            "Live views derived from cluster updates.");
        _hubSend = factory.CreateHistogram(Names.HubSendSeconds,
            "Seconds from the feed observing a change until the wall hub had sent the message showing it to every connection " +
            "(view, throttle window and fan-out; not the network or the client).",
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        foreach (var severity in Enum.GetValues<FindingSeverity>())
        {
            _findings.WithLabels(ApiWords.Of(severity)).Set(0);
        }
        Registry.AddBeforeCollectCallback(UpdateClockGauges);
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The sequence of the last applied view (tests wait for it).</summary>
    public long AppliedSequence { get; private set; } = -1;

    /// <summary>Sets every gauge from <paramref name="view"/>, removing the series of routers that are gone.</summary>
    public void Apply(DashboardView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        lock (_gate)
        {
            var routers = new HashSet<string>(StringComparer.Ordinal);
            var bgpRouters = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in view.Topology.Groups)
            {
                routers.Add(group.Name);
                _speakersReady.WithLabels(group.Name).Set(group.SpeakerNodes.Count);
                _redundancy.WithLabels(group.Name).Set((int)group.Redundancy);
                if (group.Kind == RouterGroupKind.BgpPeer)
                {
                    bgpRouters.Add(group.Name);
                    _sessionsEstablished.WithLabels(group.Name).Set(group.Established);
                    _sessionsExpected.WithLabels(group.Name).Set(group.Expected);
                }
            }
            foreach (var gone in _routers.Where(r => !routers.Contains(r)))
            {
                _speakersReady.RemoveLabelled(gone);
                _redundancy.RemoveLabelled(gone);
            }
            foreach (var gone in _bgpRouters.Where(r => !bgpRouters.Contains(r)))
            {
                _sessionsEstablished.RemoveLabelled(gone);
                _sessionsExpected.RemoveLabelled(gone);
            }
            _routers = routers;
            _bgpRouters = bgpRouters;

            foreach (var severity in Enum.GetValues<FindingSeverity>())
            {
                _findings.WithLabels(ApiWords.Of(severity)).Set(view.Summary.FindingsOf(severity));
            }

            var health = view.Health;
            _synced.Set(health.IsSynced ? 1 : 0);
            _stale.Set(health.Kinds.Any(static k => k.State == SyncState.Stale) ? 1 : 0);
            // The feed exposes no restart count: count each kind's transitions into Stale as the views show them.
            var states = new Dictionary<ResourceKind, SyncState>();
            foreach (var kind in health.Kinds)
            {
                states[kind.Kind] = kind.State;
                var counter = _watchFailures.WithLabels(ApiWords.Of(kind.Kind));
                if (kind.State == SyncState.Stale && _kindStates.GetValueOrDefault(kind.Kind) != SyncState.Stale)
                {
                    counter.Inc();
                }
                else
                {
                    counter.Inc(0); // publishes the series at 0, so rate() works from the first failure
                }
            }
            _kindStates = states;
            _viewUpdates.Inc();
            _last = view;
            AppliedSequence = view.Sequence;
        }
        UpdateClockGauges();
    }

    /// <summary>Records a hub message sent at <paramref name="sentAt"/> for a view whose data changed at <paramref name="updatedAt"/>.</summary>
    public void HubSent(DateTimeOffset updatedAt, DateTimeOffset sentAt)
    {
        if (updatedAt != DateTimeOffset.UnixEpoch)
        {
            _hubSend.Observe(Math.Max(0, (sentAt - updatedAt).TotalSeconds));
        }
    }

    private void UpdateClockGauges()
    {
        DashboardView? view;
        lock (_gate)
        {
            view = _last;
        }
        if (view is null)
        {
            return;
        }
        var now = _time.GetUtcNow();
        _staleSeconds.Set(view.Health.StaleSince is { } since ? Math.Max(0, (now - since).TotalSeconds) : 0);
        _dataAge.Set(view.UpdatedAt == DateTimeOffset.UnixEpoch ? 0 : Math.Max(0, (now - view.UpdatedAt).TotalSeconds));
    }
}

/// <summary>Feeds <see cref="DashboardMetrics"/> from the live view: one subscription for the process's lifetime.</summary>
internal sealed partial class DashboardMetricsService(IServiceProvider services, DashboardMetrics metrics, ILogger<DashboardMetricsService> logger) : BackgroundService
{
    // Not inline in ExecuteAsync: a local of the async method would keep the first view (a whole snapshot) alive for
    // the life of the process.
    private IAsyncEnumerable<DashboardView> ApplyInitial(ViewSubscription subscription)
    {
        metrics.Apply(subscription.Initial);
        return subscription.Updates;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not in the constructor: the live view needs the cluster feed, which the cluster host (an
        // earlier hosted service) creates in its StartAsync, after every hosted service has been constructed.
        var live = services.GetRequiredService<LiveViewService>();
        var updates = ApplyInitial(live.Subscribe(stoppingToken));
        try
        {
            await foreach (var view in updates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    metrics.Apply(view);
                }
#pragma warning disable CA1031 // A metrics bug must not stop the metrics for good: log it and take the next view.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogApplyFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Updating the metrics from the live view failed.")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);
}
