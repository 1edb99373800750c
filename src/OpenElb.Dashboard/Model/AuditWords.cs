using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Model;

/// <summary>How the audit log says things on screen. Pure.</summary>
public static class AuditWords
{
    /// <summary>Actions in the order the filter lists them.</summary>
    public static IReadOnlyList<AuditAction> Actions { get; } = Enum.GetValues<AuditAction>();

    /// <summary>Outcomes in the order the filter and the counts list them: problems after successes, pending last but one.</summary>
    public static IReadOnlyList<AuditOutcome> Outcomes { get; } =
    [
        AuditOutcome.Succeeded, AuditOutcome.Observed, AuditOutcome.Failed, AuditOutcome.Conflict,
        AuditOutcome.Denied, AuditOutcome.Pending, AuditOutcome.Abandoned,
    ];

    /// <summary>An action in words, e.g. "Label nodes".</summary>
    public static string Action(AuditAction action) => action switch
    {
        AuditAction.LabelNodes => "Label nodes",
        AuditAction.TaintNodes => "Taint nodes",
        AuditAction.SetSpeakerPlacement => "Set speaker placement",
        AuditAction.RestartSpeakers => "Restart speakers",
        AuditAction.Revert => "Revert",
        AuditAction.ObservedChange => "Observed change",
        AuditAction.ObservedImpact => "Observed impact",
        AuditAction.TokenCreated => "Token created",
        AuditAction.TokenRevoked => "Token revoked",
        AuditAction.WallTokenCreated => "Wall token created",
        AuditAction.WallTokenRevoked => "Wall token revoked",
        _ => action.ToString(),
    };

    /// <summary>An outcome in words, e.g. "Succeeded".</summary>
    public static string Outcome(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Pending => "Pending",
        AuditOutcome.Succeeded => "Succeeded",
        AuditOutcome.Failed => "Failed",
        AuditOutcome.Conflict => "Conflict",
        AuditOutcome.Denied => "Denied",
        AuditOutcome.Abandoned => "Abandoned",
        AuditOutcome.Observed => "Observed",
        _ => outcome.ToString(),
    };

    /// <summary>What an outcome means, for tooltips and the detail page.</summary>
    public static string OutcomeMeaning(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Pending => "Recorded before the cluster write; the outcome is not known yet.",
        AuditOutcome.Succeeded => "The API server accepted the change.",
        AuditOutcome.Failed => "The change failed (transport error, validation or server error).",
        AuditOutcome.Conflict => "A precondition failed: the object changed after the plan was made.",
        AuditOutcome.Denied => "The API server or the dashboard refused the change.",
        AuditOutcome.Abandoned => "The outcome was never recorded and the change was not seen in the cluster.",
        AuditOutcome.Observed => "A change the dashboard did not make, seen in the cluster.",
        _ => "",
    };

    /// <summary>The counts line, e.g. "12 entries: 10 succeeded, 2 failed" (outcomes with no entries left out).</summary>
    public static string Counts(IReadOnlyDictionary<AuditOutcome, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var total = counts.Values.Sum();
        if (total == 0)
        {
            return "No entries match.";
        }
        var parts = Outcomes.Where(o => counts.GetValueOrDefault(o) > 0)
            .Select(o => $"{counts[o]} {Outcome(o).ToLowerInvariant()}");
        return $"{Entries(total)}: {string.Join(", ", parts)}";
    }

    /// <summary>"1 entry" / "N entries".</summary>
    public static string Entries(int count) => count == 1 ? "1 entry" : $"{count} entries";

    /// <summary>The actor for the table: user name, with the display name when it adds something.</summary>
    public static string Actor(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.IsNullOrEmpty(entry.ActorDisplayName) || entry.ActorDisplayName == entry.ActorUserName
            ? entry.ActorUserName
            : $"{entry.ActorDisplayName} ({entry.ActorUserName})";
    }

    /// <summary>The result of a chain verification in one sentence.</summary>
    public static string Verification(ChainVerification result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsValid)
        {
            return result.RecordsChecked == 0
                ? "The chain is valid: there are no records to check yet."
                : $"The chain is valid: {result.RecordsChecked} {(result.RecordsChecked == 1 ? "record" : "records")} checked, every hash matches and links to its predecessor.";
        }
        var reason = result.Reason ?? "no reason given";
        // The store's reasons may name the entry themselves ("Entry 4: …"); say it once.
        if (result.FirstBrokenEntryId is { } named && reason.StartsWith($"Entry {named}: ", StringComparison.Ordinal))
        {
            reason = reason[$"Entry {named}: ".Length..];
        }
        return result.FirstBrokenEntryId is { } id
            ? $"The chain is broken at entry #{id}: {reason}"
            : $"The chain is broken after the last entry: {reason}";
    }
}
