using System.Security.Cryptography;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace OpenElb.Dashboard.Kubernetes;

/// <summary>
/// Builds KubernetesClient configurations and clients from <see cref="ClusterConnectionOptions"/>, turning every
/// configuration failure into a <see cref="ClusterConfigurationException"/> with a one-sentence message.
/// </summary>
/// <remarks>
/// Thread-safe; reads the environment and the file system on each call. Watches are not cut by the HTTP timeout:
/// KubernetesClient applies <see cref="KubernetesClientConfiguration.HttpClientTimeout"/> per request with a linked
/// cancellation token and lifts it (infinite) for <c>watch=true</c> calls, while its <see cref="HttpClient"/> itself has
/// an infinite timeout. Watch loops must still pass <c>timeoutSeconds</c> so the server ends them cleanly.
/// </remarks>
public static class KubernetesClientFactory
{
    /// <summary>The per-request timeout for list, get and patch calls (never applied to watches, see remarks).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private const string KubeconfigVariable = "KUBECONFIG";

    // The settings of KubernetesClient's reader that apply to kubeconfig models (no overrides, no model converters).
    private static readonly Lazy<IDeserializer> s_kubeconfigReader = new(static () => new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithAttemptingUnquotedStringTypeDeserialization()
        .IgnoreUnmatchedProperties()
        .Build());

    /// <summary>Builds the configuration the options describe.</summary>
    /// <exception cref="ClusterConfigurationException">The configuration is missing or unusable.</exception>
    public static KubernetesClientConfiguration BuildConfiguration(ClusterConnectionOptions options) =>
        BuildConfiguration(options, ClusterEnvironment.Current);

    /// <summary>Creates a client for the options. The caller owns (and disposes) the client.</summary>
    /// <exception cref="ClusterConfigurationException">The configuration is missing or unusable.</exception>
    public static IKubernetes Create(ClusterConnectionOptions options)
    {
        var configuration = BuildConfiguration(options);
        try
        {
            return new k8s.Kubernetes(configuration);
        }
        catch (Exception ex) when (ex is KubeConfigException or CryptographicException or IOException or FormatException or UriFormatException)
        {
            throw new ClusterConfigurationException($"The cluster configuration for {configuration.Host} could not be used ({Describe(ex)}).", ex);
        }
    }

    /// <summary>Whether a cluster configuration exists: running in a pod, or a kubeconfig file is present.</summary>
    public static bool IsClusterConfigured() => IsClusterConfigured(ClusterEnvironment.Current);

    // Internal for tests: the environment is passed in so tests need not mutate process-wide variables.
    internal static bool IsClusterConfigured(ClusterEnvironment environment) =>
        environment.IsInCluster() || KubeconfigFiles(environment).Any(File.Exists);

    // Internal for tests.
    internal static KubernetesClientConfiguration BuildConfiguration(ClusterConnectionOptions options, ClusterEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var configuration = options.Mode switch
        {
            ClusterMode.InCluster => FromInCluster(environment),
            ClusterMode.Kubeconfig => FromKubeconfig(options, environment),
            ClusterMode.Auto => FromAuto(options, environment),
            ClusterMode.Demo => throw new ClusterConfigurationException(
                "Demo mode has no cluster configuration of its own: start the simulator and connect with the kubeconfig it writes."),
            _ => throw new ClusterConfigurationException($"Unknown cluster mode '{options.Mode}'."),
        };
        configuration.HttpClientTimeout = RequestTimeout;
        return configuration;
    }

    private static KubernetesClientConfiguration FromAuto(ClusterConnectionOptions options, ClusterEnvironment environment)
    {
        // An explicit kubeconfig or context is a choice the user made: it wins over the ambient service account.
        if (options.Kubeconfig is not null || options.Context is not null)
        {
            return FromKubeconfig(options, environment);
        }
        if (environment.IsInCluster())
        {
            return FromInCluster(environment);
        }
        if (KubeconfigFiles(environment).Any(File.Exists))
        {
            return FromKubeconfig(options, environment);
        }
        throw new ClusterConfigurationException(
            "No cluster configuration was found (not running in a pod, no KUBECONFIG, no ~/.kube/config); use demo mode to run without a cluster.")
        {
            NoConfigurationFound = true,
        };
    }

