using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.Core.Findings;

/// <summary>How much a finding matters. Ordered from most to least severe.</summary>
public enum FindingSeverity
{
    /// <summary>Traffic is (or would be) down.</summary>
    Critical,

    /// <summary>One failure away from an outage, or a misconfiguration with visible effect.</summary>
    Warning,

    /// <summary>Works, but against OpenELB's guidance.</summary>
    Advisory,

    /// <summary>Worth knowing; usually intended.</summary>
    Info,
}

/// <summary>The kind of change that fixes a finding; the web app maps it to a wizard.</summary>
public enum RemedyKind
{
    /// <summary>No change from the dashboard fixes it (e.g. a router outage).</summary>
    None,

    /// <summary>Label nodes.</summary>
    LabelNodes,

    /// <summary>Taint or untaint nodes.</summary>
    TaintNodes,

    /// <summary>Change the speaker DaemonSet's nodeSelector, affinity or tolerations.</summary>
    SetSpeakerPlacement,

    /// <summary>Restrict speakers to chosen nodes per router (label, then nodeSelector).</summary>
    RestrictSpeakers,

    /// <summary>Restart speakers so OpenELB re-evaluates BgpPeer selectors.</summary>
    RestartSpeakers,

    /// <summary>Edit a BgpPeer or BgpConf (outside the wizards).</summary>
    EditBgpConfiguration,
}

/// <summary>What to do about a finding.</summary>
/// <param name="Kind">The change that fixes it.</param>
/// <param name="Text">One sentence naming the change.</param>
public sealed record Remedy(RemedyKind Kind, string Text);

/// <summary>A checkable redundancy or placement problem.</summary>
/// <param name="RuleId">Stable identifier of the rule (see <see cref="FindingRules"/>).</param>
/// <param name="Severity">Severity.</param>
/// <param name="Router">The router (BgpPeer or group name) it concerns, or <c>null</c> for cluster-wide findings.</param>
/// <param name="Nodes">The nodes it concerns, sorted.</param>
/// <param name="Message">One sentence for people.</param>
/// <param name="Remedy">What fixes it.</param>
public sealed record Finding(
    string RuleId,
    FindingSeverity Severity,
    string? Router,
    EquatableArray<string> Nodes,
    string Message,
    Remedy Remedy)
{
    /// <summary>Identity across snapshots: a finding is "the same" when the rule and the router are.</summary>
    public string Key => Router is null ? RuleId : $"{RuleId}/{Router}";
}

/// <summary>The stable rule identifiers.</summary>
public static class FindingRules
{
    /// <summary>No speaker workload (DaemonSet or legacy Deployment) found. Critical.</summary>
    public const string SpeakerMissing = "speaker-missing";

    /// <summary>A router has no established session. Critical.</summary>
    public const string RouterNoSession = "router-no-session";

    /// <summary>A router has some, but fewer than the minimum (two), established sessions. Warning.</summary>
    public const string RouterFewSessions = "router-few-sessions";

    /// <summary>Fewer than two speaker nodes under a router. Warning.</summary>
    public const string RouterFewSpeakers = "router-few-speakers";

    /// <summary>Nodes selected by a router but excluded by the speaker placement. Info, or warning when that leaves the router short.</summary>
    public const string SelectedNodeWithoutSpeaker = "selected-node-without-speaker";

    /// <summary>All of a router's speakers are in one zone. Advisory.</summary>
    public const string SpeakersShareZone = "speakers-share-zone";

    /// <summary>A router without selector carries many sessions. Advisory.</summary>
    public const string RouterSessionLoad = "router-session-load";

    /// <summary>Layer2/VIP Eips while nodes span more than one router or rack. Warning.</summary>
    public const string Layer2AcrossRouters = "layer2-across-routers";

    /// <summary>Layer2/VIP group with fewer than two speakers on different nodes. Warning; critical with none.</summary>
    public const string Layer2FewSpeakers = "layer2-few-speakers";

    /// <summary>Status entries without a live speaker. Info.</summary>
    public const string StaleSessionEntries = "stale-session-entries";

    /// <summary>Live sessions from nodes the router no longer selects (OpenELB does not re-evaluate selectors on relabel). Warning.</summary>
    public const string SessionsNeedRestart = "sessions-need-restart";

    /// <summary>BGP mode without the BgpConf named default. Critical.</summary>
    public const string BgpConfMissing = "bgpconf-missing";

    /// <summary>A BgpPeer is administratively down. Warning.</summary>
    public const string PeerAdminDown = "peer-admin-down";

    /// <summary>Rack labels used but BgpConf asPerRack unset. Advisory.</summary>
    public const string RackWithoutAsPerRack = "rack-without-as-per-rack";

    /// <summary>Every rule id, for documentation and completeness tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SpeakerMissing, RouterNoSession, RouterFewSessions, RouterFewSpeakers, SelectedNodeWithoutSpeaker,
        SpeakersShareZone, RouterSessionLoad, Layer2AcrossRouters, Layer2FewSpeakers, StaleSessionEntries,
        SessionsNeedRestart, BgpConfMissing, PeerAdminDown, RackWithoutAsPerRack,
    ];
}

/// <summary>Thresholds of the rules.</summary>
public sealed record FindingsOptions
{
    /// <summary>The seed's rule: at least this many speakers and sessions per router. Default 2.</summary>
    public int MinSpeakersPerRouter { get; init; } = 2;

    /// <summary>A router without selector with more sessions than this gets an advisory. Default 8.</summary>
    public int MaxSessionsPerRouter { get; init; } = 8;

    /// <summary>The failure-domain label. Default <c>topology.kubernetes.io/zone</c>.</summary>
    public string ZoneLabel { get; init; } = KnownLabels.Zone;

    /// <summary>The rack label. Default <c>openelb.kubesphere.io/rack</c>.</summary>
    public string RackLabel { get; init; } = KnownLabels.Rack;

    /// <summary>Defaults.</summary>
    public static FindingsOptions Default { get; } = new();
}
