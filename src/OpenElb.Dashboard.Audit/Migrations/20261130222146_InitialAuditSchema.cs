using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenElb.Dashboard.Audit.Migrations
{
    /// <inheritdoc />
    public partial class InitialAuditSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditCheckpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PrunedBeforeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PrunedEntries = table.Column<int>(type: "INTEGER", nullable: false),
                    ThroughSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastEntryId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditCheckpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    CorrelationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Step = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorUserName = table.Column<string>(type: "TEXT", nullable: false),
                    ActorDisplayName = table.Column<string>(type: "TEXT", nullable: true),
                    ActorAuthMethod = table.Column<string>(type: "TEXT", nullable: true),
                    ActorGroups = table.Column<string>(type: "TEXT", nullable: false),
                    ImpersonatedUser = table.Column<string>(type: "TEXT", nullable: true),
                    SourceIp = table.Column<string>(type: "TEXT", nullable: true),
                    UserAgent = table.Column<string>(type: "TEXT", nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TargetKind = table.Column<string>(type: "TEXT", nullable: false),
                    TargetNamespace = table.Column<string>(type: "TEXT", nullable: true),
                    TargetName = table.Column<string>(type: "TEXT", nullable: false),
                    TargetUid = table.Column<string>(type: "TEXT", nullable: true),
                    ResourceVersionBefore = table.Column<string>(type: "TEXT", nullable: true),
                    RequestBody = table.Column<string>(type: "TEXT", nullable: true),
                    BeforeState = table.Column<string>(type: "TEXT", nullable: true),
                    DryRunResult = table.Column<string>(type: "TEXT", nullable: true),
                    PredictedImpact = table.Column<string>(type: "TEXT", nullable: true),
                    FieldManager = table.Column<string>(type: "TEXT", nullable: true),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EntryHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CompletedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    HttpStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    Message = table.Column<string>(type: "TEXT", nullable: true),
                    ApiAuditId = table.Column<string>(type: "TEXT", nullable: true),
                    ResourceVersionAfter = table.Column<string>(type: "TEXT", nullable: true),
                    AfterState = table.Column<string>(type: "TEXT", nullable: true),
                    ObservedImpact = table.Column<string>(type: "TEXT", nullable: true),
                    CompletionSequence = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletionPreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CompletionHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditCheckpoints_ThroughSequence",
                table: "AuditCheckpoints",
                column: "ThroughSequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_Id",
                table: "AuditEntries",
                columns: new[] { "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorUserName_Id",
                table: "AuditEntries",
                columns: new[] { "ActorUserName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_CompletionSequence",
                table: "AuditEntries",
                column: "CompletionSequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_CorrelationId_Step",
                table: "AuditEntries",
                columns: new[] { "CorrelationId", "Step" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Outcome_Id",
                table: "AuditEntries",
                columns: new[] { "Outcome", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_RequestedUtc",
                table: "AuditEntries",
                column: "RequestedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Sequence",
                table: "AuditEntries",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TargetKind_TargetName_Id",
                table: "AuditEntries",
                columns: new[] { "TargetKind", "TargetName", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditCheckpoints");

            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
