using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenElb.Dashboard.Audit.Migrations
{
    /// <summary>
    /// The search index is filled behind the appends instead of inside them: an append no longer pays for trigram
    /// indexing in its own durable commit (a third of a begin + complete pair). <c>AuditSearchProgress</c> holds the
    /// highest entry id the index covers; entries above it (the newest few hundred at most) are matched row by row, so
    /// search stays exact. Completions and prunes touch the index only for entries it already covers, and a completion
    /// re-indexes its entry only when a searched column changed.
    /// </summary>
    public partial class DeferredSearchIndex : Migration
    {
        private const string SearchColumns = "ActorUserName, ActorDisplayName, TargetName, TargetNamespace, Message, RequestBody, FieldManager";

        private const string OldValues = "old.Id, old.ActorUserName, old.ActorDisplayName, old.TargetName, old.TargetNamespace, old.Message, old.RequestBody, old.FieldManager";

        private const string NewValues = "new.Id, new.ActorUserName, new.ActorDisplayName, new.TargetName, new.TargetNamespace, new.Message, new.RequestBody, new.FieldManager";

        private const string Covered = "(SELECT IndexedThroughId FROM AuditSearchProgress WHERE Id = 1)";

        private const string UpSql = $"""
            DROP TRIGGER AuditEntries_SearchInsert;
            DROP TRIGGER AuditEntries_SearchUpdate;
            DROP TRIGGER AuditEntries_SearchDelete;

            CREATE TABLE AuditSearchProgress (
              Id INTEGER NOT NULL PRIMARY KEY CHECK (Id = 1),
              IndexedThroughId INTEGER NOT NULL);
            -- The index was complete under the insert trigger.
            INSERT INTO AuditSearchProgress (Id, IndexedThroughId) VALUES (1, COALESCE((SELECT MAX(Id) FROM AuditEntries), 0));

            CREATE TRIGGER AuditEntries_SearchDelete AFTER DELETE ON AuditEntries
            WHEN old.Id <= {Covered} BEGIN
              INSERT INTO AuditEntriesSearch (AuditEntriesSearch, rowid, {SearchColumns}) VALUES ('delete', {OldValues});
            END;

            CREATE TRIGGER AuditEntries_SearchUpdate AFTER UPDATE OF Id, {SearchColumns} ON AuditEntries
            WHEN (old.Id <= {Covered} OR new.Id <= {Covered})
              AND (old.Id IS NOT new.Id OR old.ActorUserName IS NOT new.ActorUserName
                OR old.ActorDisplayName IS NOT new.ActorDisplayName OR old.TargetName IS NOT new.TargetName
                OR old.TargetNamespace IS NOT new.TargetNamespace OR old.Message IS NOT new.Message
                OR old.RequestBody IS NOT new.RequestBody OR old.FieldManager IS NOT new.FieldManager) BEGIN
              INSERT INTO AuditEntriesSearch (AuditEntriesSearch, rowid, {SearchColumns})
                SELECT 'delete', {OldValues} WHERE old.Id <= {Covered};
              INSERT INTO AuditEntriesSearch (rowid, {SearchColumns})
                SELECT {NewValues} WHERE new.Id <= {Covered};
            END;
            """;

        private const string DownSql = $"""
            DROP TRIGGER AuditEntries_SearchUpdate;
            DROP TRIGGER AuditEntries_SearchDelete;
            INSERT INTO AuditEntriesSearch (rowid, {SearchColumns})
              SELECT Id, ActorUserName, ActorDisplayName, TargetName, TargetNamespace, Message, RequestBody, FieldManager
              FROM AuditEntries WHERE Id > {Covered};
            DROP TABLE AuditSearchProgress;

            CREATE TRIGGER AuditEntries_SearchInsert AFTER INSERT ON AuditEntries BEGIN
              INSERT INTO AuditEntriesSearch (rowid, {SearchColumns}) VALUES ({NewValues});
            END;

            CREATE TRIGGER AuditEntries_SearchDelete AFTER DELETE ON AuditEntries BEGIN
              INSERT INTO AuditEntriesSearch (AuditEntriesSearch, rowid, {SearchColumns}) VALUES ('delete', {OldValues});
            END;

            CREATE TRIGGER AuditEntries_SearchUpdate AFTER UPDATE OF Id, {SearchColumns} ON AuditEntries BEGIN
              INSERT INTO AuditEntriesSearch (AuditEntriesSearch, rowid, {SearchColumns}) VALUES ('delete', {OldValues});
              INSERT INTO AuditEntriesSearch (rowid, {SearchColumns}) VALUES ({NewValues});
            END;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(UpSql);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(DownSql);
    }
}
