using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    /// <summary>
    /// One page of entries matching <paramref name="query"/>, newest first (keyset paging on id). Entries are detached.
    /// Reads run beside writers (WAL) and see the last committed state.
    /// </summary>
    /// <remarks>
    /// Every filter has an index that yields its rows newest first, so a page reads about <see cref="AuditQuery.PageSize"/>
    /// rows of that index whatever the table size. Free text of 3 or more characters is looked up in the trigram
    /// full-text index, walked newest first; shorter text is matched with <c>LIKE</c> row by row.
    /// </remarks>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var filter = AuditFilter.Build(query, drivingSearch: true);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var where = new StringBuilder(filter.FromWhere);
        var before = query.BeforeId;
        long? windowFloor = null;
        if (filter.ScansRows)
        {
            // Text the index cannot look up is matched row by row: bound the rows one page reads, and let the cursor
            // continue below the window (such a page may hold fewer than PageSize entries and still have a next page).
            var (minId, maxId) = await IdRangeAsync(context, cancellationToken).ConfigureAwait(false);
            var top = Math.Min(before ?? long.MaxValue, maxId + 1);
            if (top - ShortTextScanWindow > minId)
            {
                windowFloor = top - ShortTextScanWindow;
                where.Append(" AND e.Id >= $floor");
                filter.Parameters.Add(new SqliteParameter("$floor", windowFloor.Value));
            }
        }

        if (before is not null)
        {
            where.Append(" AND ").Append(filter.IdColumn).Append(" < $before");
            filter.Parameters.Add(new SqliteParameter("$before", before.Value));
        }

        // Ids first: the inner query reads only the filter's index (covering: every index ends with the id) and stops
        // after one page; only the page's rows are read in full.
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT e.* FROM AuditEntries AS e WHERE e.Id IN (
              SELECT {filter.IdColumn} {where} ORDER BY {filter.IdColumn} DESC LIMIT $take)
            ORDER BY e.Id DESC
            """);
        filter.Parameters.Add(new SqliteParameter("$take", pageSize + 1));
        var items = await context.Entries.FromSqlRaw(sql, [.. filter.Parameters]).AsNoTracking()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        long? next = null;
        if (items.Count > pageSize)
        {
            items.RemoveAt(pageSize);
            next = items[^1].Id;
        }
        else if (windowFloor is not null)
        {
            next = windowFloor;
        }

        return new AuditPage(items, next);
    }

    // Rows of the newest-first scan one page of short free text reads at most. Internal for tests.
    internal int ShortTextScanWindow { get; set; } = 5_000;

    private static async Task<(long Min, long Max)> IdRangeAsync(AuditDbContext context, CancellationToken cancellationToken)
    {
        // Two primary-key seeks (a grouped MIN and MAX in one query would scan the table).
        var min = await context.Entries.MinAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false);
        var max = await context.Entries.MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false);
        return (min ?? 0, max ?? 0);
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
        var counts = await Filter(context, query)
            .GroupBy(e => e.Outcome)
            .Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return counts.ToDictionary(c => c.Outcome, c => c.Count);
    }

    // The entries matching the filter of the query, composable (no order).
    private static IQueryable<AuditEntry> Filter(AuditDbContext context, AuditQuery query)
    {
        var filter = AuditFilter.Build(query, drivingSearch: false);
        // Only fixed fragments make up the SQL text; every value is a parameter.
        var sql = "SELECT e.* " + filter.FromWhere;
        return context.Entries.FromSqlRaw(sql, [.. filter.Parameters]).AsNoTracking();
    }

    /// <summary>
    /// The SQL of a query's filter: a <c>SELECT e.* … WHERE …</c> with every value a parameter (no value is ever part
    /// of the SQL text).
    /// </summary>
    private sealed class AuditFilter
    {
        private readonly StringBuilder _where = new();

        private AuditFilter()
        {
        }

        /// <summary><c>FROM … WHERE …</c>; the entries are <c>e</c>, the search index (when it drives) <c>s</c>.</summary>
        public string FromWhere { get; private set; } = "";

        /// <summary>True when the text is matched with <c>LIKE</c> on every row the other filters leave.</summary>
        public bool ScansRows { get; private set; }

        /// <summary>The column to order and page by: the entry id, or the search index's rowid when it drives.</summary>
        public string IdColumn { get; private set; } = "e.Id";

        public List<SqliteParameter> Parameters { get; } = [];

        /// <param name="query">The filter.</param>
        /// <param name="drivingSearch">
        /// For a page: text search walks the full-text index newest first and joins each match to its entry, so a common
        /// word fills the page at once and a rare one skips straight to its matches. Otherwise (counts, export, which
        /// read every match anyway) the matches are a set the entries are checked against.
        /// </param>
        public static AuditFilter Build(AuditQuery query, bool drivingSearch)
        {
            var filter = new AuditFilter();
            filter.Add("e.RequestedUtc >= $from", "$from", query.FromUtc is { } fromUtc ? StoredTime(fromUtc) : null);
            filter.Add("e.RequestedUtc < $to", "$to", query.ToUtc is { } toUtc ? StoredTime(toUtc) : null);
            filter.Add("e.ActorUserName = $actor", "$actor", query.Actor);
            filter.Add("e.Action = $action", "$action", query.Action?.ToString());
            filter.Add("e.TargetKind = $kind", "$kind", query.TargetKind);
            filter.Add("e.TargetNamespace = $namespace", "$namespace", query.TargetNamespace);
            filter.Add("e.TargetName = $name", "$name", query.TargetName);
            filter.Add("e.Outcome = $outcome", "$outcome", query.Outcome?.ToString());
            filter.Add("e.CorrelationId = $correlation", "$correlation", query.CorrelationId is { } c ? StoredGuid(c) : null);

            var from = "FROM AuditEntries AS e";
            var text = query.Text?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                // No text filter.
            }
            else if (text.EnumerateRunes().Count() < 3 || query.CorrelationId is not null)
            {
                // The trigram index cannot look up fewer than 3 characters. A correlation has a handful of entries:
                // checking them beats walking every match of the text.
                filter.Add("""
                    (e.ActorUserName LIKE $like ESCAPE '\' OR e.ActorDisplayName LIKE $like ESCAPE '\'
                     OR e.TargetName LIKE $like ESCAPE '\' OR e.TargetNamespace LIKE $like ESCAPE '\'
                     OR e.Message LIKE $like ESCAPE '\' OR e.RequestBody LIKE $like ESCAPE '\'
                     OR e.FieldManager LIKE $like ESCAPE '\')
                    """, "$like", "%" + EscapeLike(text) + "%");
                filter.ScansRows = query.CorrelationId is null;
            }
            else if (drivingSearch)
            {
                // CROSS JOIN keeps the search index as the outer loop, which yields rowids newest first.
                from = "FROM AuditEntriesSearch AS s CROSS JOIN AuditEntries AS e ON e.Id = s.rowid";
                filter.IdColumn = "s.rowid";
                filter.Add("s.AuditEntriesSearch MATCH $text", "$text", SearchPhrase(text));
            }
            else
            {
                filter.Add("e.Id IN (SELECT rowid FROM AuditEntriesSearch WHERE AuditEntriesSearch MATCH $text)", "$text", SearchPhrase(text));
            }

            filter.FromWhere = string.Create(CultureInfo.InvariantCulture,
                $"{from} WHERE {(filter._where.Length == 0 ? "1" : filter._where.ToString())}");
            return filter;
        }

        private void Add(string condition, string parameter, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (_where.Length > 0)
            {
                _where.Append(" AND ");
            }

            _where.Append(condition);
            Parameters.Add(new SqliteParameter(parameter, value));
        }

        // One FTS5 phrase: the text verbatim (the trigram tokenizer matches it as a substring of a column).
        private static string SearchPhrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        private static string EscapeLike(string text)
            => text.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal);
    }
}
