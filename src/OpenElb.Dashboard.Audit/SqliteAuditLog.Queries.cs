using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    /// <summary>
    /// One page of entries matching <paramref name="query"/>, newest first (keyset paging on id). Entries are detached.
    /// Reads run beside writers (WAL) and see the last committed state.
    /// </summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var entries = Filter(context.Entries.AsNoTracking(), query);
        if (query.BeforeId is { } beforeId)
        {
            entries = entries.Where(e => e.Id < beforeId);
        }

        var items = await entries.OrderByDescending(e => e.Id).Take(pageSize + 1)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        long? next = null;
        if (items.Count > pageSize)
        {
            items.RemoveAt(pageSize);
            next = items[^1].Id;
        }

        return new AuditPage(items, next);
    }

    /// <summary>All steps of one correlation (wizard run), in step order. Entries are detached.</summary>
    public async Task<IReadOnlyList<AuditEntry>> GetCorrelationAsync(Guid correlationId, CancellationToken cancellationToken = default)
    {
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        return await context.Entries.AsNoTracking()
            .Where(e => e.CorrelationId == correlationId)
            .OrderBy(e => e.Step).ThenBy(e => e.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts of entries matching the filter of <paramref name="query"/> (cursor and page size ignored), per outcome.</summary>
    public async Task<IReadOnlyDictionary<AuditOutcome, int>> CountByOutcomeAsync(
        AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var counts = await Filter(context.Entries.AsNoTracking(), query)
            .GroupBy(e => e.Outcome)
            .Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return counts.ToDictionary(c => c.Outcome, c => c.Count);
    }

    private static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, AuditQuery query)
    {
        if (query.FromUtc is { } from)
        {
            entries = entries.Where(e => e.RequestedUtc >= from);
        }

        if (query.ToUtc is { } to)
        {
            entries = entries.Where(e => e.RequestedUtc < to);
        }

        if (query.Actor is { } actor)
        {
            entries = entries.Where(e => e.ActorUserName == actor);
        }

        if (query.Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }

        if (query.TargetKind is { } kind)
        {
            entries = entries.Where(e => e.TargetKind == kind);
        }

        if (query.TargetNamespace is { } ns)
        {
            entries = entries.Where(e => e.TargetNamespace == ns);
        }

        if (query.TargetName is { } name)
        {
            entries = entries.Where(e => e.TargetName == name);
        }

        if (query.Outcome is { } outcome)
        {
            entries = entries.Where(e => e.Outcome == outcome);
        }

        if (query.CorrelationId is { } correlationId)
        {
            entries = entries.Where(e => e.CorrelationId == correlationId);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var pattern = "%" + EscapeLike(query.Text.Trim()) + "%";
            entries = entries.Where(e =>
                EF.Functions.Like(e.ActorUserName, pattern, "\\")
                || EF.Functions.Like(e.ActorDisplayName, pattern, "\\")
                || EF.Functions.Like(e.TargetName, pattern, "\\")
                || EF.Functions.Like(e.TargetNamespace, pattern, "\\")
                || EF.Functions.Like(e.Message, pattern, "\\")
                || EF.Functions.Like(e.RequestBody, pattern, "\\")
                || EF.Functions.Like(e.FieldManager, pattern, "\\"));
        }

        return entries;
    }

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
