using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// Streams a watch as newline-delimited <c>{"type","object"}</c> events, filtered by namespace and selectors, with
/// optional bookmarks, until <c>timeoutSeconds</c>, the client leaving, or the store closing the watch.
/// </summary>
internal sealed class WatchStreamer(ObjectStore store, SimulatorOptions options)
{
    public async Task StreamAsync(HttpContext context, ResourcePath path, Selector labels, Selector fields)
    {
        var query = context.Request.Query;
        var fromVersion = ObjectStore.ParseResourceVersion(query["resourceVersion"]);
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : options.DefaultWatchTimeout;

        context.Response.StatusCode = 200;
        context.Response.ContentType = HttpJson.ContentType;
        // Real API servers answer a watch from a compacted version with 200 and an ERROR event carrying a 410
        // Expired Status, not with an HTTP 410: clients (client-go, KubernetesClient) expect it in the stream.
        WatchSubscription subscription;
        try
        {
            subscription = store.Watch(path.Kind, fromVersion);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            await WriteLineAsync(context, "ERROR", e.ToStatus().ToJsonString());
            return;
        }

        using (subscription)
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            cts.CancelAfter(timeout);
            await context.Response.Body.FlushAsync(cts.Token);
            var lastVersion = fromVersion ?? store.ResourceVersion;
            try
            {
                Task<bool>? read = null;
                while (true)
                {
                    // One pending read survives bookmark ticks, so no event is lost between them.
                    read ??= subscription.Events.WaitToReadAsync(cts.Token).AsTask();
                    if (bookmarks)
                    {
                        var tick = Task.Delay(options.BookmarkInterval, cts.Token);
                        if (await Task.WhenAny(read, tick) == tick)
                        {
                            cts.Token.ThrowIfCancellationRequested();
                            await WriteLineAsync(context, "BOOKMARK", Bookmark(path.Kind, lastVersion));
                            continue;
                        }
                    }
                    var more = await read;
                    read = null;
                    if (!more)
                    {
                        return;
                    }
                    while (subscription.Events.TryRead(out var evt))
                    {
                        lastVersion = evt.ResourceVersion;
                        var type = Visible(evt, path, labels, fields);
                        if (type is not null)
                        {
                            await WriteLineAsync(context, type, evt.Json);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // timeoutSeconds elapsed or the client went away: end the stream normally, as the API server does.
            }
        }
    }

    // Returns the event type a filtered watcher sees, or null: an object that stops matching is reported DELETED and
    // one that starts matching ADDED, like the API server's filtered watch.
    private static string? Visible(WatchEvent evt, ResourcePath path, Selector labels, Selector fields)
    {
        bool Matches(ObjectSummary s) =>
            (path.Namespace is null || s.Namespace == path.Namespace) && labels.Matches(s.Labels) && fields.Matches(s.Fields);

        var now = Matches(evt.Summary);
        if (evt.Type != WatchEvent.Modified || evt.Previous is null)
        {
            return now ? evt.Type : null;
        }
        var before = Matches(evt.Previous);
        return (before, now) switch
        {
            (true, true) => WatchEvent.Modified,
            (false, true) => WatchEvent.Added,
            (true, false) => WatchEvent.Deleted,
            _ => null,
        };
    }

    private static string Bookmark(ResourceKind kind, long version) => new JsonObject
    {
        ["kind"] = kind.Kind,
        ["apiVersion"] = kind.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
    }.ToJsonString();

    private static async Task WriteLineAsync(HttpContext context, string type, string objectJson)
    {
        var line = $"{{\"type\":\"{type}\",\"object\":{objectJson}}}\n";
        await context.Response.WriteAsync(line, Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
