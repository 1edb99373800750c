using System.Threading.Channels;

namespace OpenElb.Dashboard.Simulator.Store;

/// <summary>
/// A live registration for the changes of one kind. Events arrive in resourceVersion order. The subscription
/// never completes on its own unless the store closes it (fault injection); callers must dispose it.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly Channel<WatchEvent> _channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });
    private readonly Action<WatchSubscription> _remove;

    internal WatchSubscription(ResourceKind kind, Action<WatchSubscription> remove)
    {
        Kind = kind;
        _remove = remove;
    }

    public ResourceKind Kind { get; }

    /// <summary>The events, starting with the replayed history or the synthetic ADDED events of the initial state.</summary>
    public ChannelReader<WatchEvent> Events => _channel.Reader;

    internal void Publish(WatchEvent evt) => _channel.Writer.TryWrite(evt);

    internal void Close() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _remove(this);
        Close();
    }
}
