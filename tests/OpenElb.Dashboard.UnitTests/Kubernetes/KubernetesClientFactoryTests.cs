using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using OpenElb.Dashboard.Kubernetes;

namespace OpenElb.Dashboard.UnitTests.Kubernetes;

public sealed class KubernetesClientFactoryTests : IDisposable
{
    private const string Token = "very-secret-token-value";

    private static readonly string s_kubeconfig = $"""
        apiVersion: v1
        kind: Config
        current-context: sim
        clusters:
        - name: sim
          cluster:
            server: http://127.0.0.1:6443
        - name: other
          cluster:
            server: http://10.1.2.3:8080
        contexts:
        - name: sim
          context:
            cluster: sim
            user: sim-user
        - name: other
          context:
            cluster: other
            user: sim-user
        users:
        - name: sim-user
          user:
            token: {Token}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("openelb-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private ClusterEnvironment Environment(string? kubeconfigVariable = null, bool inCluster = false) =>
        new(name => name == "KUBECONFIG" ? kubeconfigVariable : null, Path.Combine(_directory, "no-home", "config"), () => inCluster);

    [Theory]
    [InlineData(null, "http://127.0.0.1:6443")]
    [InlineData("other", "http://10.1.2.3:8080")]
    [InlineData("OTHER", "http://10.1.2.3:8080")]
    public void BuildConfiguration_ValidKubeconfig_HostOfContext(string? context, string expectedHost)
    {
        var path = Write("config", s_kubeconfig);

        var configuration = KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path, Context = context },
            Environment());

        Assert.Equal(expectedHost, configuration.Host.TrimEnd('/'));
        Assert.Equal(Token, configuration.AccessToken);
        Assert.Equal(KubernetesClientFactory.RequestTimeout, configuration.HttpClientTimeout);
    }

    [Fact]
    public void BuildConfiguration_KubeconfigVariableList_SkipsMissingAndMergesFirstWins()
    {
        var first = Write("a", s_kubeconfig);
        var second = Write("b", s_kubeconfig.Replace("current-context: sim", "current-context: other", StringComparison.Ordinal)
            .Replace("http://127.0.0.1:6443", "http://127.0.0.2:1", StringComparison.Ordinal));
        var missing = Path.Combine(_directory, "missing");

        var configuration = KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig },
            Environment(string.Join(Path.PathSeparator, missing, first, second)));

        Assert.Equal("http://127.0.0.1:6443", configuration.Host.TrimEnd('/'));
        Assert.Equal("sim", configuration.CurrentContext);
    }

    [Fact]
    public void BuildConfiguration_MissingFile_ClearError()
    {
        var path = Path.Combine(_directory, "nope.yaml");

        var ex = Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path }, Environment()));

        Assert.Equal($"The kubeconfig file '{path}' does not exist.", ex.Message);
    }

    [Fact]
    public void BuildConfiguration_InvalidYaml_PositionWithoutContent()
    {
        var path = Write("broken", $"apiVersion: v1\nusers:\n- name: u\n  user: {{ token: {Token}\n    : : [\n");

        var ex = Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path }, Environment()));

        Assert.StartsWith($"The kubeconfig '{path}' is not valid YAML (line ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildConfiguration_UnknownContext_ListsAvailable()
    {
        var path = Write("config", s_kubeconfig);

        var ex = Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path, Context = "prod" }, Environment()));

        Assert.Equal($"The context 'prod' was not found in the kubeconfig '{path}'; available contexts: sim, other.", ex.Message);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildConfiguration_ContextWithoutServer_ClearErrorWithoutSecrets()
    {
        var path = Write("config", s_kubeconfig.Replace("server: http://127.0.0.1:6443", "insecure-skip-tls-verify: true", StringComparison.Ordinal));

        var ex = Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path }, Environment()));

        Assert.StartsWith($"The context 'sim' in the kubeconfig '{path}' could not be used (", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildConfiguration_AutoWithNothing_NoConfigurationFound()
    {
        var ex = Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Auto }, Environment()));

        Assert.True(ex.NoConfigurationFound);
        Assert.Contains("demo mode", ex.Message, StringComparison.Ordinal);
        Assert.False(KubernetesClientFactory.IsClusterConfigured(Environment()));
    }

    [Fact]
    public void BuildConfiguration_AutoWithKubeconfigVariable_UsesIt()
    {
        var path = Write("config", s_kubeconfig);

        var configuration = KubernetesClientFactory.BuildConfiguration(new ClusterConnectionOptions(), Environment(path));

        Assert.Equal("http://127.0.0.1:6443", configuration.Host.TrimEnd('/'));
        Assert.True(KubernetesClientFactory.IsClusterConfigured(Environment(path)));
    }

    [Fact]
    public void BuildConfiguration_InClusterOutsidePod_ClearError()
    {
        var ex = Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.InCluster }, Environment()));

        Assert.False(ex.NoConfigurationFound);
        Assert.Contains("service account", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildConfiguration_Demo_Throws()
    {
        Assert.Throws<ClusterConfigurationException>(() => KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Demo }, Environment()));
    }

    [Fact]
    public void Create_ValidKubeconfig_ClientForHost()
    {
        var path = Write("config", s_kubeconfig);

        using var client = (k8s.Kubernetes)KubernetesClientFactory.Create(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path });

        Assert.Equal("http://127.0.0.1:6443/", client.BaseUri.ToString());
    }

    [Theory]
    [InlineData("files")]
    [InlineData("insecure")]
    public void BuildConfiguration_FieldsAndRelativePaths_AsKubernetesClientsOwnReaderReadsThem(string context)
    {
        // The dashboard reads kubeconfig files with its own YAML reader; KubernetesClient's is the reference.
        using var key = ECDsa.Create();
        using var ca = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(Path.Combine(_directory, "certs"));
        File.WriteAllText(Path.Combine(_directory, "certs", "ca.crt"), ca.ExportCertificatePem());
        var certData = Convert.ToBase64String(Encoding.ASCII.GetBytes(ca.ExportCertificatePem()));
        var keyData = Convert.ToBase64String(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        var path = Write("config-fields", $$"""
            apiVersion: v1
            kind: Config
            current-context: files
            preferences: {}
            clusters:
            - name: files
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: certs/ca.crt
            - name: insecure
              cluster:
                server: https://10.0.0.1:443
                insecure-skip-tls-verify: true
            contexts:
            - name: files
              context:
                cluster: files
                user: admin
                namespace: openelb-system
            - name: insecure
              context:
                cluster: insecure
                user: sim-user
            users:
            - name: admin
              user:
                client-certificate-data: {{certData}}
                client-key-data: {{keyData}}
            - name: sim-user
              user:
                token: {{Token}}
            """);
        var expected = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);

        var actual = KubernetesClientFactory.BuildConfiguration(
            new ClusterConnectionOptions { Mode = ClusterMode.Kubeconfig, Kubeconfig = path, Context = context }, Environment());

        Assert.Equal(
            (expected.Host, expected.Namespace, expected.CurrentContext, expected.SkipTlsVerify, expected.AccessToken, expected.ClientCertificateData, expected.ClientCertificateKeyData),
            (actual.Host, actual.Namespace, actual.CurrentContext, actual.SkipTlsVerify, actual.AccessToken, actual.ClientCertificateData, actual.ClientCertificateKeyData));
        Assert.Equal(expected.SslCaCerts?.Select(static c => c.Thumbprint), actual.SslCaCerts?.Select(static c => c.Thumbprint));
        if (context == "files")
        {
            // The relative path was resolved next to the kubeconfig, not in the working directory.
            Assert.Equal(ca.Thumbprint, Assert.Single(actual.SslCaCerts!).Thumbprint);
            Assert.Equal("openelb-system", actual.Namespace);
            Assert.NotNull(actual.ClientCertificateKeyData);
        }
        else
        {
            Assert.True(actual.SkipTlsVerify);
            Assert.Equal(Token, actual.AccessToken);
        }
    }
}
