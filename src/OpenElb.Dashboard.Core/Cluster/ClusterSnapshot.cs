using System.Diagnostics;

namespace OpenElb.Dashboard.Core.Cluster;

/// <summary>
/// An immutable, consistent view of everything the dashboard reads from the cluster at one moment.
/// </summary>
/// <remarks>
/// Collections are sorted by name (ordinal) so every derived result is deterministic. Indexes by node name are
/// built once in the constructor; building is O(n) and lookups are O(1). Thread-safe: share one instance freely.
/// </remarks>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, int> _nodeIndex;
    private readonly Dictionary<string, (int Start, int Count)> _podsByNode;
    private readonly SpeakerPod[] _pods;

    /// <summary>Creates a snapshot; the collections are copied and sorted.</summary>
    /// <param name="version">A number that grows with every change the feed observed.</param>
    /// <param name="observedAt">When the feed last heard from the API server (passed in: Core has no clock).</param>
    /// <param name="nodes">All nodes.</param>
    /// <param name="speakerPods">All speaker pods (including terminating ones).</param>
    /// <param name="speaker">The speaker workload, or <c>null</c> when OpenELB's speaker was not found.</param>
    /// <param name="peers">All BgpPeers.</param>
    /// <param name="bgpConf">The BgpConf named <c>default</c>, or <c>null</c>.</param>
    /// <param name="eips">All Eips.</param>
    public ClusterSnapshot(
        long version,
        DateTimeOffset observedAt,
        IEnumerable<NodeInfo> nodes,
        IEnumerable<SpeakerPod> speakerPods,
        SpeakerDaemonSet? speaker,
        IEnumerable<BgpPeerInfo> peers,
        BgpConfInfo? bgpConf,
        IEnumerable<EipInfo> eips)
    {
        Version = version;
        ObservedAt = observedAt;
        Nodes = new(SortedCopy(nodes, static (a, b) => string.CompareOrdinal(a.Name, b.Name)));
        _pods = SortedCopy(speakerPods, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.NodeName, b.NodeName);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        SpeakerPods = new(_pods);
        Speaker = speaker;
        var sortedPeers = SortedCopy(peers, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 0; i < sortedPeers.Length; i++)
        {
            // Topology pairs status entries with nodes in one merge pass: entries must be in node-name order.
            var sessions = sortedPeers[i].Sessions;
            for (var k = 1; k < sessions.Count; k++)
            {
                if (string.CompareOrdinal(sessions[k - 1].NodeName, sessions[k].NodeName) > 0)
                {
                    sortedPeers[i] = sortedPeers[i] with
                    {
                        Sessions = new(SortedCopy(sessions, static (a, b) => string.CompareOrdinal(a.NodeName, b.NodeName))),
                    };
                    break;
                }
            }
        }
        Peers = new(sortedPeers);
        BgpConf = bgpConf;
        Eips = new(SortedCopy(eips, static (a, b) => string.CompareOrdinal(a.Name, b.Name)));

        _nodeIndex = new Dictionary<string, int>(Nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < Nodes.Count; i++)
        {
            _nodeIndex[Nodes[i].Name] = i;
        }
        Debug.Assert(_nodeIndex.Count == Nodes.Count, "node names are unique");

        // Pods are sorted by node: one pass records each node's run, so lookups slice the one array.
        _podsByNode = new Dictionary<string, (int Start, int Count)>(StringComparer.Ordinal);
        var pods = SpeakerPods;
        for (var start = 0; start < pods.Count;)
        {
            var end = start + 1;
            while (end < pods.Count && string.Equals(pods[end].NodeName, pods[start].NodeName, StringComparison.Ordinal))
            {
                end++;
            }
            if (pods[start].NodeName.Length > 0)
            {
                _podsByNode[pods[start].NodeName] = (start, end - start);
            }
            start = end;
        }
    }

    /// <summary>Copies to an array and sorts it, skipping the sort when the input is already in order (the common case).</summary>
    private static T[] SortedCopy<T>(IEnumerable<T> items, Comparison<T> comparison)
    {
        var array = items is EquatableArray<T> equatable ? equatable.AsSpan().ToArray() : items.ToArray();
        for (var i = 1; i < array.Length; i++)
        {
            if (comparison(array[i - 1], array[i]) > 0)
            {
                // Stable, like the LINQ ordering it replaces: equal keys keep their input order.
                var ordered = array.Select((item, index) => (item, index)).ToArray();
                Array.Sort(ordered, (a, b) =>
                {
                    var c = comparison(a.item, b.item);
                    return c != 0 ? c : a.index.CompareTo(b.index);
                });
                return [.. ordered.Select(static o => o.item)];
            }
        }
        return array;
    }

    /// <summary>An empty snapshot (no cluster data yet).</summary>
    public static ClusterSnapshot Empty { get; } = new(0, DateTimeOffset.UnixEpoch, [], [], null, [], null, []);

    /// <summary>A number that grows with every observed change.</summary>
    public long Version { get; }

    /// <summary>When the data was last confirmed current.</summary>
    public DateTimeOffset ObservedAt { get; }

    /// <summary>Nodes sorted by name.</summary>
    public EquatableArray<NodeInfo> Nodes { get; }

    /// <summary>Speaker pods sorted by node, then name.</summary>
    public EquatableArray<SpeakerPod> SpeakerPods { get; }

    /// <summary>The speaker workload, or <c>null</c>.</summary>
    public SpeakerDaemonSet? Speaker { get; }

    /// <summary>BgpPeers sorted by name.</summary>
    public EquatableArray<BgpPeerInfo> Peers { get; }

    /// <summary>The BgpConf named <c>default</c>, or <c>null</c>.</summary>
    public BgpConfInfo? BgpConf { get; }

    /// <summary>Eips sorted by name.</summary>
    public EquatableArray<EipInfo> Eips { get; }

    /// <summary>The node called <paramref name="name"/>, or <c>null</c>.</summary>
    public NodeInfo? FindNode(string name) => _nodeIndex.TryGetValue(name, out var i) ? Nodes[i] : null;

    /// <summary>The position of node <paramref name="name"/> in <see cref="Nodes"/>, or -1.</summary>
    public int IndexOfNode(string name) => _nodeIndex.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The speaker pods bound to <paramref name="nodeName"/> (several during a rolling update), sorted by name.</summary>
    public IReadOnlyList<SpeakerPod> SpeakerPodsOn(string nodeName) =>
        _podsByNode.TryGetValue(nodeName, out var run) ? new ArraySegment<SpeakerPod>(_pods, run.Start, run.Count) : Array.Empty<SpeakerPod>();

    /// <summary>The speaker pods bound to <paramref name="nodeName"/> as a span of the snapshot's array (no allocation).</summary>
    internal ReadOnlySpan<SpeakerPod> SpeakerPodSpan(string nodeName) =>
        _podsByNode.TryGetValue(nodeName, out var run) ? _pods.AsSpan(run.Start, run.Count) : [];

    /// <summary>The live (running, ready, not terminating) speaker pod on <paramref name="nodeName"/>, or <c>null</c>.</summary>
    public SpeakerPod? LiveSpeakerOn(string nodeName)
    {
        foreach (var pod in SpeakerPodSpan(nodeName))
        {
            if (pod.IsLive)
            {
                return pod;
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="nodeName"/> has a speaker pod that is not terminating (in any phase).</summary>
    public bool HasSpeakerPod(string nodeName)
    {
        foreach (var pod in SpeakerPodSpan(nodeName))
        {
            if (!pod.Terminating && pod.Phase is PodPhase.Pending or PodPhase.Running or PodPhase.Unknown)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Returns a copy with some parts replaced (used by planning to build the predicted state, and by tests).</summary>
    public ClusterSnapshot With(
        long? version = null,
        DateTimeOffset? observedAt = null,
        IEnumerable<NodeInfo>? nodes = null,
        IEnumerable<SpeakerPod>? speakerPods = null,
        SpeakerDaemonSet? speaker = null,
        IEnumerable<BgpPeerInfo>? peers = null,
        BgpConfInfo? bgpConf = null,
        IEnumerable<EipInfo>? eips = null) =>
        new(
            version ?? Version,
            observedAt ?? ObservedAt,
            nodes ?? Nodes,
            speakerPods ?? SpeakerPods,
            speaker ?? Speaker,
            peers ?? Peers,
            bgpConf ?? BgpConf,
            eips ?? Eips);
}
