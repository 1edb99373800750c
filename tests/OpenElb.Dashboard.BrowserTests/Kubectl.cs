using System.Diagnostics;

namespace OpenElb.Dashboard.BrowserTests;

/// <summary>Runs the real kubectl against the dashboard's simulator: an independent client changing the cluster.</summary>
internal static class Kubectl
{
    public static async Task<string> RunAsync(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--kubeconfig", kubeconfig, "--request-timeout=20s", "--cache-dir=" + Path.Combine(Path.GetDirectoryName(kubeconfig)!, "cache"), .. args])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(BrowserFixture.Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
        return await stdout;
    }
}
