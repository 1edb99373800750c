using System.Text.Json;
using OpenElb.Dashboard.Core.Changes;
using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Api;

/// <summary>
/// Reads a Changes API body (camelCase JSON, Kubernetes shapes for terms and tolerations) into a Core
/// <see cref="ChangeRequest"/>. Only the shape is checked here (kinds, types, required and unknown fields); the values
/// are validated by the planner, whose error paths use the same names (<c>nodes[0]</c>, <c>set[key]</c>,
/// <c>affinity.nodeSelectorTerms[0].matchExpressions[0].operator</c>, <c>steps[1].…</c>). Pure and thread-safe.
/// </summary>
public static class ChangeRequestJson
{
    /// <summary>The request kinds, as the <c>kind</c> field spells them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["setNodeLabels", "setNodeTaints", "setSpeakerPlacement", "restartSpeakers", "composite"];

    /// <summary>The top-level field of an apply body that carries the typed confirmation.</summary>
    public const string ConfirmField = "confirm";

    /// <summary>
    /// Reads <paramref name="root"/>. <paramref name="currentPlacement"/> fills the parts of a placement request that
    /// the body leaves out (they are not replaced anyway). With <paramref name="allowConfirm"/> the top level may carry
    /// <c>confirm</c> (a string).
    /// </summary>
    public static ParsedChange Parse(JsonElement root, SpeakerPlacement? currentPlacement, bool allowConfirm)
    {
        var reader = new Reader(currentPlacement ?? SpeakerPlacement.Unrestricted);
        string? confirm = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            reader.Error("", FieldErrorReasons.TypeInvalid, $"the body must be a JSON object, not {Describe(root.ValueKind)}");
            return new ParsedChange(null, null, reader.Errors);
        }
        if (allowConfirm && root.TryGetProperty(ConfirmField, out var confirmElement))
        {
            if (confirmElement.ValueKind == JsonValueKind.String)
            {
                confirm = confirmElement.GetString();
            }
            else if (confirmElement.ValueKind != JsonValueKind.Null)
            {
                reader.Error(ConfirmField, FieldErrorReasons.TypeInvalid, $"must be a string, not {Describe(confirmElement.ValueKind)}");
            }
        }
        var request = reader.Request(root, "", allowConfirm ? [ConfirmField] : []);
        return new ParsedChange(reader.Errors.Count == 0 ? request : null, confirm, reader.Errors);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private sealed class Reader(SpeakerPlacement current)
    {
        public List<FieldError> Errors { get; } = [];

        public void Error(string path, string reason, string message) => Errors.Add(new FieldError(path, reason, message));

        public ChangeRequest? Request(JsonElement body, string path, string[] extra)
        {
            if (!body.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind == JsonValueKind.Null)
            {
                Error(path + "kind", FieldErrorReasons.Required, $"required: one of {string.Join(", ", Kinds)}");
                return null;
            }
            if (kindElement.ValueKind != JsonValueKind.String)
            {
                Error(path + "kind", FieldErrorReasons.TypeInvalid, $"must be a string, not {Describe(kindElement.ValueKind)}");
                return null;
            }
            var kind = kindElement.GetString()!;
            switch (kind)
            {
                case "setNodeLabels":
                    Known(body, path, [.. extra, "kind", "nodes", "set", "remove"]);
                    return new SetNodeLabels(Strings(body, "nodes", path, required: true), Labels(body, "set", path), Strings(body, "remove", path, required: false));
                case "setNodeTaints":
                    Known(body, path, [.. extra, "kind", "nodes", "add", "remove"]);
                    return new SetNodeTaints(
                        Strings(body, "nodes", path, required: true),
                        Objects(body, "add", path, Taint),
                        Objects(body, "remove", path, TaintRef));
                case "setSpeakerPlacement":
                    Known(body, path, [.. extra, "kind", "nodeSelector", "affinity", "tolerations"]);
                    return Placement(body, path);
                case "restartSpeakers":
                    Known(body, path, [.. extra, "kind", "nodes"]);
                    return new RestartSpeakers(Strings(body, "nodes", path, required: true));
                case "composite":
                    Known(body, path, [.. extra, "kind", "title", "steps"]);
                    var steps = Objects(body, "steps", path, (step, stepPath) => Request(step, stepPath + ".", []));
                    var title = OptionalString(body, "title", path);
                    return new CompositeChange(string.IsNullOrWhiteSpace(title) ? $"Change in {steps.Count} step(s) through the API" : title, steps);
                default:
                    Error(path + "kind", FieldErrorReasons.NotSupported, $"unknown kind '{kind}': use one of {string.Join(", ", Kinds)}");
                    return null;
            }
        }

        private void Known(JsonElement body, string path, string[] known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in body.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    Error(path + property.Name, FieldErrorReasons.Unknown, $"unknown field '{property.Name}': expected {string.Join(", ", known)}");
                }
                else if (!seen.Add(property.Name))
                {
                    Error(path + property.Name, FieldErrorReasons.Duplicate, $"field '{property.Name}' appears twice");
                }
            }
        }

        private SetSpeakerPlacement Placement(JsonElement body, string path)
        {
            var parts = PlacementParts.None;
            var nodeSelector = current.NodeSelector;
            var affinity = current.RequiredNodeAffinity;
            var tolerations = current.Tolerations;
            if (body.TryGetProperty("nodeSelector", out _))
            {
                parts |= PlacementParts.NodeSelector;
                nodeSelector = Labels(body, "nodeSelector", path);
            }
            if (body.TryGetProperty("affinity", out var affinityElement))
            {
                parts |= PlacementParts.NodeAffinity;
                affinity = null;
                var affinityPath = path + "affinity";
                if (affinityElement.ValueKind == JsonValueKind.Object)
                {
                    Known(affinityElement, affinityPath + ".", ["nodeSelectorTerms"]);
                    if (!affinityElement.TryGetProperty("nodeSelectorTerms", out var termsElement) || termsElement.ValueKind == JsonValueKind.Null)
                    {
                        Error(affinityPath + ".nodeSelectorTerms", FieldErrorReasons.Required, "required: the terms (ORed); set affinity to null to remove the required node affinity");
                    }
                    else
                    {
                        affinity = Objects(affinityElement, "nodeSelectorTerms", affinityPath + ".", Term);
                    }
                }
                else if (affinityElement.ValueKind != JsonValueKind.Null)
                {
                    Error(affinityPath, FieldErrorReasons.TypeInvalid, $"must be an object with nodeSelectorTerms, or null, not {Describe(affinityElement.ValueKind)}");
                }
            }
            if (body.TryGetProperty("tolerations", out _))
            {
                parts |= PlacementParts.Tolerations;
                tolerations = Objects(body, "tolerations", path, Toleration);
            }
            return new SetSpeakerPlacement(new SpeakerPlacement(nodeSelector, affinity, tolerations), parts);
        }

        private Taint? Taint(JsonElement item, string path)
        {
            Known(item, path + ".", ["key", "value", "effect"]);
            var key = RequiredString(item, "key", path + ".");
            var value = OptionalString(item, "value", path + ".") ?? "";
            var effect = Effect(item, path + ".", required: true);
            return key is null || effect is null ? null : new Taint(key, value, effect.Value);
        }

        private TaintRef? TaintRef(JsonElement item, string path)
        {
            Known(item, path + ".", ["key", "effect"]);
            var key = RequiredString(item, "key", path + ".");
            var effect = Effect(item, path + ".", required: false);
            return key is null ? null : new TaintRef(key, effect);
        }

        private Toleration? Toleration(JsonElement item, string path)
        {
            Known(item, path + ".", ["key", "operator", "value", "effect", "tolerationSeconds"]);
            var key = OptionalString(item, "key", path + ".") ?? "";
            var op = OptionalString(item, "operator", path + ".");
            TolerationOperator? parsed = op switch
            {
                null or "" or nameof(TolerationOperator.Equal) => TolerationOperator.Equal,
                nameof(TolerationOperator.Exists) => TolerationOperator.Exists,
                _ => null,
            };
            if (parsed is null)
            {
                Error(path + ".operator", FieldErrorReasons.NotSupported, $"operator '{op}' is not one of Equal, Exists");
            }
            var value = OptionalString(item, "value", path + ".") ?? "";
            var effect = Effect(item, path + ".", required: false);
            long? seconds = null;
            if (item.TryGetProperty("tolerationSeconds", out var secondsElement) && secondsElement.ValueKind != JsonValueKind.Null)
            {
                if (secondsElement.ValueKind == JsonValueKind.Number && secondsElement.TryGetInt64(out var s))
                {
                    seconds = s;
                }
                else
                {
                    Error(path + ".tolerationSeconds", FieldErrorReasons.TypeInvalid, $"must be a whole number of seconds or null, not {secondsElement.GetRawText()}");
                }
            }
            return parsed is null ? null : new Toleration(key, parsed.Value, value, effect, seconds);
        }

        private NodeSelectorTerm? Term(JsonElement item, string path)
        {
            Known(item, path + ".", ["matchExpressions", "matchFields"]);
            return new NodeSelectorTerm(Objects(item, "matchExpressions", path + ".", Requirement), Objects(item, "matchFields", path + ".", Requirement));
        }

        private NodeSelectorRequirement? Requirement(JsonElement item, string path)
        {
            Known(item, path + ".", ["key", "operator", "values"]);
            var key = RequiredString(item, "key", path + ".");
            var op = RequiredString(item, "operator", path + ".");
            var values = Strings(item, "values", path + ".", required: false);
            return key is null || op is null ? null : new NodeSelectorRequirement(key, op, values);
        }

        private TaintEffect? Effect(JsonElement item, string path, bool required)
        {
            var text = required ? RequiredString(item, "effect", path) : OptionalString(item, "effect", path);
            if (string.IsNullOrEmpty(text))
            {
                if (required && text is not null)
                {
                    Error(path + "effect", FieldErrorReasons.Required, "required: one of NoSchedule, PreferNoSchedule, NoExecute");
                }
                return null;
            }
            if (!KubernetesValidation.TryParseTaintEffect(text, out var effect))
            {
                Error(path + "effect", FieldErrorReasons.NotSupported, $"effect '{text}' is not one of NoSchedule, PreferNoSchedule, NoExecute");
                return null;
            }
            return effect;
        }

        private string? RequiredString(JsonElement item, string name, string path)
        {
            if (!item.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                Error(path + name, FieldErrorReasons.Required, "required");
                return null;
            }
            return StringValue(element, path + name);
        }

        private string? OptionalString(JsonElement item, string name, string path) =>
            item.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null ? StringValue(element, path + name) : null;

        private string? StringValue(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                Error(path, FieldErrorReasons.TypeInvalid, $"must be a string, not {Describe(element.ValueKind)}");
                return null;
            }
            return element.GetString();
        }

        private EquatableArray<string> Strings(JsonElement item, string name, string path, bool required) =>
            Objects(item, name, path, StringValue, required, objectsOnly: false);

        private LabelSet Labels(JsonElement item, string name, string path)
        {
            if (!item.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return LabelSet.Empty;
            }
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path + name, FieldErrorReasons.TypeInvalid, $"must be an object of key: value strings, not {Describe(element.ValueKind)}");
                return LabelSet.Empty;
            }
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var property in element.EnumerateObject())
            {
                var pairPath = $"{path}{name}[{property.Name}]";
                if (pairs.Exists(p => p.Key == property.Name))
                {
                    Error(pairPath, FieldErrorReasons.Duplicate, $"key '{property.Name}' appears twice");
                }
                else if (StringValue(property.Value, pairPath) is { } value)
                {
                    pairs.Add(KeyValuePair.Create(property.Name, value));
                }
            }
            return LabelSet.From(pairs);
        }

        private EquatableArray<T> Objects<T>(JsonElement item, string name, string path, Func<JsonElement, string, T?> read, bool required = false, bool objectsOnly = true)
        {
            if (!item.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Error(path + name, FieldErrorReasons.Required, "required");
                }
                return EquatableArray<T>.Empty;
            }
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error(path + name, FieldErrorReasons.TypeInvalid, $"must be an array, not {Describe(element.ValueKind)}");
                return EquatableArray<T>.Empty;
            }
            var items = new List<T>();
            var index = 0;
            foreach (var child in element.EnumerateArray())
            {
                var childPath = $"{path}{name}[{index++}]";
                if (objectsOnly && child.ValueKind != JsonValueKind.Object)
                {
                    Error(childPath, FieldErrorReasons.TypeInvalid, $"must be an object, not {Describe(child.ValueKind)}");
                    continue;
                }
                if (read(child, childPath) is { } value)
                {
                    items.Add(value);
                }
            }
            return items.ToEquatableArray();
        }
    }
}

