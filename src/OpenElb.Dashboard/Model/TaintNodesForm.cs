using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Model;

/// <summary>What the Taint nodes wizard does with the taint.</summary>
public enum TaintOperation
{
    /// <summary>Add the taint, or overwrite the value of the taint with the same key and effect (<c>kubectl taint nodes … key=value:Effect --overwrite</c>).</summary>
    Add,

    /// <summary>Remove the taint with this key, of one effect or of every effect (<c>kubectl taint nodes … key:Effect-</c> / <c>key-</c>).</summary>
    Remove,
}

/// <summary>The Taint nodes wizard's inputs and their validation (Core's rules and reasons). Mutable; one per wizard.</summary>
public sealed class TaintNodesForm
{
    /// <summary>The nodes to taint, in the order given, without duplicates or blanks.</summary>
    public IReadOnlyList<string> Nodes { get; set; } = [];

    /// <summary>The taint key.</summary>
    public string Key { get; set; } = "";

    /// <summary>The taint value (may be empty; ignored when removing).</summary>
    public string Value { get; set; } = "";

    /// <summary>The effect; <c>null</c> only when removing (every effect of the key).</summary>
    public TaintEffect? Effect { get; set; } = TaintEffect.NoSchedule;

    /// <summary>Add or remove.</summary>
    public TaintOperation Operation { get; set; }

    /// <summary>Why the key is invalid (Core's exact reasons), or empty. An untouched empty key reports nothing.</summary>
    public IReadOnlyList<string> KeyErrors => Key.Length == 0 ? [] : Messages(KubernetesValidation.ValidateKey(Key, "key"));

    /// <summary>Why the value is invalid (Core's exact reasons), or empty. A taint's value may be empty.</summary>
    public IReadOnlyList<string> ValueErrors =>
        Operation == TaintOperation.Remove || Value.Length == 0 ? [] : Messages(KubernetesValidation.ValidateValue(Value, "value"));

    /// <summary>Why the effect is missing, or empty.</summary>
    public IReadOnlyList<string> EffectErrors =>
        Operation == TaintOperation.Add && Effect is null ? ["choose an effect: NoSchedule, PreferNoSchedule or NoExecute"] : [];

    /// <summary>Whether the inputs make a request worth previewing.</summary>
    public bool CanPreview => Nodes.Count > 0 && Key.Length > 0 && KeyErrors.Count == 0 && ValueErrors.Count == 0 && EffectErrors.Count == 0;

    /// <summary>The taint as kubectl writes it, e.g. <c>key=value:NoSchedule</c> or <c>key:NoExecute-</c>.</summary>
    public string Describe() => Operation == TaintOperation.Remove
        ? new TaintRef(Key, Effect).ToString()
        : new Taint(Key, Value, Effect ?? TaintEffect.NoSchedule).ToString();

    /// <summary>The change request.</summary>
    public SetNodeTaints ToRequest() => Operation == TaintOperation.Remove
        ? SetNodeTaints.Removing(new TaintRef(Key, Effect), [.. Nodes])
        : SetNodeTaints.Adding(new Taint(Key, Value, Effect ?? TaintEffect.NoSchedule), [.. Nodes]);

    /// <summary>The link that opens the wizard for <paramref name="nodes"/>.</summary>
    public static string Link(IEnumerable<string> nodes) =>
        $"wizards/taint-nodes?{LabelNodesForm.NodesParameter}={Uri.EscapeDataString(string.Join(",", nodes.Order(StringComparer.Ordinal)))}";

    /// <summary>What an effect does, in one sentence.</summary>
    public static string EffectMeaning(TaintEffect? effect) => effect switch
    {
        TaintEffect.NoSchedule => "New pods that do not tolerate it are not scheduled there; running pods stay.",
        TaintEffect.PreferNoSchedule => "The scheduler avoids the node when it can; it never keeps a pod off.",
        TaintEffect.NoExecute => "Pods that do not tolerate it are not scheduled there, and running ones are evicted.",
        _ => "Every taint with this key is removed, whatever its effect.",
    };

    private static string[] Messages(IEnumerable<ValidationError> errors) => errors.Select(static e => e.Message).ToArray();
}
