namespace OpenElb.Dashboard.Api;

// The JSON shapes of the read-only REST API (/api/v1). They are a contract with scripts and monitoring outside the
// dashboard: add fields freely, never rename or remove one within v1. Enum-like values are lower-case words
// (kebab-case), spelled out here instead of serializing C# enums, so renaming a Core enum member cannot change the API.

/// <summary>How fresh the data of an answer is. Every answer computed from the live view carries it (set by the API when it answers).</summary>
public abstract record LiveAnswer
{
    /// <summary>The snapshot the answer was computed from; increases with every change the feed sees.</summary>
    public long SnapshotVersion { get; init; }

    /// <summary>When the data last changed (the feed's observation time of the snapshot).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Seconds between <see cref="UpdatedAt"/> and the answer. A quiet cluster ages without being stale: read <see cref="Feed"/>.</summary>
    public double DataAgeSeconds { get; init; }

    /// <summary>Whether the feed is current.</summary>
    public FeedStatus Feed { get; init; } = FeedStatus.Unknown;
}

/// <summary>The health of the cluster feed.</summary>
/// <param name="State"><c>live</c> (every kind listed and watched), <c>syncing</c> (an initial list is running) or <c>stale</c> (a watch failed and is retried: data may be out of date).</param>
/// <param name="Synced">Whether every kind has completed its initial list.</param>
/// <param name="StaleSince">When the earliest stale kind stopped being current, or null.</param>
/// <param name="NextRetryAt">When a stale kind is tried again, or null.</param>
/// <param name="Kinds">Per watched kind.</param>
public sealed record FeedStatus(string State, bool Synced, DateTimeOffset? StaleSince, DateTimeOffset? NextRetryAt, IReadOnlyList<FeedKindStatus> Kinds)
{
    /// <summary>Before the feed said anything.</summary>
    public static FeedStatus Unknown { get; } = new("syncing", false, null, null, []);
}

/// <summary>One watched kind.</summary>
/// <param name="Kind">The kind (<c>nodes</c>, <c>speaker-pods</c>, <c>bgp-peers</c>, …).</param>
/// <param name="State"><c>syncing</c>, <c>synced</c>, <c>stale</c> or <c>unavailable</c> (not served by the API server, e.g. CRDs missing).</param>
/// <param name="Count">Objects held.</param>
/// <param name="StaleSince">When it stopped being current, or null.</param>
/// <param name="LastError">The last error in one sentence (never a credential), or null.</param>
public sealed record FeedKindStatus(string Kind, string State, int Count, DateTimeOffset? StaleSince, string? LastError);

/// <summary><c>GET /api/v1/topology</c>: every router with its nodes, and the findings.</summary>
public sealed record TopologyAnswer : LiveAnswer
{
    /// <summary>How routers are formed: <c>bgp-peer</c>, <c>label</c> (Layer2/VIP clusters grouped by the rack label) or <c>cluster</c>.</summary>
    public required string GroupKind { get; init; }

    /// <summary>Routers, sorted by name.</summary>
    public required IReadOnlyList<RouterItem> Routers { get; init; }

    /// <summary>Nodes under no router, sorted.</summary>
    public required IReadOnlyList<string> UngroupedNodes { get; init; }

    /// <summary>Counts over the whole cluster.</summary>
    public required SummaryItem Summary { get; init; }

    /// <summary>Findings, most severe first.</summary>
    public required IReadOnlyList<FindingItem> Findings { get; init; }
}

/// <summary>The overview's summary bar.</summary>
/// <param name="RoutersOk">Routers with two or more working sessions (speakers in label groups).</param>
/// <param name="RoutersDegraded">Routers with exactly one.</param>
/// <param name="RoutersCritical">Routers with none.</param>
/// <param name="SpeakersReady">Live, Ready speaker pods.</param>
/// <param name="SpeakersDesired">Nodes the speaker placement selects.</param>
/// <param name="SessionsEstablished">Established sessions that count (stale-aware), over all BgpPeers.</param>
/// <param name="SessionsExpected">Sessions that should exist, over all BgpPeers.</param>
public sealed record SummaryItem(int RoutersOk, int RoutersDegraded, int RoutersCritical, int SpeakersReady, int SpeakersDesired, int SessionsEstablished, int SessionsExpected);

