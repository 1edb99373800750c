using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

public sealed partial class SqliteAuditLog
{
    private static readonly JsonSerializerOptions s_jsonLines = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly byte[] s_newline = [(byte)'\n'];

    /// <summary>
    /// The options <see cref="ExportJsonLinesAsync"/> writes with (property names as in <see cref="AuditEntry"/>, enums
    /// as names); use them to read an export back. Shared and immutable.
    /// </summary>
    public static JsonSerializerOptions JsonLinesOptions => s_jsonLines;

    /// <summary>
    /// Streams the entries matching the filter of <paramref name="query"/> (cursor and page size ignored), oldest
    /// first, as CSV (RFC 4180, header row, CRLF, text cells starting with <c>= + - @</c> prefixed with an apostrophe).
    /// Rows are read and written one at a time; the writer is flushed but not disposed.
    /// </summary>
    public async Task ExportCsvAsync(AuditQuery query, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(writer);
        var line = new StringBuilder(1024);
        AuditCsv.AppendRow(line, AuditCsv.Header);
        await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var entries = await FilterAsync(context, query, cancellationToken).ConfigureAwait(false);
        await foreach (var entry in entries.OrderBy(e => e.Id)
            .AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            line.Clear();
            AuditCsv.AppendRow(line, AuditCsv.Cells(entry));
            await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams the entries matching the filter of <paramref name="query"/> (cursor and page size ignored), oldest
    /// first, as JSON Lines (UTF-8, one <see cref="AuditEntry"/> object per line, <see cref="JsonLinesOptions"/>).
    /// The stream is flushed but not disposed.
    /// </summary>
    public async Task ExportJsonLinesAsync(AuditQuery query, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(stream);
        await WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var context = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var contextScope = context.ConfigureAwait(false);
        var writer = new Utf8JsonWriter(stream);
        await using var writerScope = writer.ConfigureAwait(false);
        var entries = await FilterAsync(context, query, cancellationToken).ConfigureAwait(false);
        await foreach (var entry in entries.OrderBy(e => e.Id)
            .AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            JsonSerializer.Serialize(writer, entry, s_jsonLines);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            writer.Reset();
            await stream.WriteAsync(s_newline, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
