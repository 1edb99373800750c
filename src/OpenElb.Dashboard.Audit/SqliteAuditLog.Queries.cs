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
    /// full-text index, walked newest first (entries newer than the index's progress mark are matched row by row);
    /// shorter text is matched row by row in a bounded window.
    /// </remarks>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var filter = await AuditFilter.BuildAsync(context, query, SearchProbeCap, cancellationToken).ConfigureAwait(false);
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
                filter.Parameters.Add(new SqliteParameter("$floor", windowFloor.Value));
            }
        }

        if (before is not null)
        {
            filter.Parameters.Add(new SqliteParameter("$before", before.Value));
        }

        // Ids first, then only the page's rows in full.
        var sql = $"""
            SELECT e.* FROM AuditEntries AS e WHERE e.Id IN ({filter.PageIds(before is not null, windowFloor is not null)})
            ORDER BY e.Id DESC
            """;
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

    // Entries a free-text probe counts per trigram at most; a trigram held by fewer is rare (see SearchExpressionAsync).
    // Internal for tests.
    internal int SearchProbeCap { get; set; } = 1_000;

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
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
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
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var counts = await (await FilterAsync(context, query, cancellationToken).ConfigureAwait(false))
            .GroupBy(e => e.Outcome)
            .Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return counts.ToDictionary(c => c.Outcome, c => c.Count);
    }

    // The entries matching the filter of the query, composable (no order).
    private async Task<IQueryable<AuditEntry>> FilterAsync(
        AuditDbContext context, AuditQuery query, CancellationToken cancellationToken)
    {
        var filter = await AuditFilter.BuildAsync(context, query, SearchProbeCap, cancellationToken).ConfigureAwait(false);
        // Only fixed fragments make up the SQL text; every value is a parameter.
        var sql = "SELECT e.* " + filter.FromWhere;
        return context.Entries.FromSqlRaw(sql, [.. filter.Parameters]).AsNoTracking();
    }

    // The highest entry id the search index covers (entries above it are matched row by row).
    private const string SearchCoveredSql = "COALESCE((SELECT IndexedThroughId FROM AuditSearchProgress WHERE Id = 1), 0)";

    /// <summary>
    /// The SQL of a query's filter: a <c>FROM … WHERE …</c> with every value a parameter (no value is ever part of the
    /// SQL text).
    /// </summary>
    private sealed class AuditFilter
    {
        // The column filters, each "e.Column op $parameter".
        private readonly List<(string Column, string Operator, string Parameter)> _columns = [];
        private string? _textCondition;
        private string? _indexVerification;
        private string? _tailMatch;

        private AuditFilter()
        {
        }

        /// <summary><c>FROM … WHERE …</c> over the entries <c>e</c>, for counts and exports (no order).</summary>
        public string FromWhere => "FROM AuditEntries AS e WHERE " + Where(indexable: true, _textCondition);

        /// <summary>True when the text is matched row by row on every row the other filters leave.</summary>
        public bool ScansRows { get; private set; }

        /// <summary>True when the text is looked up in the trigram index (page SQL: see <see cref="PageIds"/>).</summary>
        public bool UsesSearchIndex { get; private set; }

        public List<SqliteParameter> Parameters { get; } = [];

        public static async Task<AuditFilter> BuildAsync(AuditDbContext context, AuditQuery query, int probeCap, CancellationToken cancellationToken)
        {
            var filter = new AuditFilter();
            filter.Add("e.RequestedUtc", ">=", "$from", query.FromUtc is { } fromUtc ? StoredTime(fromUtc) : null);
            filter.Add("e.RequestedUtc", "<", "$to", query.ToUtc is { } toUtc ? StoredTime(toUtc) : null);
            filter.Add("e.ActorUserName", "=", "$actor", query.Actor);
            filter.Add("e.Action", "=", "$action", query.Action?.ToString());
            filter.Add("e.TargetKind", "=", "$kind", query.TargetKind);
            filter.Add("e.TargetNamespace", "=", "$namespace", query.TargetNamespace);
            filter.Add("e.TargetName", "=", "$name", query.TargetName);
            filter.Add("e.Outcome", "=", "$outcome", query.Outcome?.ToString());
            filter.Add("e.CorrelationId", "=", "$correlation", query.CorrelationId is { } c ? StoredGuid(c) : null);

            var text = query.Text?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                return filter;
            }

            var match = filter.AddTextMatch(text);
            if (text.EnumerateRunes().Count() < 3 || query.CorrelationId is not null)
            {
                // The trigram index cannot look up fewer than 3 characters. A correlation has a handful of entries:
                // checking them beats walking every match of the text.
                filter._textCondition = match;
                filter.ScansRows = query.CorrelationId is null;
            }
            else
            {
                // The index covers the entries up to its progress mark; the newer ones are matched row by row.
                filter.UsesSearchIndex = true;
                var (expression, verify) = await SearchExpressionAsync(context, text, probeCap, cancellationToken).ConfigureAwait(false);
                filter.Parameters.Add(new SqliteParameter("$phrase", expression));
                filter._indexVerification = verify ? match : null;
                filter._tailMatch = match;
                filter._textCondition = $"""
                    e.Id IN (SELECT rowid FROM AuditEntriesSearch WHERE AuditEntriesSearch MATCH $phrase
                      UNION ALL SELECT e.Id FROM AuditEntries AS e WHERE e.Id > {SearchCoveredSql} AND {match})
                    {(verify ? "AND " + match : "")}
                    """;
            }

            return filter;
        }

        /// <summary>
        /// The ids of one page (newest first, at most <c>$take</c>, below <c>$before</c> when <paramref name="before"/>
        /// and at or above <c>$floor</c> when <paramref name="floor"/>): reads only the filter's index (covering: every
        /// index ends with the id) and stops after one page.
        /// </summary>
        public string PageIds(bool before, bool floor)
        {
            var bounds = (before ? " AND e.Id < $before" : "") + (floor ? " AND e.Id >= $floor" : "");
            if (!UsesSearchIndex)
            {
                return $"SELECT e.Id FROM AuditEntries AS e WHERE {Where(indexable: true, _textCondition)}{bounds} ORDER BY e.Id DESC LIMIT $take";
            }

            // Text in the index: the entries it does not cover yet (the newest, a few hundred at most) matched row by
            // row, walking the primary key down to the progress mark (the column filters are kept off their indexes
            // with unary +, which would otherwise read every entry of, say, one actor); then the index's matches
            // newest first (CROSS JOIN keeps it the outer loop), each joined to its entry for the column filters. Each
            // side stops after one page; one statement, so both see the same snapshot of the progress mark.
            return $"""
                SELECT id FROM (
                  SELECT e.Id AS id FROM AuditEntries AS e
                  WHERE e.Id > {SearchCoveredSql} AND {Where(indexable: false, _tailMatch)}{bounds}
                  ORDER BY e.Id DESC LIMIT $take)
                UNION ALL
                SELECT id FROM (
                  SELECT s.rowid AS id FROM AuditEntriesSearch AS s CROSS JOIN AuditEntries AS e ON e.Id = s.rowid
                  WHERE s.AuditEntriesSearch MATCH $phrase AND {Where(indexable: true, _indexVerification)}{bounds.Replace("e.Id", "s.rowid", StringComparison.Ordinal)}
                  ORDER BY s.rowid DESC LIMIT $take)
                ORDER BY id DESC LIMIT $take
                """;
        }

        private string Where(bool indexable, string? text)
        {
            var where = new StringBuilder();
            foreach (var (column, op, parameter) in _columns)
            {
                where.Append(where.Length == 0 ? "" : " AND ").Append(indexable ? "" : "+").Append(column)
                    .Append(' ').Append(op).Append(' ').Append(parameter);
            }

            if (text is not null)
            {
                where.Append(where.Length == 0 ? "" : " AND ").Append('(').Append(text).Append(')');
            }

            return where.Length == 0 ? "1" : where.ToString();
        }

        // The row-by-row match of the text: SQLite's LIKE when the text is ASCII (native, and the same answer: LIKE
        // ignores ASCII case), else the registered function (LIKE would not ignore the case of other letters).
        private string AddTextMatch(string text)
        {
            if (Ascii.IsValid(text))
            {
                Parameters.Add(new SqliteParameter("$like", "%" + EscapeLike(text) + "%"));
                return """
                    (e.ActorUserName LIKE $like ESCAPE '\' OR e.ActorDisplayName LIKE $like ESCAPE '\'
                     OR e.TargetName LIKE $like ESCAPE '\' OR e.TargetNamespace LIKE $like ESCAPE '\'
                     OR e.Message LIKE $like ESCAPE '\' OR e.RequestBody LIKE $like ESCAPE '\'
                     OR e.FieldManager LIKE $like ESCAPE '\')
                    """;
            }

            Parameters.Add(new SqliteParameter("$text", text));
            return AuditTextMatch.Sql;
        }

        private static string EscapeLike(string text)
            => text.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal);

        private void Add(string column, string op, string parameter, string? value)
        {
            if (value is null)
            {
                return;
            }

            _columns.Add((column, op, parameter));
            Parameters.Add(new SqliteParameter(parameter, value));
        }

        // Trigrams probed at most.
        private const int MaxProbes = 16;

        /// <summary>
        /// The full-text expression for <paramref name="text"/>, and whether its matches must be checked row by row.
        /// </summary>
        /// <remarks>
        /// A phrase makes FTS5 read the position lists of all its trigrams, so a rare phrase made of common trigrams
        /// ("worker-2500": "wor", "ork", … are in nearly every entry) costs as much as walking those: ~30 ms at a million
        /// entries, whatever the page size. So the text's trigrams are probed first (how many entries hold each, counted
        /// up to <see cref="SearchProbeCap"/>, ~0.2 ms each); when some are rare, the index is asked only for entries holding
        /// the rarest three (at most <see cref="SearchProbeCap"/> candidates, ~1 ms), and each candidate is checked for the
        /// whole text. When every trigram is common, so are the text's matches, and the phrase fills a page quickly.
        /// </remarks>
        private static async Task<(string Expression, bool Verify)> SearchExpressionAsync(
            AuditDbContext context, string text, int probeCap, CancellationToken cancellationToken)
        {
            var phrase = SearchPhrase(text);
            var runes = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
            var trigrams = Enumerable.Range(0, runes.Length - 2)
                .Select(i => runes[i] + runes[i + 1] + runes[i + 2])
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToArray();
            if (trigrams.Length <= 1)
            {
                return (phrase, false);
            }

            if (trigrams.Length > MaxProbes)
            {
                trigrams = Enumerable.Range(0, MaxProbes).Select(i => trigrams[i * (trigrams.Length - 1) / (MaxProbes - 1)]).ToArray();
            }

            var connection = context.Database.GetDbConnection();
            await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var probe = connection.CreateCommand();
            await using (probe.ConfigureAwait(false))
            {
                probe.CommandText = "SELECT " + string.Join(", ", trigrams.Select((_, i) => string.Create(CultureInfo.InvariantCulture,
                    $"(SELECT COUNT(*) FROM (SELECT rowid FROM AuditEntriesSearch WHERE AuditEntriesSearch MATCH $t{i} LIMIT {probeCap}))")));
                for (var i = 0; i < trigrams.Length; i++)
                {
                    probe.Parameters.Add(new SqliteParameter(string.Create(CultureInfo.InvariantCulture, $"$t{i}"), SearchPhrase(trigrams[i])));
                }

                var counts = new long[trigrams.Length];
                var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < counts.Length; i++)
                    {
                        counts[i] = reader.GetInt64(i);
                    }
                }

                var rare = Enumerable.Range(0, trigrams.Length).Where(i => counts[i] < probeCap)
                    .OrderBy(i => counts[i]).Take(3).Select(i => SearchPhrase(trigrams[i])).ToArray();
                return rare.Length == 0 ? (phrase, false) : (string.Join(" AND ", rare), true);
            }
        }

        // One FTS5 phrase: the text verbatim (the trigram tokenizer matches it as a substring of a column).
        private static string SearchPhrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
