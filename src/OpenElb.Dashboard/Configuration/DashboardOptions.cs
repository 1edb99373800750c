using OpenElb.Dashboard.Core;

namespace OpenElb.Dashboard.Configuration;

/// <summary>Dashboard settings (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>
    /// Without BgpPeers, nodes are grouped by this label (Layer2/VIP clusters); the findings use it as the rack label.
    /// Defaults to OpenELB's rack label.
    /// </summary>
    public string GroupingLabel { get; set; } = KnownLabels.Rack;

    /// <summary>The "at least N speakers per router" rule. Defaults to 2.</summary>
    public int MinSpeakersPerRouter { get; set; } = 2;

    /// <summary>Above this many sessions a router is flagged as loaded. Defaults to 8.</summary>
    public int MaxSessionsPerRouter { get; set; } = 8;

    /// <summary>Pages re-render at most this often while the cluster changes. Defaults to 250 ms.</summary>
    public TimeSpan RenderInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Compress the pages' WebSocket traffic (permessage-deflate). Off by default: each compressed connection keeps a
    /// deflate state on the server (about 1 MB per open page measured at 5,000 nodes, issue 9) and spends CPU on every
    /// render batch; worth it only for admins on slow links.
    /// </summary>
    public bool WebSocketCompression { get; set; }
}

/// <summary>Demo mode settings (configuration section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Demo";

    /// <summary>The simulator scenario: a shipped name (seed, demo, large, legacy) or a scenario file. Defaults to <c>demo</c>.</summary>
    public string Scenario { get; set; } = "demo";
}
