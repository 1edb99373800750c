using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// State of the <c>/audit/{id}</c> page: one entry, its field diff and every step of its correlation (wizard run).
/// One per page instance; not thread-safe.
/// </summary>
public sealed class AuditEntryModel(SqliteAuditLog log)
{
    /// <summary>The entry, or null when not (yet) found.</summary>
    public AuditEntry? Entry { get; private set; }

    /// <summary>The entry's changed fields, before and after.</summary>
    public IReadOnlyList<AuditFieldChange> Changes { get; private set; } = [];

    /// <summary>Every step of the entry's correlation, in step order (including the entry itself).</summary>
    public IReadOnlyList<AuditEntry> Steps { get; private set; } = [];

    /// <summary>True until the first load finished.</summary>
    public bool IsLoading { get; private set; } = true;

    /// <summary>Why the store could not be read, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads entry <paramref name="id"/> and its correlation.</summary>
    public async Task LoadAsync(long id, CancellationToken cancellationToken)
    {
        IsLoading = true;
        try
        {
            Entry = await AuditLogModel.FindAsync(log, id, cancellationToken);
            Changes = Entry is null ? [] : AuditDiff.Compute(Entry.BeforeState, Entry.AfterState);
            Steps = Entry is null ? [] : await log.GetCorrelationAsync(Entry.CorrelationId, cancellationToken);
            Error = null;
        }
        catch (Exception ex) when (AuditLogModel.IsStoreFailure(ex))
        {
            Entry = null;
            Changes = [];
            Steps = [];
            Error = ex.Message;
        }
        finally
        {
            IsLoading = false;
        }
    }
}
