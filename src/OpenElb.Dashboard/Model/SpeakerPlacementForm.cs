using System.Globalization;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Model;

/// <summary>One nodeSelector pair being edited.</summary>
public sealed class SelectorRow
{
    /// <summary>Label key.</summary>
    public string Key { get; set; } = "";

    /// <summary>Label value.</summary>
    public string Value { get; set; } = "";

    /// <summary>Why the key is invalid (Core's reasons), or empty.</summary>
    public IReadOnlyList<string> KeyErrors => SpeakerPlacementForm.Messages(KubernetesValidation.ValidateKey(Key, "key"));

    /// <summary>Why the value is invalid (Core's reasons), or empty.</summary>
    public IReadOnlyList<string> ValueErrors => SpeakerPlacementForm.Messages(KubernetesValidation.ValidateValue(Value, "value"));
}

/// <summary>One match expression of a node affinity term being edited.</summary>
public sealed class ExpressionRow
{
    /// <summary>Label key.</summary>
    public string Key { get; set; } = "";

    /// <summary>One of <see cref="SelectorOperators.NodeSelectorOperators"/>.</summary>
    public string Operator { get; set; } = SelectorOperators.In;

    /// <summary>The values, comma-separated (ignored for Exists and DoesNotExist).</summary>
    public string Values { get; set; } = "";

    /// <summary>Whether the operator takes values at all.</summary>
    public bool TakesValues => Operator is not (SelectorOperators.Exists or SelectorOperators.DoesNotExist);

    /// <summary>The requirement this row stands for.</summary>
    public NodeSelectorRequirement ToRequirement() => new(
        Key,
        Operator,
        TakesValues
            ? Values.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToEquatableArray()
            : EquatableArray<string>.Empty);

    /// <summary>Why the key is invalid (Core's reasons), or empty.</summary>
    public IReadOnlyList<string> KeyErrors => Errors(static p => p == ".key");

    /// <summary>Why the operator or values are invalid (Core's reasons), or empty.</summary>
    public IReadOnlyList<string> ValuesErrors => Errors(static p => p != ".key");

    private string[] Errors(Func<string, bool> path) =>
        KubernetesValidation.ValidateNodeSelectorRequirement(ToRequirement(), "")
            .Where(e => path(e.Path))
            .Select(static e => e.Message)
            .ToArray();

    /// <summary>A row for <paramref name="requirement"/>.</summary>
    public static ExpressionRow From(NodeSelectorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return new() { Key = requirement.Key, Operator = requirement.Operator, Values = string.Join(",", requirement.Values) };
    }
}

/// <summary>One required node affinity term (its expressions are ANDed; terms are ORed).</summary>
public sealed class TermRow
{
    /// <summary>The label requirements.</summary>
    public List<ExpressionRow> Expressions { get; } = [];

    /// <summary>The term's <c>matchFields</c>, kept as read (the editor does not edit them).</summary>
    public EquatableArray<NodeSelectorRequirement> MatchFields { get; init; } = EquatableArray<NodeSelectorRequirement>.Empty;

    /// <summary>The term this row stands for.</summary>
    public NodeSelectorTerm ToTerm() => new(Expressions.Select(static e => e.ToRequirement()).ToEquatableArray(), MatchFields);

    /// <summary>Term-level problems (Core's reasons, e.g. a term without requirements), or empty.</summary>
    public IReadOnlyList<string> Errors =>
        SpeakerPlacementForm.Messages(KubernetesValidation
            .ValidatePlacement(new SpeakerPlacement(LabelSet.Empty, EquatableArray.Create(ToTerm()), EquatableArray<Toleration>.Empty))
            .Where(static e => e.Path == "affinity.nodeSelectorTerms[0]" || e.Path.StartsWith("affinity.nodeSelectorTerms[0].matchFields", StringComparison.Ordinal)));
}

/// <summary>One toleration being edited.</summary>
public sealed class TolerationRow
{
    /// <summary>The reason shown when the seconds are not a whole number (Core validates parsed values only).</summary>
    public const string SecondsNotANumber = "tolerationSeconds must be a whole number of seconds, or empty for forever";

    /// <summary>Taint key; empty with Exists tolerates every taint.</summary>
    public string Key { get; set; } = "";

    /// <summary>Equal or Exists.</summary>
    public TolerationOperator Operator { get; set; }

    /// <summary>Value for Equal (ignored for Exists).</summary>
    public string Value { get; set; } = "";

    /// <summary>Effect, or <c>null</c> for every effect.</summary>
    public TaintEffect? Effect { get; set; }

    /// <summary>Seconds for NoExecute as typed; empty = forever; ignored for other effects.</summary>
    public string Seconds { get; set; } = "";

    /// <summary>Whether the seconds input applies (effect NoExecute).</summary>
    public bool TakesSeconds => Effect == TaintEffect.NoExecute;

