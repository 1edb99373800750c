using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Findings;
using OpenElb.Dashboard.Core.Scheduling;
using OpenElb.Dashboard.Core.Topology;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Core.Changes;

/// <summary>Options for planning.</summary>
public sealed record PlanningOptions
{
    /// <summary>How topology is built.</summary>
    public TopologyOptions Topology { get; init; } = TopologyOptions.Default;

    /// <summary>Finding thresholds (the minimum speakers per router is the guard's threshold too).</summary>
    public FindingsOptions Findings { get; init; } = FindingsOptions.Default;

    /// <summary>Defaults.</summary>
    public static PlanningOptions Default { get; } = new();
}

/// <summary>
/// Turns a <see cref="ChangeRequest"/> and a snapshot into a <see cref="ChangePlan"/>: validation, the predicted placement
/// of every speaker, per-router before/after, findings added and cleared, and the exact patches. Pure and deterministic.
/// </summary>
/// <remarks>
/// The prediction describes the cluster after the change has settled, including the speaker restarts the plan lists in
/// <see cref="ChangePlan.NodesNeedingRestart"/> (OpenELB only follows new router membership after a restart). New
/// sessions are predicted to establish when their router has a working session now (or no speaker yet), and to stay in
/// their current state otherwise.
/// </remarks>
public static class ChangePlanner
{
    /// <summary>Plans <paramref name="request"/> against <paramref name="snapshot"/>.</summary>
    public static ChangePlan Plan(ClusterSnapshot snapshot, ChangeRequest request, PlanningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(request);
        options ??= PlanningOptions.Default;

        var state = new WorkingState(snapshot);
        if (request is CompositeChange composite)
        {
            if (composite.Steps.IsEmpty)
            {
                state.Errors.Add(new ValidationError("steps", "a composite change needs at least one step"));
            }
            for (var i = 0; i < composite.Steps.Count; i++)
            {
                if (composite.Steps[i] is CompositeChange)
                {
                    state.Errors.Add(new ValidationError($"steps[{i}]", "composite changes cannot be nested"));
                    continue;
                }
                PlanStep(state, composite.Steps[i], i, $"steps[{i}].");
            }
        }
        else
        {
            PlanStep(state, request, 0, "");
        }

        if (state.Errors.Count > 0)
        {
            return ChangePlan.Invalid(snapshot.Version, request, state.Errors);
        }
        return Predict(snapshot, request, state, options);
    }

    private static void PlanStep(WorkingState state, ChangeRequest request, int step, string path)
    {
        switch (request)
        {
            case SetNodeLabels labels:
                PlanLabels(state, labels, step, path);
                break;
            case SetNodeTaints taints:
                PlanTaints(state, taints, step, path);
                break;
            case SetSpeakerPlacement placement:
                PlanPlacement(state, placement, step, path);
                break;
            case RestartSpeakers restart:
                PlanRestart(state, restart, step, path);
                break;
            default:
                state.Errors.Add(new ValidationError(path + "kind", $"'{request.GetType().Name}' is not a change the planner knows"));
                break;
        }
    }

