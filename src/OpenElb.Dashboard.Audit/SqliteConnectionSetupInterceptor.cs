using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenElb.Dashboard.Audit;

// Per-connection set-up, on every open:
// - busy_timeout, so a second writer (another process or another pooled connection) waits for the lock instead of
//   failing at once with SQLITE_BUSY;
// - the text-match function of the free-text filter (see AuditTextMatch).
internal sealed class SqliteConnectionSetupInterceptor(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string _pragma = string.Create(
        CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        AuditTextMatch.Register(connection);
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AuditTextMatch.Register(connection);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = _pragma;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The free-text filter's row-by-row match for text that is not ASCII (ASCII text uses SQLite's LIKE, which ignores
/// ASCII case only), for the entries the trigram index does not cover (the newest, not yet indexed; text shorter than
/// a trigram) and to check the index's candidates: does any searched column contain the text, ignoring case? The same
/// semantics as the index (a case-insensitive substring of one column), so a match does not depend on whether the
/// entry has been indexed yet.
/// </summary>
internal static class AuditTextMatch
{
    /// <summary>The SQL call; <c>$text</c> is the text, <c>e</c> the entry.</summary>
    public const string Sql = "audit_text_match($text, e.ActorUserName, e.ActorDisplayName, e.TargetName, e.TargetNamespace, e.Message, e.RequestBody, e.FieldManager)";

    public static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            sqlite.CreateFunction<string, string?, string?, string?, string?, string?, string?, string?, bool>(
                "audit_text_match", Matches, isDeterministic: true);
        }
    }

    private static bool Matches(string text, string? c1, string? c2, string? c3, string? c4, string? c5, string? c6, string? c7)
        => Contains(c1, text) || Contains(c2, text) || Contains(c3, text) || Contains(c4, text)
            || Contains(c5, text) || Contains(c6, text) || Contains(c7, text);

    private static bool Contains(string? column, string text)
        => column is not null && column.Contains(text, StringComparison.OrdinalIgnoreCase);
}
