using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenElb.Dashboard.Audit.Migrations
{
    /// <inheritdoc />
    public partial class ChainHeadSearchAndTargetIndexes : Migration
    {
        // The raw SQL is written out here, not shared with the log's code: a migration must keep doing what it did.

        // The head row starts at the last chain record of an existing database (entries, completions, or the latest
        // checkpoint when everything was pruned), or at the genesis.
        private const string SeedHeadSql = """
            INSERT INTO AuditChainHead (Id, Sequence, Hash, LastEntryId)
            SELECT 1, Sequence, Hash, MAX(
                COALESCE((SELECT MAX(Id) FROM AuditEntries), 0),
                COALESCE((SELECT MAX(LastEntryId) FROM AuditCheckpoints), 0))
            FROM (
              SELECT * FROM (SELECT Sequence, EntryHash AS Hash FROM AuditEntries ORDER BY Sequence DESC LIMIT 1)
              UNION ALL
              SELECT * FROM (SELECT CompletionSequence, CompletionHash FROM AuditEntries
                             WHERE CompletionSequence IS NOT NULL ORDER BY CompletionSequence DESC LIMIT 1)
              UNION ALL
              SELECT * FROM (SELECT ThroughSequence, LastHash FROM AuditCheckpoints ORDER BY ThroughSequence DESC LIMIT 1)
              UNION ALL
              SELECT 0, '0000000000000000000000000000000000000000000000000000000000000000')
            ORDER BY Sequence DESC LIMIT 1;
            """;

        // Free-text search: an FTS5 index with the trigram tokenizer (case-insensitive substrings of 3+ characters) over
        // the searchable columns, kept in step with the entries by triggers (appends, completions, prunes, and any raw
        // edit), and filled from the existing entries.
        private const string SearchColumns = "ActorUserName, ActorDisplayName, TargetName, TargetNamespace, Message, RequestBody, FieldManager";

        private const string CreateSearchSql = $"""
            CREATE VIRTUAL TABLE AuditEntriesSearch USING fts5(
              {SearchColumns}, content = 'AuditEntries', content_rowid = 'Id', tokenize = 'trigram');

            CREATE TRIGGER AuditEntries_SearchInsert AFTER INSERT ON AuditEntries BEGIN
              INSERT INTO AuditEntriesSearch (rowid, {SearchColumns})
              VALUES (new.Id, new.ActorUserName, new.ActorDisplayName, new.TargetName, new.TargetNamespace, new.Message, new.RequestBody, new.FieldManager);
            END;

            CREATE TRIGGER AuditEntries_SearchDelete AFTER DELETE ON AuditEntries BEGIN
              INSERT INTO AuditEntriesSearch (AuditEntriesSearch, rowid, {SearchColumns})
              VALUES ('delete', old.Id, old.ActorUserName, old.ActorDisplayName, old.TargetName, old.TargetNamespace, old.Message, old.RequestBody, old.FieldManager);
            END;

            CREATE TRIGGER AuditEntries_SearchUpdate AFTER UPDATE OF Id, {SearchColumns} ON AuditEntries BEGIN
              INSERT INTO AuditEntriesSearch (AuditEntriesSearch, rowid, {SearchColumns})
              VALUES ('delete', old.Id, old.ActorUserName, old.ActorDisplayName, old.TargetName, old.TargetNamespace, old.Message, old.RequestBody, old.FieldManager);
              INSERT INTO AuditEntriesSearch (rowid, {SearchColumns})
              VALUES (new.Id, new.ActorUserName, new.ActorDisplayName, new.TargetName, new.TargetNamespace, new.Message, new.RequestBody, new.FieldManager);
            END;

            INSERT INTO AuditEntriesSearch (AuditEntriesSearch) VALUES ('rebuild');
            """;

        private const string DropSearchSql = """
            DROP TRIGGER AuditEntries_SearchUpdate;
            DROP TRIGGER AuditEntries_SearchDelete;
            DROP TRIGGER AuditEntries_SearchInsert;
            DROP TABLE AuditEntriesSearch;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_TargetKind_TargetName_Id",
                table: "AuditEntries");

            migrationBuilder.CreateTable(
                name: "AuditChainHead",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastEntryId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainHead", x => x.Id);
                });

            migrationBuilder.Sql(SeedHeadSql);
            migrationBuilder.Sql(CreateSearchSql);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TargetKind_Id",
                table: "AuditEntries",
                columns: new[] { "TargetKind", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TargetName_Id",
                table: "AuditEntries",
                columns: new[] { "TargetName", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropSearchSql);

            migrationBuilder.DropTable(
                name: "AuditChainHead");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_TargetKind_Id",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_TargetName_Id",
                table: "AuditEntries");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TargetKind_TargetName_Id",
                table: "AuditEntries",
                columns: new[] { "TargetKind", "TargetName", "Id" });
        }
    }
}