    private static bool ValidateNodes(WorkingState state, EquatableArray<string> nodes, string path)
    {
        if (nodes.IsEmpty)
        {
            state.Errors.Add(new ValidationError(path + "nodes", "choose at least one node"));
            return false;
        }
        var ok = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (state.Snapshot.FindNode(nodes[i]) is null)
            {
                state.Errors.Add(new ValidationError($"{path}nodes[{i}]", $"node '{nodes[i]}' does not exist (any more)"));
                ok = false;
            }
            else if (!seen.Add(nodes[i]))
            {
                state.Errors.Add(new ValidationError($"{path}nodes[{i}]", $"node '{nodes[i]}' is listed twice"));
                ok = false;
            }
        }
        return ok;
    }

    private static void PlanLabels(WorkingState state, SetNodeLabels request, int step, string path)
    {
        var before = state.Errors.Count;
        ValidateNodes(state, request.Nodes, path);
        if (request.Set.Count == 0 && request.Remove.IsEmpty)
        {
            state.Errors.Add(new ValidationError(path + "set", "set or remove at least one label"));
        }
        foreach (var (key, value) in request.Set)
        {
            state.Errors.AddRange(KubernetesValidation.ValidateKey(key, $"{path}set[{key}]"));
            state.Errors.AddRange(KubernetesValidation.ValidateValue(value, $"{path}set[{key}]"));
        }
        for (var i = 0; i < request.Remove.Count; i++)
        {
            state.Errors.AddRange(KubernetesValidation.ValidateKey(request.Remove[i], $"{path}remove[{i}]"));
            if (request.Set.ContainsKey(request.Remove[i]))
            {
                state.Errors.Add(new ValidationError($"{path}remove[{i}]", $"label '{request.Remove[i]}' is both set and removed"));
            }
        }
        if (state.Errors.Count > before)
        {
            return;
        }

        foreach (var name in request.Nodes.Order(StringComparer.Ordinal))
        {
            var node = state.Node(name);
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in request.Set)
            {
                if (node.Labels.GetValueOrDefault(key) != value)
                {
                    changes[key] = value;
                }
            }
            foreach (var key in request.Remove)
            {
                if (node.Labels.ContainsKey(key))
                {
                    changes[key] = null;
                }
            }
            if (changes.Count == 0)
            {
                continue;
            }
            state.SetNode(node with
            {
                Labels = node.Labels.With(
                    changes.Where(static c => c.Value is not null).Select(static c => KeyValuePair.Create(c.Key, c.Value!)),
                    changes.Where(static c => c.Value is null).Select(static c => c.Key)),
            });
            var summary = string.Join(", ", changes.OrderBy(static c => c.Key, StringComparer.Ordinal)
                .Select(static c => c.Value is null ? $"remove {c.Key}" : $"set {c.Key}={c.Value}"));
            state.Patches.Add(new PlannedPatch(step, new ObjectRef("Node", null, name), PatchKind.MergePatch, PatchDocuments.NodeLabels(changes), null, $"Node {name}: {summary}")
            {
                Fields = changes.OrderBy(static c => c.Key, StringComparer.Ordinal)
                    .Select(c => new FieldChange(FieldText.NodeLabelPath(c.Key), node.Labels.GetValueOrDefault(c.Key), c.Value))
                    .ToEquatableArray(),
            });
        }
    }

    private static void PlanTaints(WorkingState state, SetNodeTaints request, int step, string path)
    {
        var before = state.Errors.Count;
        ValidateNodes(state, request.Nodes, path);
        if (request.Add.IsEmpty && request.Remove.IsEmpty)
        {
            state.Errors.Add(new ValidationError(path + "add", "add or remove at least one taint"));
        }
        state.Errors.AddRange(KubernetesValidation.ValidateTaints(request.Add, path + "add"));
        for (var i = 0; i < request.Remove.Count; i++)
        {
            state.Errors.AddRange(KubernetesValidation.ValidateKey(request.Remove[i].Key, $"{path}remove[{i}].key"));
        }
        if (state.Errors.Count > before)
        {
            return;
        }

        foreach (var name in request.Nodes.Order(StringComparer.Ordinal))
        {
            var node = state.Node(name);
            var taints = node.Taints.Where(t => !request.Remove.Any(r => r.Matches(t))).ToList();
            foreach (var add in request.Add)
            {
                var existing = taints.FindIndex(t => t.Key == add.Key && t.Effect == add.Effect);
                if (existing >= 0)
                {
                    taints[existing] = add;
                }
                else
                {
                    taints.Add(add);
                }
            }
            var after = new EquatableArray<Taint>([.. taints]);
            if (after.Equals(node.Taints))
            {
                continue;
            }
            state.SetNode(node with { Taints = after });
            var added = after.Except(node.Taints).Select(static t => $"add {t}");
            var removed = node.Taints.Except(after).Select(static t => $"remove {t}");
            state.Patches.Add(new PlannedPatch(
                step,
                new ObjectRef("Node", null, name),
                PatchKind.MergePatch,
                PatchDocuments.NodeTaints(after, node.ResourceVersion),
                node.ResourceVersion,
                $"Node {name}: {string.Join(", ", removed.Concat(added))} (whole taint list, guarded by resourceVersion {node.ResourceVersion ?? "?"})")
            {
                Fields = EquatableArray.Create(new FieldChange(FieldText.TaintsPath, FieldText.Render(node.Taints), FieldText.Render(after))),
            });
        }

        if (request.Add.Any(static t => t.Effect == TaintEffect.NoExecute))
        {
            state.Warnings.Add("NoExecute taints evict every running pod on those nodes that does not tolerate them, not only speakers.");
        }
        if (state.Speaker is { } speaker
            && request.Add.Any(t => t.Effect != TaintEffect.PreferNoSchedule && TaintToleration.IsTolerated(t, speaker.Placement.Tolerations)))
        {
            state.Warnings.Add(TaintCaveat);
        }
    }

    /// <summary>The seed's taint caveat, as the plan states it.</summary>
    public const string TaintCaveat =
        "A taint plus a speaker toleration lets speakers onto the tainted nodes and keeps other pods off them; it does not keep speakers off the other nodes. To restrict speakers, use a nodeSelector or node affinity.";

    private static void PlanPlacement(WorkingState state, SetSpeakerPlacement request, int step, string path)
    {
        if (state.Speaker is not { } speaker)
        {
            state.Errors.Add(new ValidationError(path + "placement", "no OpenELB speaker DaemonSet was found, so there is no placement to change"));
            return;
        }
        if (speaker.Kind != SpeakerWorkloadKind.DaemonSet)
        {
            state.Errors.Add(new ValidationError(path + "placement", $"the speakers run as the legacy Deployment {speaker.Id} (OpenELB 0.5 or older), which the dashboard shows read-only"));
            return;
        }
        if (request.Parts == PlacementParts.None)
        {
            state.Errors.Add(new ValidationError(path + "parts", "choose at least one of nodeSelector, node affinity and tolerations"));
            return;
        }
        var after = request.ApplyTo(speaker.Placement);
        var errors = KubernetesValidation.ValidatePlacement(after).Select(e => e with { Path = path + e.Path }).ToList();
        if (errors.Count > 0)
        {
            state.Errors.AddRange(errors);
            return;
        }
        var current = speaker.Placement;
        if (after.Equals(current))
        {
            return;
        }

        state.Patches.Add(new PlannedPatch(
            step,
            new ObjectRef("DaemonSet", speaker.Namespace, speaker.Name),
            PatchKind.MergePatch,
            PatchDocuments.Placement(current, after, speaker.ResourceVersion),
            speaker.ResourceVersion,
            $"DaemonSet {speaker.Id}: {DescribePlacementChange(current, after)}")
        {
            Fields = FieldText.PlacementChanges(current, after).ToEquatableArray(),
        });
        state.Speaker = speaker with { Placement = after };
        state.TemplateChanged = true;

        foreach (var removed in current.Tolerations.Except(after.Tolerations))
        {
            state.Warnings.Add($"Removes the toleration {removed}: speakers no longer tolerate that taint (tolerations are replaced as a whole list).");
        }
        if (after.Tolerations.Except(current.Tolerations).Any())
        {
            state.Warnings.Add(TaintCaveat);
        }
        if (speaker.HelmManaged)
        {
            state.Warnings.Add($"The speaker DaemonSet is managed by Helm release '{speaker.HelmRelease}': the next helm upgrade overwrites this placement unless the chart values say the same (see the values snippet).");
            state.HelmValues = HelmValues.For(after);
            state.HelmSetFlags = HelmValues.SetFlags(after);
        }
    }

    private static string DescribePlacementChange(SpeakerPlacement before, SpeakerPlacement after)
    {
        var parts = new List<string>();
        if (!before.NodeSelector.Equals(after.NodeSelector))
        {
            parts.Add($"nodeSelector {Show(before.NodeSelector)} → {Show(after.NodeSelector)}");
        }
        if (!Equals(before.RequiredNodeAffinity, after.RequiredNodeAffinity))
        {
            parts.Add($"required node affinity {Show(before.RequiredNodeAffinity)} → {Show(after.RequiredNodeAffinity)}");
        }
        if (!before.Tolerations.Equals(after.Tolerations))
        {
            parts.Add($"tolerations [{string.Join("; ", before.Tolerations)}] → [{string.Join("; ", after.Tolerations)}]");
        }
        return string.Join(", ", parts);

        static string Show(object? value) => value switch
        {
            null => "(none)",
            LabelSet { Count: 0 } => "(none)",
            LabelSet set => set.ToString(),
            EquatableArray<NodeSelectorTerm> terms => string.Join(" OR ", terms.Select(static t => "(" + string.Join(" AND ", t.MatchExpressions.Concat(t.MatchFields)) + ")")),
            _ => value.ToString() ?? "",
        };
    }

    private static void PlanRestart(WorkingState state, RestartSpeakers request, int step, string path)
    {
        if (!ValidateNodes(state, request.Nodes, path))
        {
            return;
        }
        foreach (var name in request.Nodes.Order(StringComparer.Ordinal))
        {
            var pods = state.Snapshot.SpeakerPodsOn(name).Where(static p => !p.Terminating).ToArray();
            if (pods.Length == 0)
            {
                state.Warnings.Add($"Node {name} has no speaker pod to restart.");
                continue;
            }
            foreach (var pod in pods)
            {
                state.Patches.Add(new PlannedPatch(step, new ObjectRef("Pod", pod.Namespace, pod.Name), PatchKind.Delete, "", null,
                    $"Pod {pod.Namespace}/{pod.Name} on {name}: delete, so the DaemonSet recreates it and it re-reads the BgpPeer selectors"));
            }
            state.Restarted.Add(name);
        }
    }

    private static ChangePlan Predict(ClusterSnapshot snapshot, ChangeRequest request, WorkingState state, PlanningOptions options)
    {
        var beforeTopology = TopologyBuilder.Build(snapshot, options.Topology);
        var beforeFindings = FindingsEvaluator.Evaluate(snapshot, beforeTopology, options.Findings);

        var afterNodes = new NodeInfo[snapshot.Nodes.Count];
        var hasAfter = new bool[snapshot.Nodes.Count];
        var replaced = new bool[snapshot.Nodes.Count];
        var decisionsAfter = new PlacementDecision[snapshot.Nodes.Count];
        var predictedPods = new List<SpeakerPod>();
        for (var i = 0; i < snapshot.Nodes.Count; i++)
        {
            var name = snapshot.Nodes[i].Name;
            afterNodes[i] = state.Node(name);
            decisionsAfter[i] = SpeakerScheduling.Evaluate(afterNodes[i], state.Speaker);
            var hasBefore = snapshot.HasSpeakerPod(name);
            replaced[i] = hasBefore && (state.TemplateChanged || state.Restarted.Contains(name));
            // Kubernetes' DaemonSet controller: a running pod stays while shouldContinueRunning (an untolerated NoSchedule
            // taint does not evict); a new or replaced pod is only created where shouldRun.
            hasAfter[i] = hasBefore && !replaced[i] ? decisionsAfter[i].ShouldContinueRunning : decisionsAfter[i].ShouldRun;
            if (!hasAfter[i])
            {
                continue;
            }
            if (hasBefore && !replaced[i])
            {
                predictedPods.AddRange(snapshot.SpeakerPodsOn(name).Where(static p => !p.Terminating));
            }
            else
            {
                var ns = state.Speaker?.Namespace ?? "openelb-system";
                predictedPods.Add(new SpeakerPod(ns, $"(new speaker on {name})", name, PodPhase.Running, Ready: true));
            }
        }

        var afterIndex = new NodeLabelIndex(afterNodes, snapshot.Peers.Select(static p => p.NodeSelector));
        var afterPeers = snapshot.Peers.Select(peer => PredictSessions(snapshot, beforeTopology, peer, afterNodes, afterIndex.Select(peer.NodeSelector), hasAfter, replaced)).ToArray();
        var afterSnapshot = new ClusterSnapshot(
            snapshot.Version, snapshot.ObservedAt, afterNodes, predictedPods, state.Speaker, afterPeers, snapshot.BgpConf, snapshot.Eips);
        var afterTopology = TopologyBuilder.Build(afterSnapshot, options.Topology, decisionsAfter);
        var afterFindings = FindingsEvaluator.Evaluate(afterSnapshot, afterTopology, options.Findings);

        var nodePlans = new NodePlan[snapshot.Nodes.Count];
        for (var i = 0; i < snapshot.Nodes.Count; i++)
        {
            var hasBefore = snapshot.HasSpeakerPod(snapshot.Nodes[i].Name);
            var outcome = (hasBefore, hasAfter[i]) switch
            {
                (false, true) => SpeakerOutcome.Gains,
                (true, false) => SpeakerOutcome.Loses,
                (true, true) => SpeakerOutcome.Keeps,
                _ => SpeakerOutcome.StaysWithout,
            };
            var routersBefore = RouterNames(beforeTopology, beforeTopology.Nodes[i].Routers);
            var routersAfter = RouterNames(afterTopology, afterTopology.Nodes[i].Routers);
            var needsRestart = outcome == SpeakerOutcome.Keeps && !replaced[i]
                && beforeTopology.GroupKind == RouterGroupKind.BgpPeer && !routersBefore.Equals(routersAfter);
            nodePlans[i] = new NodePlan(
                snapshot.Nodes[i].Name, outcome, beforeTopology.Nodes[i].Placement, decisionsAfter[i],
                outcome == SpeakerOutcome.Keeps && replaced[i], routersBefore, routersAfter, needsRestart);
        }

        var routers = RouterImpacts(beforeTopology, afterTopology, options.Findings.MinSpeakersPerRouter);
        if (state.TemplateChanged)
        {
            state.Warnings.Add("The speaker pod template changes: every speaker restarts, one node at a time, and each node's BGP sessions flap in turn.");
        }
        var min = options.Findings.MinSpeakersPerRouter;
        var routersWithRestarts = nodePlans.Where(static n => n.Restarted).SelectMany(static n => n.RoutersBefore).ToHashSet(StringComparer.Ordinal);
        foreach (var router in routers)
        {
            if (routersWithRestarts.Contains(router.Name) && router.EstablishedBefore <= min && router.EstablishedBefore > 0)
            {
                state.Warnings.Add($"While its speakers restart one at a time, router {router.Name} briefly has {router.EstablishedBefore - 1} established session(s).");
            }
        }
        var restartNeeded = nodePlans.Where(static n => n.NeedsRestart).Select(static n => n.NodeName).ToArray();
        if (restartNeeded.Length > 0)
        {
            state.Warnings.Add($"OpenELB does not re-evaluate BgpPeer selectors when nodes are relabelled: restart the speakers on {string.Join(", ", restartNeeded.Take(10))}{(restartNeeded.Length > 10 ? ", …" : "")} for their sessions to follow the new router membership.");
        }

        var beforeKeys = beforeFindings.Select(static f => (f.Key, f.Severity)).ToHashSet();
        var afterKeys = afterFindings.Select(static f => (f.Key, f.Severity)).ToHashSet();
        return new ChangePlan(
            snapshot.Version,
            request,
            EquatableArray<ValidationError>.Empty,
            new([.. state.Warnings.Distinct(StringComparer.Ordinal)]),
            new(nodePlans),
            routers,
            new([.. afterFindings.Where(f => !beforeKeys.Contains((f.Key, f.Severity)))]),
            new([.. beforeFindings.Where(f => !afterKeys.Contains((f.Key, f.Severity)))]),
            state.TemplateChanged,
            new([.. state.Patches]),
            state.HelmValues)
        {
            HelmSetFlags = state.HelmSetFlags,
        };
    }

    private static BgpPeerInfo PredictSessions(
        ClusterSnapshot snapshot, ClusterTopology beforeTopology, BgpPeerInfo peer, NodeInfo[] afterNodes, List<int> selectedAfter, bool[] hasAfter, bool[] replaced)
    {
        var group = beforeTopology.FindGroup(peer.Name)!;
        // A router that has a working session now (or has had no speaker to try) is predicted to accept new sessions.
        var routerHealthy = group.Established > 0 || group.SpeakerNodes.IsEmpty;
        var entries = peer.Sessions.ToDictionary(static s => s.NodeName, StringComparer.Ordinal);
        var selectedBefore = group.SelectedNodes.ToHashSet(StringComparer.Ordinal);
        // Nodes the peer does not select after the change keep their entries as OpenELB leaves them: stale once the
        // speaker is gone.
        foreach (var i in selectedAfter)
        {
            var name = afterNodes[i].Name;
            if (!hasAfter[i])
            {
                continue;
            }
            entries.TryGetValue(name, out var entry);
            var liveBefore = snapshot.LiveSpeakerOn(name) is not null;
            BgpSessionState state;
            if (entry is not null && liveBefore && selectedBefore.Contains(name) && (!replaced[i] || entry.State == BgpSessionState.Established))
            {
                state = entry.State;
            }
            else if (peer.AdminDown)
            {
                state = entry?.State ?? BgpSessionState.Idle;
            }
            else
            {
                state = routerHealthy ? BgpSessionState.Established : entry?.State ?? BgpSessionState.Active;
            }
            entries[name] = entry is null ? new PeerSession(name, state) : entry with { State = state };
        }
        return peer with { Sessions = new([.. entries.Values.OrderBy(static s => s.NodeName, StringComparer.Ordinal)]) };
    }

    private static EquatableArray<string> RouterNames(ClusterTopology topology, EquatableArray<int> indexes)
    {
        var names = new string[indexes.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = topology.Groups[indexes[i]].Name;
        }
        return new(names);
    }

    private static EquatableArray<RouterImpact> RouterImpacts(ClusterTopology before, ClusterTopology after, int minimum)
    {
        var names = before.Groups.Select(static g => g.Name).Union(after.Groups.Select(static g => g.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var impacts = new List<RouterImpact>();
        foreach (var name in names)
        {
            var b = before.FindGroup(name);
            var a = after.FindGroup(name);
            impacts.Add(new RouterImpact(
                name,
                b?.SpeakerNodes ?? EquatableArray<string>.Empty,
                a?.SpeakerNodes ?? EquatableArray<string>.Empty,
                Expected(b),
                Expected(a),
                Working(b),
                Working(a),
                RedundancyStates.FromCount(Working(b), minimum),
                RedundancyStates.FromCount(Working(a), minimum)));
        }
        return new([.. impacts]);

        // Layer2/VIP groups have no sessions: their redundancy is judged on ready speakers.
        static int Working(RouterGroup? g) => g is null ? 0 : g.Kind == RouterGroupKind.BgpPeer ? g.Established : g.SpeakerNodes.Count;
        static int Expected(RouterGroup? g) => g is null ? 0 : g.Kind == RouterGroupKind.BgpPeer ? g.Expected : g.SpeakerNodes.Count;
    }

    /// <summary>The plan's view of the cluster while steps are applied in order.</summary>
    private sealed class WorkingState(ClusterSnapshot snapshot)
    {
        private readonly Dictionary<string, NodeInfo> _changed = new(StringComparer.Ordinal);

        public ClusterSnapshot Snapshot { get; } = snapshot;

        public SpeakerDaemonSet? Speaker { get; set; } = snapshot.Speaker;

        public bool TemplateChanged { get; set; }

        public string? HelmValues { get; set; }

        public EquatableArray<string> HelmSetFlags { get; set; } = EquatableArray<string>.Empty;

        public HashSet<string> Restarted { get; } = new(StringComparer.Ordinal);

        public List<PlannedPatch> Patches { get; } = [];

        public List<string> Warnings { get; } = [];

        public List<ValidationError> Errors { get; } = [];

        public NodeInfo Node(string name) => _changed.TryGetValue(name, out var node) ? node : Snapshot.FindNode(name)!;

        public void SetNode(NodeInfo node) => _changed[node.Name] = node;
    }
}
