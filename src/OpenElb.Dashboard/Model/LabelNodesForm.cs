using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Model;

/// <summary>What the Label nodes wizard does with the label.</summary>
public enum LabelOperation
{
    /// <summary>Add the label, or overwrite its value (<c>kubectl label … key=value --overwrite</c>).</summary>
    AddOrOverwrite,

    /// <summary>Remove the label (<c>kubectl label … key-</c>).</summary>
    Remove,
}

/// <summary>The Label nodes wizard's inputs and their validation (Core's rules and reasons). Mutable; one per wizard.</summary>
public sealed class LabelNodesForm
{
    /// <summary>The query parameter that carries the node names, comma-separated.</summary>
    public const string NodesParameter = "nodes";

    /// <summary>The nodes to label, in the order given, without duplicates or blanks.</summary>
    public IReadOnlyList<string> Nodes { get; set; } = [];

    /// <summary>The label key.</summary>
    public string Key { get; set; } = "";

    /// <summary>The label value (ignored when removing).</summary>
    public string Value { get; set; } = "";

    /// <summary>Add/overwrite or remove.</summary>
    public LabelOperation Operation { get; set; }

    /// <summary>Why the key is invalid (Core's exact reasons), or empty. An untouched empty key reports nothing.</summary>
    public IReadOnlyList<string> KeyErrors => Key.Length == 0 ? [] : Messages(KubernetesValidation.ValidateKey(Key, "key"));

    /// <summary>Why the value is invalid (Core's exact reasons), or empty.</summary>
    public IReadOnlyList<string> ValueErrors => Operation == LabelOperation.Remove ? [] : Messages(KubernetesValidation.ValidateValue(Value, "value"));

    /// <summary>Whether the inputs make a request worth previewing.</summary>
    public bool CanPreview => Nodes.Count > 0 && Key.Length > 0 && KeyErrors.Count == 0 && ValueErrors.Count == 0;

    /// <summary>The change request.</summary>
    public SetNodeLabels ToRequest() => Operation == LabelOperation.Remove
        ? SetNodeLabels.Delete(Key, [.. Nodes])
        : SetNodeLabels.Add(Key, Value, [.. Nodes]);

    /// <summary>The link that opens the wizard for <paramref name="nodes"/>.</summary>
    public static string Link(IEnumerable<string> nodes) =>
        $"wizards/label-nodes?{NodesParameter}={Uri.EscapeDataString(string.Join(",", nodes.Order(StringComparer.Ordinal)))}";

    /// <summary>Node names from the query value (comma-separated): trimmed, blanks and duplicates dropped, order kept.</summary>
    public static IReadOnlyList<string> ParseNodes(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();

    private static string[] Messages(IEnumerable<ValidationError> errors) => errors.Select(static e => e.Message).ToArray();
}
