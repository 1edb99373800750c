using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace OpenElb.Dashboard.EndToEnd;

/// <summary>
/// A child process whose output is kept (for the "Now listening on" line and for failures). Disposing kills it and
/// its children; every started one is also killed when the driver exits, however it exits.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, bool> s_live = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _name;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) => KillAll();
        Console.CancelKeyPress += static (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The output so far, stdout and stderr interleaved.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public static ChildProcess Start(string name, string fileName, string? workingDirectory, params string[] args) =>
        Start(name, fileName, workingDirectory, [], args);

    public static ChildProcess Start(string name, string fileName, string? workingDirectory, IEnumerable<KeyValuePair<string, string>> environment, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        var child = new ChildProcess(name, process);
        s_live[child] = true;
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 2000 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>Waits for an output line containing <paramref name="marker"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string marker, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_output.FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited ({_process.ExitCode}) before '{marker}':\n{Tail()}");
            }
            await Task.Delay(10);
        }
        throw new TimeoutException($"{_name} did not write '{marker}' within {timeout.TotalSeconds:F0} s:\n{Tail()}");
    }

    public string Tail(int lines = 30) => string.Join('\n', _output.TakeLast(lines));

    /// <summary>Resident set size (VmRSS of /proc/PID/status) in bytes, or -1 when unreadable.</summary>
    public long ResidentBytes() => Status("VmRSS:");

    /// <summary>
    /// The resident set split the way the kernel counts it: anonymous memory (GC heap, native allocations, thread stacks),
    /// file-backed pages (the mapped runtime, framework and application images) and shared memory (the JIT'd code and
    /// stubs, which the runtime maps twice through a memfd for W^X). The three add up to VmRSS.
    /// </summary>
    public string ResidentSplit() =>
        $"anonymous {Stats.Mb(Status("RssAnon:"))}, file-backed {Stats.Mb(Status("RssFile:"))}, shared (JIT'd code) {Stats.Mb(Status("RssShmem:"))}";

    private long Status(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return -1;
    }

    public void Dispose()
    {
        s_live.TryRemove(this, out _);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private static void KillAll()
    {
        foreach (var child in s_live.Keys)
        {
            child.Dispose();
        }
    }
}