/// <summary>The result of reading a body: the request (when the shape is right), the confirmation, and shape errors.</summary>
/// <param name="Request">The request, or <c>null</c> when <paramref name="Errors"/> is not empty.</param>
/// <param name="Confirm">The <c>confirm</c> field of an apply body.</param>
/// <param name="Errors">Shape errors, in body order.</param>
public sealed record ParsedChange(ChangeRequest? Request, string? Confirm, IReadOnlyList<FieldError> Errors);

/// <summary>One field error of a 400 answer (a Kubernetes <c>StatusCause</c>).</summary>
/// <param name="Field">The field path in the body, e.g. <c>add[0].effect</c>; empty for the body itself.</param>
/// <param name="Reason">A Kubernetes cause type (<see cref="FieldErrorReasons"/>).</param>
/// <param name="Message">What is wrong.</param>
public sealed record FieldError(string Field, string Reason, string Message);

/// <summary>Kubernetes' <c>CauseType</c> names used in field errors.</summary>
public static class FieldErrorReasons
{
    /// <summary>The value is invalid (Core's validation).</summary>
    public const string Invalid = "FieldValueInvalid";

    /// <summary>A required field is missing or null.</summary>
    public const string Required = "FieldValueRequired";

    /// <summary>The value is not one of the supported ones (unknown kind, operator, effect).</summary>
    public const string NotSupported = "FieldValueNotSupported";

    /// <summary>The JSON type is wrong (a string where an array belongs).</summary>
    public const string TypeInvalid = "FieldValueTypeInvalid";

    /// <summary>A field the kind does not have (strict decoding: typos are not ignored).</summary>
    public const string Unknown = "FieldValueUnknown";

    /// <summary>A field or key given twice.</summary>
    public const string Duplicate = "FieldValueDuplicate";
}
