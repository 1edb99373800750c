using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// The managed heap of another .NET process after a full, blocking GC: an EventPipe session with the GC and
/// GCHeapCollect keywords induces the collection (as dotnet-gcdump does), and its GCHeapStats event gives the size of
/// every generation after it.
/// </summary>
internal static class HeapProbe
{
    /// <summary>Bytes in the managed heap after an induced gen-2 GC, or -1 when it could not be read.</summary>
    public static async Task<long> HeapAfterFullGcAsync(int processId, TimeSpan timeout)
    {
        try
        {
            var client = new DiagnosticsClient(processId);
            var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
            using var session = client.StartEventPipeSession(
                [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false);
            using var source = new EventPipeEventSource(session.EventStream);
            var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            source.Clr.GCHeapStats += e =>
                result.TrySetResult(e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4);
            var processing = Task.Run(source.Process);
            var finished = await Task.WhenAny(result.Task, Task.Delay(timeout));
            session.Stop();
            await Task.WhenAny(processing, Task.Delay(5000));
            return finished == result.Task ? await result.Task : -1;
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            Console.Error.WriteLine($"heap probe: {e.Message}");
            return -1;
        }
    }
}
