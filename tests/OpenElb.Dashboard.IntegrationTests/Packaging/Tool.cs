using System.Diagnostics;
using OpenElb.Dashboard.IntegrationTests.Simulator;

namespace OpenElb.Dashboard.IntegrationTests.Packaging;

/// <summary>
/// Runs a command-line tool from PATH with a timeout; the process never outlives the call. A missing tool throws (the
/// test fails, never skips: test.sh installs every tool these tests need).
/// </summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string EnsureSuccess(string tool) =>
            ExitCode == 0 ? StdOut : throw new InvalidOperationException($"{tool} exited with {ExitCode}: {StdErr}{StdOut}");
    }

    public static async Task<Result> RunAsync(string fileName, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
