namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>
/// The seed guide's read commands, against a simulator of their own: <see cref="KubectlTests"/> patches the DaemonSet,
/// and the DaemonSet controller then really moves the speakers, so these counts only hold on an untouched seed.
/// </summary>
public sealed class KubectlReadTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task GetNodesAndPods_Wide_ListsSeedNodesAndSpeakersWithTheirNodes()
    {
        var result = (await Kubectl.RunAsync(fixture.KubeconfigPath, "get", "nodes,pods", "-A", "-o", "wide")).EnsureSuccess();

        for (var i = 1; i <= 6; i++)
        {
            Assert.Contains($"node/node{i}", result.StdOut);
        }
        Assert.Contains("INTERNAL-IP", result.StdOut);
        Assert.Contains("192.168.0.11", result.StdOut);
        var speakerLines = result.StdOut.Split('\n').Where(l => l.Contains("pod/openelb-speaker-", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, speakerLines.Count);
        Assert.All(speakerLines, l => Assert.Contains("openelb-system", l));
        Assert.All(speakerLines, l => Assert.Contains("Running", l));
        Assert.Contains(speakerLines, l => l.Contains("node3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPods_LabelSelector_ReturnsSpeakersOnly()
    {
        var result = (await Kubectl.RunAsync(fixture.KubeconfigPath, "get", "pods", "-A", "-l", "app=openelb,component in (speaker)", "-o", "name")).EnsureSuccess();

        Assert.Equal(6, result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
