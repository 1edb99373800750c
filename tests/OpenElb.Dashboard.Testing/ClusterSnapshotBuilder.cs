using OpenElb.Dashboard.Core.Cluster;
using OpenElb.Dashboard.Core.Scheduling;

namespace OpenElb.Dashboard.Testing;

/// <summary>
/// Builds <see cref="ClusterSnapshot"/>s for tests and benchmarks in a few readable lines.
/// Nodes get a <c>kubernetes.io/hostname</c> and <c>kubernetes.io/os=linux</c> label unless told otherwise.
/// </summary>
public sealed class ClusterSnapshotBuilder
{
    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly List<SpeakerPod> _pods = [];
    private readonly Dictionary<string, BgpPeerInfo> _peers = new(StringComparer.Ordinal);
    private readonly List<EipInfo> _eips = [];
    private SpeakerDaemonSet? _speaker;
    private BgpConfInfo? _bgpConf;
    private long _version = 1;
    private DateTimeOffset _observedAt = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The fixed time snapshots are observed at.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public ClusterSnapshotBuilder Version(long version)
    {
        _version = version;
        return this;
    }

    public ClusterSnapshotBuilder ObservedAt(DateTimeOffset at)
    {
        _observedAt = at;
        return this;
    }

    /// <summary>Adds (or replaces) a node with the given extra labels and taints.</summary>
    public ClusterSnapshotBuilder Node(string name, (string Key, string Value)[]? labels = null, Taint[]? taints = null, bool ready = true, bool unschedulable = false)
    {
        var all = new List<KeyValuePair<string, string>>
        {
            new("kubernetes.io/hostname", name),
            new("kubernetes.io/os", "linux"),
        };
        all.AddRange((labels ?? []).Select(l => KeyValuePair.Create(l.Key, l.Value)));
        _nodes[name] = new NodeInfo(name, LabelSet.From(all), new([.. taints ?? []]), ready, unschedulable, $"10.0.0.{_nodes.Count + 1}", "1");
        return this;
    }

    /// <summary>Adds nodes with the given labels.</summary>
    public ClusterSnapshotBuilder Nodes(IEnumerable<string> names, params (string Key, string Value)[] labels)
    {
        foreach (var name in names)
        {
            Node(name, labels);
        }
        return this;
    }

    /// <summary>Adds a label to existing nodes.</summary>
    public ClusterSnapshotBuilder Label(string key, string value, params string[] nodes)
    {
        foreach (var name in nodes)
        {
            var node = _nodes[name];
            _nodes[name] = node with { Labels = node.Labels.With([KeyValuePair.Create(key, value)]) };
        }
        return this;
    }

    /// <summary>Adds a taint to existing nodes.</summary>
    public ClusterSnapshotBuilder Taint(Taint taint, params string[] nodes)
    {
        foreach (var name in nodes)
        {
            var node = _nodes[name];
            _nodes[name] = node with { Taints = new([.. node.Taints, taint]) };
        }
        return this;
    }

    /// <summary>Sets the speaker DaemonSet (default: the kubectl manifest's placement in openelb-system).</summary>
    public ClusterSnapshotBuilder Speaker(SpeakerPlacement? placement = null, string? helmRelease = null, SpeakerWorkloadKind kind = SpeakerWorkloadKind.DaemonSet)
    {
        _speaker = new SpeakerDaemonSet(
            "openelb-system",
            kind == SpeakerWorkloadKind.DaemonSet ? "openelb-speaker" : "openelb-manager",
            placement ?? SpeakerPlacement.KubectlManifestDefault,
            kind,
            HostNetwork: true,
            HelmRelease: helmRelease,
            ResourceVersion: "100");
        return this;
    }

    /// <summary>Adds a speaker pod on a node.</summary>
    public ClusterSnapshotBuilder Pod(string node, PodPhase phase = PodPhase.Running, bool ready = true, bool terminating = false, string? name = null)
    {
        _pods.Add(new SpeakerPod("openelb-system", name ?? $"openelb-speaker-{node}", node, phase, ready, 0, Now.AddHours(-1), terminating));
        return this;
    }

    /// <summary>Adds a Ready speaker pod on every node the current speaker placement allows (what the controller would do).</summary>
    public ClusterSnapshotBuilder PodsWhereEligible()
    {
        foreach (var node in _nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (SpeakerScheduling.Evaluate(node, _speaker).ShouldRun && !_pods.Any(p => p.NodeName == node.Name))
            {
                Pod(node.Name);
            }
        }
        return this;
    }

    /// <summary>Adds a BgpPeer; <paramref name="selector"/> <c>null</c> means every node.</summary>
    public ClusterSnapshotBuilder Peer(string name, string address, LabelSelector? selector = null, long peerAs = 65001, bool adminDown = false)
    {
        _peers[name] = new BgpPeerInfo(name, address, peerAs, adminDown, selector, EquatableArray<PeerSession>.Empty, null, "1");
        return this;
    }

    /// <summary>Adds a BgpPeer selecting the rack label value <paramref name="rack"/>.</summary>
    public ClusterSnapshotBuilder RackPeer(string name, string address, string rack) =>
        Peer(name, address, LabelSelector.ForLabels((Core.KnownLabels.Rack, rack)));

    /// <summary>Adds or replaces status entries of a peer.</summary>
    public ClusterSnapshotBuilder Session(string peer, BgpSessionState state, params string[] nodes)
    {
        var info = _peers[peer];
        var sessions = info.Sessions.ToDictionary(s => s.NodeName, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            sessions[node] = new PeerSession(node, state, null, state == BgpSessionState.Established ? Now.AddHours(-1) : null);
        }
        _peers[peer] = info with { Sessions = new([.. sessions.Values.OrderBy(s => s.NodeName, StringComparer.Ordinal)]) };
        return this;
    }

    /// <summary>Marks every node that the peer selects and that has a Ready speaker as ESTABLISHED with the peer.</summary>
    public ClusterSnapshotBuilder EstablishAll()
    {
        var snapshot = Build();
        foreach (var peer in snapshot.Peers)
        {
            var nodes = snapshot.Nodes
                .Where(n => SelectorMatching.Matches(peer.NodeSelector, n.Labels) && snapshot.LiveSpeakerOn(n.Name) is not null)
                .Select(n => n.Name)
                .ToArray();
            Session(peer.Name, BgpSessionState.Established, nodes);
        }
        return this;
    }

    public ClusterSnapshotBuilder BgpConf(long asNumber = 65000, params (string Rack, long As)[] asPerRack)
    {
        _bgpConf = new BgpConfInfo("default", asNumber, null, 17900, new([.. asPerRack.Select(r => new RackAs(r.Rack, r.As))]));
        return this;
    }

    public ClusterSnapshotBuilder Eip(string name, string address, EipProtocol protocol = EipProtocol.Bgp, bool disabled = false)
    {
        _eips.Add(new EipInfo(name, address, protocol, protocol == EipProtocol.Bgp ? null : "eth0", disabled));
        return this;
    }

    public ClusterSnapshot Build() =>
        new(_version, _observedAt, _nodes.Values, _pods, _speaker, _peers.Values, _bgpConf, _eips);
}
