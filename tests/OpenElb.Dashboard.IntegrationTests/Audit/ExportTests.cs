using System.Text;
using System.Text.Json;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

public sealed class ExportTests
{
    // A minimal RFC 4180 reader, independent of the writer under test.
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                Assert.True(cell.Length == 0, "a quote inside an unquoted cell");
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r')
            {
                Assert.Equal('\n', text[i + 1]);
                i++;
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                Assert.NotEqual('\n', c);
                cell.Append(c);
            }
        }

        Assert.False(quoted, "unterminated quoted cell");
        Assert.Empty(row);
        return rows;
    }

    private static AuditEntry Hostile()
    {
        var entry = AuditEntries.Pending(actor: "@mallory", targetName: "+node1");
        entry.ActorDisplayName = "=HYPERLINK(\"http://evil\",\"x\")";
        entry.TargetNamespace = "-ns";
        entry.UserAgent = "agent, with \"quotes\"\r\nand a second line";
        entry.RequestBody = "\tSUM(1)";
        entry.ActorGroups = ["ops", "=cmd"];
        return entry;
    }

    [Fact]
    public async Task ExportCsv_HostileCells_QuotedAndFormulasNeutralised()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var id = await harness.BeginAsync(Hostile());
        await harness.Log.CompleteAsync(id, AuditEntries.Completion() with { Message = "said \"no\", then\nleft" }, TestContext.Current.CancellationToken);
        await harness.BeginAsync(AuditEntries.Pending());
        var writer = new StringWriter();

        await harness.Log.ExportCsvAsync(new AuditQuery(), writer, TestContext.Current.CancellationToken);

        var text = writer.ToString();
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var rows = ParseCsv(text);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        var row = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("1", row["Id"]);
        Assert.Equal("'@mallory", row["ActorUserName"]);
        Assert.Equal("'=HYPERLINK(\"http://evil\",\"x\")", row["ActorDisplayName"]);
        Assert.Equal("'+node1", row["TargetName"]);
        Assert.Equal("'-ns", row["TargetNamespace"]);
        Assert.Equal("'\tSUM(1)", row["RequestBody"]);
        Assert.Equal("agent, with \"quotes\"\r\nand a second line", row["UserAgent"]);
        Assert.Equal("said \"no\", then\nleft", row["Message"]);
        Assert.Equal("ops;=cmd", row["ActorGroups"]);
        Assert.Equal("2026-03-01T12:00:00.0000000Z", row["RequestedUtc"]);
        Assert.Equal("Succeeded", row["Outcome"]);
        Assert.Equal("200", row["HttpStatus"]);
        Assert.Contains("\"said \"\"no\"\", then\nleft\"", text, StringComparison.Ordinal);
        Assert.Equal("Pending", rows[2][rows[0].IndexOf("Outcome")]);
        Assert.Equal("", rows[2][rows[0].IndexOf("CompletedUtc")]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void Text_LeadingFormulaCharacter_PrefixedWithApostrophe(string value, string expected)
        => Assert.Equal(expected, AuditCsv.Text(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("cr\rlf", "\"cr\rlf\"")]
    public void AppendQuoted_SpecialCharacters_QuotedPerRfc4180(string value, string expected)
    {
        var line = new StringBuilder();
        AuditCsv.AppendQuoted(line, value);
        Assert.Equal(expected, line.ToString());
    }

    [Fact]
    public async Task ExportJsonLines_Entries_RoundTripWithVerifiableHashes()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        var first = await harness.BeginAsync(Hostile());
        await harness.BeginAsync(AuditEntries.Pending(action: AuditAction.RestartSpeakers));
        await harness.Log.CompleteAsync(first, AuditEntries.Completion(AuditOutcome.Denied) with { Message = "line1\nline2 \"q\" ☃" }, TestContext.Current.CancellationToken);
        await harness.Log.RecordObservedAsync(AuditEntries.Pending(action: AuditAction.ObservedChange), TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();

        await harness.Log.ExportJsonLinesAsync(new AuditQuery(), stream, TestContext.Current.CancellationToken);

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        var exported = lines.Select(l => JsonSerializer.Deserialize<AuditEntry>(l, SqliteAuditLog.JsonLinesOptions)!).ToList();
        var stored = (await harness.Log.QueryAsync(new AuditQuery(), TestContext.Current.CancellationToken)).Items.Reverse().ToList();
        for (var i = 0; i < stored.Count; i++)
        {
            var e = exported[i];
            Assert.Equal(stored[i].Id, e.Id);
            Assert.Equal(JsonSerializer.Serialize(stored[i], SqliteAuditLog.JsonLinesOptions), lines[i]);
            // Every hashed field survived the round trip exactly, so the exported line is verifiable on its own.
            Assert.Equal(stored[i].EntryHash, AuditHasher.ComputeBeginHash(e));
            Assert.Equal(stored[i].CompletionHash, e.CompletionHash is null ? null : AuditHasher.ComputeCompletionHash(e));
        }

        Assert.Equal(AuditOutcome.Denied, exported[0].Outcome);
        Assert.Equal("line1\nline2 \"q\" ☃", exported[0].Message);
        Assert.Equal(["ops", "=cmd"], exported[0].ActorGroups);
        Assert.Equal(AuditOutcome.Pending, exported[1].Outcome);
        Assert.Equal(AuditOutcome.Observed, exported[2].Outcome);
        Assert.Contains("\"Action\":\"RestartSpeakers\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsv_Filter_ExportsOnlyMatchingEntriesOldestFirst()
    {
        using var temp = new TempDirectory();
        await using var harness = await AuditHarness.StartAsync(temp.File("audit.db"));
        await harness.BeginAsync(AuditEntries.Pending(actor: "alice"));
        await harness.BeginAsync(AuditEntries.Pending(actor: "bob"));
        await harness.BeginAsync(AuditEntries.Pending(actor: "alice"));
        var writer = new StringWriter();

        await harness.Log.ExportCsvAsync(new AuditQuery { Actor = "alice", PageSize = 1 }, writer, TestContext.Current.CancellationToken);

        var rows = ParseCsv(writer.ToString());
        Assert.Equal(["1", "3"], rows.Skip(1).Select(r => r[0]));
    }
}
