using System.Diagnostics;

namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>Runs the real kubectl from PATH as a child process with a timeout; the process never outlives the call.</summary>
internal static class Kubectl
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl exited with {ExitCode}: {StdErr}{StdOut}");
    }

    public static async Task<Result> RunAsync(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        start.ArgumentList.Add("--request-timeout=20s");
        // kubectl caches discovery under HOME; a private cache keeps tests independent of each other and of the machine.
        start.ArgumentList.Add("--cache-dir=" + Path.Combine(Path.GetDirectoryName(kubeconfig)!, "cache"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
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
