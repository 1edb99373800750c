using System.Globalization;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OpenElb.Dashboard.Simulator.Scenarios;

/// <summary>
/// Loads scenario files: multi-document YAML whose first document is a header (<c>kind: Scenario</c> with
/// <c>name</c> and <c>description</c>) and whose other documents are Kubernetes manifests of served kinds. A header
/// may add <c>generate: {nodes: N, routers: R}</c> to append the objects of <see cref="ScenarioGenerator"/>.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads a shipped scenario by name (<c>seed</c>, <c>demo</c>, <c>legacy</c>, <c>large</c>) or a scenario file by path.</summary>
    public static Scenario Load(string nameOrPath)
    {
        if (File.Exists(nameOrPath))
        {
            return Parse(File.ReadAllText(nameOrPath), nameOrPath);
        }
        var resource = $"scenarios.{nameOrPath}.yaml";
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream(resource)
            ?? throw new FileNotFoundException($"no scenario named '{nameOrPath}' and no such file", nameOrPath);
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), $"scenarios/{nameOrPath}.yaml");
    }

    /// <summary>Parses scenario text. <paramref name="source"/> names the file in error messages.</summary>
    public static Scenario Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ScenarioException(source, (int)e.Start.Line, e.InnerException?.Message ?? e.Message);
        }

        var documents = stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList();
        if (documents.Count == 0)
        {
            throw new ScenarioException(source, 1, "the file has no documents; expected a 'kind: Scenario' header first");
        }
        var header = ToJson(documents[0].RootNode, source) as JsonObject;
        var headerLine = Line(documents[0].RootNode);
        if (header?["kind"]?.ToString() != "Scenario")
        {
            throw new ScenarioException(source, headerLine, "the first document must be the header, with 'kind: Scenario'");
        }
        var name = header["name"]?.ToString();
        if (string.IsNullOrEmpty(name))
        {
            throw new ScenarioException(source, headerLine, "the header has no 'name'");
        }

        var objects = new List<ScenarioObject>();
        foreach (var document in documents.Skip(1))
        {
            var line = Line(document.RootNode);
            if (ToJson(document.RootNode, source) is not JsonObject manifest)
            {
                throw new ScenarioException(source, line, "a manifest must be a mapping");
            }
            var apiVersion = manifest["apiVersion"]?.ToString() ?? "";
            var kind = manifest["kind"]?.ToString() ?? "";
            if (ResourceCatalog.FindByKind(apiVersion, kind) is null)
            {
                throw new ScenarioException(source, line, $"unsupported kind '{kind}' in apiVersion '{apiVersion}'");
            }
            if (string.IsNullOrEmpty(manifest["metadata"]?["name"]?.ToString()))
            {
                throw new ScenarioException(source, line, $"the {kind} has no metadata.name");
            }
            objects.Add(new ScenarioObject(manifest, line));
        }
        if (header["generate"] is { } generate)
        {
            var (nodes, routers) = GenerateSizes(generate, source, headerLine);
            objects.AddRange(ScenarioGenerator.Generate(nodes, routers, objects, headerLine));
        }
        return new Scenario(name, header["description"]?.ToString() ?? "", source, objects);
    }

    /// <summary>
    /// Creates the scenario's objects: namespaces and CRDs first (everything else may live in them), then the rest in
    /// file order. An object the store rejects fails with the file and line of its manifest.
    /// </summary>
    public static void Apply(Scenario scenario, ObjectStore store)
    {
        var ordered = scenario.Objects
            .OrderBy(o => o.Manifest["kind"]?.ToString() switch { "Namespace" => 0, "CustomResourceDefinition" => 1, _ => 2 });
        foreach (var item in ordered)
        {
            var kind = ResourceCatalog.FindByKind(item.Manifest["apiVersion"]!.ToString(), item.Manifest["kind"]!.ToString())!;
            // A pod that a scenario declares running has been running since the scenario started, as a kubelet would report.
            if (kind == ResourceCatalog.Pods && item.Manifest["status"] is JsonObject podStatus
                && podStatus["phase"]?.ToString() == "Running" && podStatus["startTime"] is null)
            {
                podStatus["startTime"] = store.Timestamp();
            }
            try
            {
                store.Create(kind, item.Manifest["metadata"]?["namespace"]?.ToString(), item.Manifest);
            }
            catch (ApiException e)
            {
                throw new ScenarioException(scenario.Source, item.Line, e.Message);
            }
        }
    }

    // The header option 'generate: {nodes: N, routers: R}' (see ScenarioGenerator).
    private static (int Nodes, int Routers) GenerateSizes(JsonNode generate, string source, int line)
    {
        int Size(string field, int max)
        {
            if (generate[field] is JsonValue value && value.TryGetValue<long>(out var size) && size >= 1 && size <= max)
            {
                return (int)size;
            }
            throw new ScenarioException(source, line, $"header 'generate.{field}' must be an integer from 1 to {max}");
        }

        if (generate is not JsonObject)
        {
            throw new ScenarioException(source, line, "header 'generate' must be a mapping with 'nodes' and 'routers'");
        }
        return (Size("nodes", ScenarioGenerator.MaxNodes), Size("routers", ScenarioGenerator.MaxNodes));
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    // YAML 1.1 core-schema resolution for plain scalars: booleans, null and numbers; quoted scalars stay strings
    // (so nodeSelector values like "true" keep their type, as kubectl would send them).
    private static JsonNode? ToJson(YamlNode node, string source)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = (key as YamlScalarNode)?.Value
                        ?? throw new ScenarioException(source, Line(key), "mapping keys must be scalars");
                    obj[name] = ToJson(value, source);
                }
                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray(sequence.Children.Select(c => ToJson(c, source)).ToArray());
            case YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain:
                var text = scalar.Value ?? "";
                return text switch
                {
                    "" or "~" or "null" or "Null" or "NULL" => null,
                    "true" or "True" or "TRUE" => JsonValue.Create(true),
                    "false" or "False" or "FALSE" => JsonValue.Create(false),
                    _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
                    _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && text.Contains('.', StringComparison.Ordinal) => JsonValue.Create(real),
                    _ => JsonValue.Create(text),
                };
            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? "");
            default:
                throw new ScenarioException(source, Line(node), $"unsupported YAML node {node.NodeType}");
        }
    }
}
