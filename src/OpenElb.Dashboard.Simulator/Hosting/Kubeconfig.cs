namespace OpenElb.Dashboard.Simulator.Hosting;

/// <summary>Writes a kubeconfig that kubectl and KubernetesClient accept for a simulator.</summary>
internal static class Kubeconfig
{
    public const string Name = "openelb-simulator";

    public static string Render(Uri server, string token, string caData) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {Name}
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
            certificate-authority-data: {caData}
        users:
        - name: {Name}
          user:
            token: {token}
        contexts:
        - name: {Name}
          context:
            cluster: {Name}
            user: {Name}
        current-context: {Name}

        """;

    /// <summary>Writes through a temporary file and a rename, so a reader never sees a half-written kubeconfig.</summary>
    public static void Write(string path, Uri server, string token, string caData)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, Render(server, token, caData));
        File.Move(temp, full, overwrite: true);
    }
}
