using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Configuration;
using OpenElb.Dashboard.Core.Abstractions;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Topology;

namespace OpenElb.Dashboard.Model;

/// <summary>The current view and the views after it, with none falling between the two.</summary>
/// <param name="Initial">The view at subscription time.</param>
/// <param name="Updates">Later views; only the newest is kept for a slow reader (each view is complete).</param>
public sealed record ViewSubscription(DashboardView Initial, IAsyncEnumerable<DashboardView> Updates);

/// <summary>
/// The process's one consumer of the cluster feed for the pages: derives a <see cref="DashboardView"/> per update
/// (topology and findings once, not per circuit) and fans it out, newest-wins, to every subscribed page.
/// Starts on first use; thread-safe.
/// </summary>
public sealed partial class LiveViewService : IAsyncDisposable
{
    private readonly IClusterState _cluster;
    private readonly FindingsOptions _findingsOptions;
    private readonly TopologyOptions _topologyOptions;
    private readonly ILogger<LiveViewService> _logger;
    private readonly Lock _gate = new();
    private readonly List<Channel<DashboardView>> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private DashboardView _current = DashboardView.Empty;
    private Task? _loop;
    private long _sequence;

    public LiveViewService(IClusterState cluster, IOptions<DashboardOptions> options, ILogger<LiveViewService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _cluster = cluster;
        _logger = logger;
        var settings = options.Value;
        _topologyOptions = new TopologyOptions { GroupingLabel = settings.GroupingLabel };
        _findingsOptions = new FindingsOptions
        {
            RackLabel = settings.GroupingLabel,
            MinSpeakersPerRouter = settings.MinSpeakersPerRouter,
            MaxSessionsPerRouter = settings.MaxSessionsPerRouter,
        };
    }

    /// <summary>The newest view.</summary>
    public DashboardView Current
    {
        get
        {
            EnsureStarted();
            return Volatile.Read(ref _current);
        }
    }

    /// <summary>How many pages are subscribed (tests and metrics).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Subscribes; cancel <paramref name="cancellationToken"/> to unsubscribe.</summary>
    public ViewSubscription Subscribe(CancellationToken cancellationToken)
    {
        EnsureStarted();
        var channel = Channel.CreateBounded<DashboardView>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        });
        DashboardView initial;
        lock (_gate)
        {
            initial = _current;
            _subscribers.Add(channel);
        }
        // Cancelling removes the subscription even when its stream is never read (the reader's finally never runs then).
        cancellationToken.Register(() => Remove(channel));
        return new ViewSubscription(initial, ReadAsync(channel, cancellationToken));
    }

    private void Remove(Channel<DashboardView> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
    }

    private async IAsyncEnumerable<DashboardView> ReadAsync(Channel<DashboardView> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var view))
                {
                    yield return view;
                }
            }
        }
        finally
        {
            Remove(channel);
        }
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }
        lock (_gate)
        {
            if (_loop is not null)
            {
                return;
            }
            // Subscribe under the gate so that the first Current already reflects the feed's state.
            var subscription = _cluster.Subscribe(_stop.Token);
            _current = Derive(subscription.Initial, null);
            _loop = Task.Run(() => RunAsync(subscription.Updates, _stop.Token));
        }
    }

    private async Task RunAsync(IAsyncEnumerable<ClusterUpdate> updates, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                DashboardView view;
                try
                {
                    view = Derive(update, Volatile.Read(ref _current));
                }
#pragma warning disable CA1031 // One bad snapshot must not stop every page from updating: log and keep the last good view.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogDeriveFailed(_logger, ex);
                    continue;
                }
                lock (_gate)
                {
                    _current = view;
                    foreach (var subscriber in _subscribers)
                    {
                        subscriber.Writer.TryWrite(view);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private DashboardView Derive(ClusterUpdate update, DashboardView? previous)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        return previous is not null && ReferenceEquals(previous.Snapshot, update.Snapshot)
            ? previous.WithHealth(sequence, update.Health)
            : DashboardView.Create(sequence, update.Snapshot, update.Health, _findingsOptions, _topologyOptions);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deriving the dashboard view from a cluster update failed; the previous view stays.")]
    private static partial void LogDeriveFailed(ILogger logger, Exception exception);
}