/// <summary>One router (BgpPeer) or, without BgpPeers, one label group.</summary>
/// <param name="Name">BgpPeer name, label value or <c>cluster</c>.</param>
/// <param name="Kind"><c>bgp-peer</c>, <c>label</c> or <c>cluster</c>.</param>
/// <param name="NeighborAddress">The BgpPeer's neighbor address; null for label groups.</param>
/// <param name="PeerAs">The BgpPeer's peer AS; null for label groups.</param>
/// <param name="AdminDown">Whether the BgpPeer is administratively down.</param>
/// <param name="State">Redundancy: <c>ok</c> (two or more), <c>degraded</c> (one), <c>critical</c> (none).</param>
/// <param name="SpeakersReady">Selected nodes with a live, Ready speaker.</param>
/// <param name="SessionsEstablished">Established sessions that count (stale entries never do).</param>
/// <param name="SessionsExpected">Sessions that should exist (0 when admin-down).</param>
/// <param name="StaleEntries">Status entries without a live speaker.</param>
/// <param name="Nodes">The selected nodes, sorted by name.</param>
public sealed record RouterItem(
    string Name,
    string Kind,
    string? NeighborAddress,
    long? PeerAs,
    bool AdminDown,
    string State,
    int SpeakersReady,
    int SessionsEstablished,
    int SessionsExpected,
    int StaleEntries,
    IReadOnlyList<RouterNodeItem> Nodes);

/// <summary>One node under a router.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Speaker">Speaker: <c>none</c>, <c>pending</c>, <c>not-ready</c>, <c>ready</c>, <c>terminating</c> or <c>failed</c>.</param>
/// <param name="Session">Session with this router: <c>established</c>, <c>down</c>, <c>stale</c>, <c>unknown</c> (live speaker, no entry) or <c>no-speaker</c>; null in label groups.</param>
public sealed record RouterNodeItem(string Name, string Speaker, string? Session);

/// <summary>One finding.</summary>
/// <param name="RuleId">Stable rule id (<c>router-few-sessions</c>, …).</param>
/// <param name="Severity"><c>critical</c>, <c>warning</c>, <c>advisory</c> or <c>info</c>.</param>
/// <param name="Router">The router it concerns, or null for cluster-wide findings.</param>
/// <param name="Nodes">The nodes it concerns, sorted.</param>
/// <param name="Message">One sentence.</param>
/// <param name="Remedy">What fixes it.</param>
public sealed record FindingItem(string RuleId, string Severity, string? Router, IReadOnlyList<string> Nodes, string Message, RemedyItem Remedy);

/// <summary>What fixes a finding.</summary>
/// <param name="Kind"><c>none</c>, <c>label-nodes</c>, <c>taint-nodes</c>, <c>set-speaker-placement</c>, <c>restrict-speakers</c>, <c>restart-speakers</c> or <c>edit-bgp-configuration</c>.</param>
/// <param name="Text">One sentence.</param>
public sealed record RemedyItem(string Kind, string Text);

/// <summary><c>GET /api/v1/findings</c>.</summary>
public sealed record FindingsAnswer : LiveAnswer
{
    /// <summary>All findings, regardless of the filter.</summary>
    public required int Total { get; init; }

    /// <summary>The findings that pass the severity filter, most severe first, then by router and rule.</summary>
    public required IReadOnlyList<FindingItem> Findings { get; init; }
}

/// <summary><c>GET /api/v1/nodes</c>: one page of slim node records, by name.</summary>
public sealed record NodesAnswer : LiveAnswer
{
    /// <summary>Nodes that pass the filter (all pages).</summary>
    public required int Total { get; init; }

    /// <summary>This page.</summary>
    public required IReadOnlyList<NodeItem> Nodes { get; init; }

    /// <summary>Pass as <c>after</c> for the next page; null on the last page.</summary>
    public string? Next { get; init; }
}

/// <summary>One node, slim (a 5,000-node cluster lists in a few pages).</summary>
/// <param name="Name">Node name.</param>
/// <param name="Ready">Whether the node is Ready.</param>
/// <param name="Zone">Zone label, or null.</param>
/// <param name="Routers">Routers the node sits under, sorted.</param>
/// <param name="Speaker">Speaker state (see <see cref="RouterNodeItem.Speaker"/>).</param>
/// <param name="SpeakerWanted">Whether the speaker placement puts a speaker on the node.</param>
/// <param name="SessionsEstablished">Established sessions with routers that select the node.</param>
/// <param name="SessionsExpected">Sessions the node should have.</param>
/// <param name="StaleEntries">Stale status entries naming the node.</param>
public sealed record NodeItem(
    string Name,
    bool Ready,
    string? Zone,
    IReadOnlyList<string> Routers,
    string Speaker,
    bool SpeakerWanted,
    int SessionsEstablished,
    int SessionsExpected,
    int StaleEntries);