    private bool SecondsParse(out long? seconds)
    {
        seconds = null;
        if (!TakesSeconds || Seconds.Trim().Length == 0)
        {
            return true;
        }
        if (long.TryParse(Seconds.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            seconds = value;
            return true;
        }
        return false;
    }

    /// <summary>The toleration this row stands for.</summary>
    public Toleration ToToleration()
    {
        SecondsParse(out var seconds);
        return new Toleration(Key, Operator, Operator == TolerationOperator.Exists ? "" : Value, Effect, seconds);
    }

    /// <summary>Why the key or operator is invalid (Core's reasons), or empty.</summary>
    public IReadOnlyList<string> KeyErrors => Errors(static p => p is ".key" or ".operator");

    /// <summary>Why the value is invalid (Core's reasons), or empty.</summary>
    public IReadOnlyList<string> ValueErrors => Errors(static p => p == ".value");

    /// <summary>Why the seconds are invalid, or empty.</summary>
    public IReadOnlyList<string> SecondsErrors => SecondsParse(out _) ? Errors(static p => p == ".tolerationSeconds") : [SecondsNotANumber];

    private string[] Errors(Func<string, bool> path) =>
        KubernetesValidation.ValidateToleration(ToToleration(), "")
            .Where(e => path(e.Path))
            .Select(static e => e.Message)
            .ToArray();

    /// <summary>A row for <paramref name="toleration"/>.</summary>
    public static TolerationRow From(Toleration toleration)
    {
        ArgumentNullException.ThrowIfNull(toleration);
        return new()
        {
            Key = toleration.Key,
            Operator = toleration.Operator,
            Value = toleration.Value,
            Effect = toleration.Effect,
            Seconds = toleration.TolerationSeconds?.ToString(CultureInfo.InvariantCulture) ?? "",
        };
    }
}

/// <summary>One of the seed's three recipes, as a preset for the editors.</summary>
/// <param name="Id">Stable id (for tests and data attributes).</param>
/// <param name="Title">Button text.</param>
/// <param name="Explanation">One sentence: what it does and its caveat.</param>
public sealed record PlacementPreset(string Id, string Title, string Explanation);

/// <summary>
/// The Speaker placement wizard's inputs: the nodeSelector, required node affinity and tolerations, started from the
/// speaker's current placement, with Core's validation per field. Only the parts that differ from the starting
/// placement are written. Mutable; one per wizard.
/// </summary>
public sealed class SpeakerPlacementForm
{
    /// <summary>The seed's label and taint key.</summary>
    public const string SeedKey = "openelb-speaker";

    /// <summary>The seed's label and taint value.</summary>
    public const string SeedValue = "true";

    /// <summary>The seed's nodeSelector recipe.</summary>
    public static PlacementPreset NodeSelectorPreset { get; } = new(
        "node-selector",
        "nodeSelector openelb-speaker=true",
        "Runs speakers only on nodes labelled openelb-speaker=true (label them first, e.g. with the Label nodes wizard); every other node loses its speaker.");

    /// <summary>The seed's node affinity recipe.</summary>
    public static PlacementPreset NodeAffinityPreset { get; } = new(
        "node-affinity",
        "Node affinity openelb-speaker In (true)",
        "Requires the label openelb-speaker=true through node affinity, replacing any other required affinity terms; every node without the label loses its speaker.");

    /// <summary>The seed's taint and toleration recipe.</summary>
    public static PlacementPreset TolerationPreset { get; } = new(
        "toleration",
        "Tolerate openelb-speaker=true:NoSchedule",
        "Lets speakers onto nodes tainted openelb-speaker=true:NoSchedule (taint them with kubectl taint), but does not keep speakers off the other nodes: to restrict speakers, use a nodeSelector or node affinity.");

    /// <summary>The three presets, in the seed's order.</summary>
    public static IReadOnlyList<PlacementPreset> Presets { get; } = [NodeSelectorPreset, NodeAffinityPreset, TolerationPreset];

    /// <summary>The reason shown for a nodeSelector key given twice (a map has one value per key).</summary>
    public const string DuplicateKey = "this key appears more than once: a nodeSelector has one value per key";

    /// <summary>Creates a form that starts from <paramref name="current"/>.</summary>
    public SpeakerPlacementForm(SpeakerPlacement current)
    {
        ArgumentNullException.ThrowIfNull(current);
        Current = current;
        Reset();
    }

    /// <summary>The placement the form started from (or was last reset to).</summary>
    public SpeakerPlacement Current { get; private set; }

    /// <summary>nodeSelector pairs.</summary>
    public List<SelectorRow> Selector { get; } = [];

    /// <summary>Required node affinity terms (ORed); none = no required node affinity.</summary>
    public List<TermRow> Terms { get; } = [];

    /// <summary>Tolerations, written as one whole list.</summary>
    public List<TolerationRow> Tolerations { get; } = [];