    private static KubernetesClientConfiguration FromInCluster(ClusterEnvironment environment)
    {
        if (!environment.IsInCluster())
        {
            throw new ClusterConfigurationException(
                "In-cluster mode needs a pod with a mounted service account token and KUBERNETES_SERVICE_HOST/PORT set, and none was found.");
        }
        try
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClusterConfigurationException($"The in-cluster service account configuration could not be read ({Describe(ex)}).", ex);
        }
    }

    private static KubernetesClientConfiguration FromKubeconfig(ClusterConnectionOptions options, ClusterEnvironment environment)
    {
        string[] paths;
        if (!string.IsNullOrWhiteSpace(options.Kubeconfig))
        {
            paths = [options.Kubeconfig];
            if (!File.Exists(paths[0]))
            {
                throw new ClusterConfigurationException($"The kubeconfig file '{paths[0]}' does not exist.");
            }
        }
        else
        {
            // kubectl skips KUBECONFIG entries that do not exist; so do we, and fail only when none is left.
            var candidates = KubeconfigFiles(environment);
            paths = [.. candidates.Where(File.Exists)];
            if (paths.Length == 0)
            {
                throw new ClusterConfigurationException(candidates.Count == 1
                    ? $"The kubeconfig file '{candidates[0]}' does not exist."
                    : $"None of the kubeconfig files in KUBECONFIG exist ({string.Join(", ", candidates)}).")
                {
                    NoConfigurationFound = true,
                };
            }
        }
        var where = paths.Length == 1 ? $"'{paths[0]}'" : $"'{string.Join(Path.PathSeparator, paths)}'";

        K8SConfiguration? kubeconfig;
        try
        {
            kubeconfig = Load(paths);
        }
        catch (YamlException ex)
        {
            // Only the position: YAML error text can quote the file's content, which may hold tokens.
            throw new ClusterConfigurationException(
                $"The kubeconfig {where} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}).", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or KubeConfigException)
        {
            throw new ClusterConfigurationException($"The kubeconfig {where} could not be read ({Describe(ex)}).", ex);
        }

        if (kubeconfig is null)
        {
            throw new ClusterConfigurationException($"The kubeconfig {where} is empty.");
        }
        var context = string.IsNullOrWhiteSpace(options.Context) ? kubeconfig.CurrentContext : options.Context;
        var contexts = kubeconfig.Contexts?.Where(static c => c?.Name is not null).Select(static c => c.Name).ToList() ?? [];
        if (string.IsNullOrWhiteSpace(context))
        {
            throw new ClusterConfigurationException(
                $"The kubeconfig {where} has no current-context; choose one of: {List(contexts)}.");
        }
        // KubernetesClient matches context names ignoring case; check the same way so the messages agree with it.
        if (!contexts.Any(c => string.Equals(c, context, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ClusterConfigurationException(
                $"The context '{context}' was not found in the kubeconfig {where}; available contexts: {List(contexts)}.");
        }
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, context);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or CryptographicException or FormatException)
        {
            throw new ClusterConfigurationException(
                $"The context '{context}' in the kubeconfig {where} could not be used ({Describe(ex)}).", ex);
        }
    }

    /// <summary>
    /// Loads one kubeconfig, or merges several the way kubectl does (the first file to define a name wins, and the
    /// first current-context wins). KubernetesClient's own merge is not public.
    /// </summary>
    private static K8SConfiguration? Load(string[] paths)
    {
        K8SConfiguration? merged = null;
        foreach (var path in paths)
        {
            var next = Read(path);
            if (next is null)
            {
                continue;
            }
            if (merged is null)
            {
                merged = next;
                continue;
            }
            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? next.CurrentContext : merged.CurrentContext;
            merged.Contexts = MergeByName(merged.Contexts, next.Contexts, static c => c.Name);
            merged.Clusters = MergeByName(merged.Clusters, next.Clusters, static c => c.Name);
            merged.Users = MergeByName(merged.Users, next.Users, static u => u.Name);
        }
        return merged;
    }

    /// <summary>
    /// Reads one kubeconfig file the way <see cref="KubernetesClientConfiguration.LoadKubeConfig(FileInfo, bool)"/>
    /// does (paths in it relative to the file), without KubernetesClient's shared YAML reader: that one maps the JSON
    /// names of every Kubernetes model type on first use, which took ~0.35 s of a cold start and kept ~4.5 MB for the
    /// process's life. The kubeconfig models name their YAML keys themselves.
    /// </summary>
    private static K8SConfiguration? Read(string path)
    {
        var file = new FileInfo(path);
        using var reader = new StreamReader(file.OpenRead());
        var kubeconfig = s_kubeconfigReader.Value.Deserialize<K8SConfiguration?>(new MergingParser(new Parser(reader)));
        if (kubeconfig is not null)
        {
            kubeconfig.FileName = file.FullName;
        }
        return kubeconfig;
    }

    private static List<T> MergeByName<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string?> name)
        where T : class
    {
        var result = first?.Where(static x => x is not null).ToList() ?? [];
        var seen = new HashSet<string>(result.Select(x => name(x) ?? string.Empty), StringComparer.Ordinal);
        foreach (var item in second ?? [])
        {
            if (item is not null && seen.Add(name(item) ?? string.Empty))
            {
                result.Add(item);
            }
        }
        return result;
    }

    /// <summary>The kubeconfig files to consider: the KUBECONFIG list when set, else the default location.</summary>
    private static List<string> KubeconfigFiles(ClusterEnvironment environment)
    {
        var variable = environment.GetVariable(KubeconfigVariable);
        if (!string.IsNullOrWhiteSpace(variable))
        {
            return [.. variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(static p => p.Trim('"'))];
        }
        return [environment.DefaultKubeconfigPath];
    }

    private static string List(List<string> contexts) => contexts.Count == 0 ? "(none)" : string.Join(", ", contexts);

    /// <summary>
    /// A short reason for a user. KubernetesClient's own configuration messages name contexts, users and clusters, never
    /// secret values; other exception texts are not shown, only their kind.
    /// </summary>
    private static string Describe(Exception ex) => ex switch
    {
        KubeConfigException => ex.Message.TrimEnd('.'),
        FileNotFoundException => "file not found",
        UnauthorizedAccessException => "permission denied",
        CryptographicException => "a certificate or key could not be loaded",
        UriFormatException => "the server URL is malformed",
        FormatException => "a base64 certificate or key is malformed",
        _ => "I/O error",
    };
}

/// <summary>What the factory reads from the process environment (replaceable in tests).</summary>
/// <param name="GetVariable">Reads an environment variable.</param>
/// <param name="DefaultKubeconfigPath">Where kubectl looks when KUBECONFIG is unset.</param>
/// <param name="IsInCluster">Whether the process runs in a pod with a service account.</param>
internal sealed record ClusterEnvironment(Func<string, string?> GetVariable, string DefaultKubeconfigPath, Func<bool> IsInCluster)
{
    public static ClusterEnvironment Current { get; } = new(
        Environment.GetEnvironmentVariable,
        KubernetesClientConfiguration.KubeConfigDefaultLocation,
        KubernetesClientConfiguration.IsInCluster);
}