/// <summary><c>GET /api/v1/routers/{name}</c>: one BgpPeer in detail.</summary>
public sealed record RouterAnswer : LiveAnswer
{
    /// <summary>The router and its selected nodes.</summary>
    public required RouterItem Router { get; init; }

    /// <summary>The node selector in words.</summary>
    public required string Selector { get; init; }

    /// <summary>Per selected node, the session as the speaker reported it.</summary>
    public required IReadOnlyList<SessionItem> Sessions { get; init; }

    /// <summary>Status entries of nodes the router does not select (stale, or awaiting a speaker restart).</summary>
    public required IReadOnlyList<SessionItem> UnselectedEntries { get; init; }

    /// <summary>Findings about this router, most severe first.</summary>
    public required IReadOnlyList<FindingItem> Findings { get; init; }
}

/// <summary>One node's session with a router.</summary>
/// <param name="Node">Node name.</param>
/// <param name="Health">Classification (see <see cref="RouterNodeItem.Session"/>).</param>
/// <param name="ReportedState">The state the speaker last reported (<c>established</c>, <c>idle</c>, …), or null without an entry.</param>
/// <param name="Uptime">timersState.uptime, or null.</param>
/// <param name="MessagesReceived">Messages received, or null without an entry.</param>
/// <param name="MessagesSent">Messages sent, or null without an entry.</param>
public sealed record SessionItem(string Node, string Health, string? ReportedState, DateTimeOffset? Uptime, long? MessagesReceived, long? MessagesSent);

/// <summary><c>GET /api/v1/audit</c>: one keyset page of audit entries, newest first.</summary>
/// <param name="Entries">This page.</param>
/// <param name="Next">Pass as <c>before</c> (with the same filters) for the next, older page; null on the last page.</param>
/// <param name="NextLink">The next page's relative URL with the same filters, or null.</param>
public sealed record AuditAnswer(IReadOnlyList<AuditItem> Entries, long? Next, string? NextLink);

/// <summary>One audit entry (what was changed, by whom, with what outcome; no hashes, addresses or bodies).</summary>
/// <param name="Id">Entry id (the paging key).</param>
/// <param name="CorrelationId">The wizard run it belongs to.</param>
/// <param name="Step">Step in the run.</param>
/// <param name="RequestedAt">When the entry was begun.</param>
/// <param name="CompletedAt">When the outcome was recorded, or null while pending.</param>
/// <param name="Actor">Actor user name.</param>
/// <param name="Action">Action (<c>LabelNodes</c>, <c>ObservedChange</c>, … as in the audit page's filter).</param>
/// <param name="Target">Target as <c>Kind/name</c> or <c>Kind/namespace/name</c> (the audit page's target filter form).</param>
/// <param name="Outcome">Outcome (<c>Pending</c>, <c>Succeeded</c>, <c>Failed</c>, <c>Conflict</c>, <c>Observed</c>, …).</param>
/// <param name="HttpStatus">The API server's HTTP status, or null.</param>
/// <param name="Message">Status message, or null.</param>
/// <param name="FieldManager">For observed entries, the field manager that made the change.</param>
public sealed record AuditItem(
    long Id,
    Guid CorrelationId,
    int Step,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt,
    string Actor,
    string Action,
    string Target,
    string Outcome,
    int? HttpStatus,
    string? Message,
    string? FieldManager);

/// <summary><c>GET /readyz</c>.</summary>
/// <param name="Ready">Whether the dashboard can serve current data and make changes.</param>
/// <param name="Checks">Per check, whether it passes and why not.</param>
public sealed record ReadinessAnswer(bool Ready, IReadOnlyList<ReadinessCheck> Checks);

/// <summary>One readiness check.</summary>
/// <param name="Name"><c>feed</c> or <c>audit</c>.</param>
/// <param name="Ready">Whether it passes.</param>
/// <param name="Reason">Why not, in one sentence; null when it passes.</param>
public sealed record ReadinessCheck(string Name, bool Ready, string? Reason);