    /// <summary>Puts the editors back to <paramref name="current"/> (or the placement the form started from).</summary>
    public void Reset(SpeakerPlacement? current = null)
    {
        Current = current ?? Current;
        Selector.Clear();
        Selector.AddRange(Current.NodeSelector.Select(static p => new SelectorRow { Key = p.Key, Value = p.Value }));
        Terms.Clear();
        foreach (var term in Current.RequiredNodeAffinity ?? EquatableArray<NodeSelectorTerm>.Empty)
        {
            var row = new TermRow { MatchFields = term.MatchFields };
            row.Expressions.AddRange(term.MatchExpressions.Select(ExpressionRow.From));
            Terms.Add(row);
        }
        Tolerations.Clear();
        Tolerations.AddRange(Current.Tolerations.Select(TolerationRow.From));
    }

    /// <summary>Adds an empty nodeSelector row.</summary>
    public void AddSelector() => Selector.Add(new SelectorRow());

    /// <summary>Adds a term with one empty In expression.</summary>
    public void AddTerm()
    {
        var term = new TermRow();
        term.Expressions.Add(new ExpressionRow());
        Terms.Add(term);
    }

    /// <summary>Adds an empty Equal toleration for every effect.</summary>
    public void AddToleration() => Tolerations.Add(new TolerationRow());

    /// <summary>Fills the editors with <paramref name="preset"/>; editors the preset does not concern keep their rows.</summary>
    public void Apply(PlacementPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        if (preset == NodeSelectorPreset)
        {
            // Like the seed's patch, which merges into the existing nodeSelector (kubernetes.io/os=linux stays).
            if (Selector.Find(static r => r.Key == SeedKey) is { } row)
            {
                row.Value = SeedValue;
            }
            else
            {
                Selector.Add(new SelectorRow { Key = SeedKey, Value = SeedValue });
            }
        }
        else if (preset == NodeAffinityPreset)
        {
            Terms.Clear();
            var term = new TermRow();
            term.Expressions.Add(new ExpressionRow { Key = SeedKey, Operator = SelectorOperators.In, Values = SeedValue });
            Terms.Add(term);
        }
        else if (preset == TolerationPreset)
        {
            // Added to the list, not replacing it: writing the seed's snippet alone would drop the control-plane tolerations.
            var toleration = new Toleration(SeedKey, TolerationOperator.Equal, SeedValue, TaintEffect.NoSchedule);
            if (!Tolerations.Exists(r => r.ToToleration() == toleration))
            {
                Tolerations.Add(TolerationRow.From(toleration));
            }
        }
        else
        {
            throw new ArgumentException($"Unknown preset '{preset.Id}'.", nameof(preset));
        }
    }

    /// <summary>nodeSelector keys that appear more than once.</summary>
    public IReadOnlySet<string> DuplicateKeys =>
        Selector.GroupBy(static r => r.Key, StringComparer.Ordinal).Where(static g => g.Count() > 1).Select(static g => g.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>Why a nodeSelector row's key is invalid: Core's reasons, and whether it is given twice.</summary>
    public IReadOnlyList<string> SelectorKeyErrors(SelectorRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Selector.Count(r => r.Key == row.Key) > 1 ? [.. row.KeyErrors, DuplicateKey] : row.KeyErrors;
    }

    /// <summary>The placement the editors describe.</summary>
    public SpeakerPlacement ToPlacement() => new(
        LabelSet.From(Selector.Select(static r => KeyValuePair.Create(r.Key, r.Value))),
        Terms.Count == 0 ? null : Terms.Select(static t => t.ToTerm()).ToEquatableArray(),
        Tolerations.Select(static t => t.ToToleration()).ToEquatableArray());

    /// <summary>The parts that differ from <see cref="Current"/>: only these are written.</summary>
    public PlacementParts Parts
    {
        get
        {
            var after = ToPlacement();
            var parts = PlacementParts.None;
            if (!after.NodeSelector.Equals(Current.NodeSelector))
            {
                parts |= PlacementParts.NodeSelector;
            }
            if (!Nullable.Equals(after.RequiredNodeAffinity, Current.RequiredNodeAffinity))
            {
                parts |= PlacementParts.NodeAffinity;
            }
            if (!after.Tolerations.Equals(Current.Tolerations))
            {
                parts |= PlacementParts.Tolerations;
            }
            return parts;
        }
    }

    /// <summary>Whether any editor holds a problem.</summary>
    public bool HasErrors =>
        DuplicateKeys.Count > 0
        || Selector.Exists(static r => r.KeyErrors.Count > 0 || r.ValueErrors.Count > 0)
        || Terms.Exists(static t => t.Errors.Count > 0 || t.Expressions.Exists(static e => e.KeyErrors.Count > 0 || e.ValuesErrors.Count > 0))
        || Tolerations.Exists(static t => t.KeyErrors.Count > 0 || t.ValueErrors.Count > 0 || t.SecondsErrors.Count > 0);

    /// <summary>Whether the editors make a valid change worth previewing.</summary>
    public bool CanPreview => !HasErrors && Parts != PlacementParts.None;

    /// <summary>The change request: the edited placement, writing only the parts that changed.</summary>
    public SetSpeakerPlacement ToRequest() => new(ToPlacement(), Parts);

    internal static string[] Messages(IEnumerable<ValidationError> errors) => errors.Select(static e => e.Message).ToArray();
}
