using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Scenarios;

/// <summary>A loaded scenario: its header and the Kubernetes objects to create, in file order. Immutable after loading.</summary>
public sealed record Scenario(string Name, string Description, string Source, IReadOnlyList<ScenarioObject> Objects);

/// <summary>One manifest of a scenario, with the line it starts on (1-based) for error messages.</summary>
public sealed record ScenarioObject(JsonObject Manifest, int Line);

/// <summary>A scenario file that cannot be loaded. The message names the file, the line and the reason.</summary>
public sealed class ScenarioException(string source, int line, string reason)
    : Exception($"{source}:{line}: {reason}")
{
    public string File { get; } = source;

    public int Line { get; } = line;

    public string Reason { get; } = reason;
}
