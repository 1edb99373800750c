using System.Data.Common;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Model;

/// <summary>
/// State of the <c>/audit</c> page: the filter, the entries loaded so far (newest first, keyset-paged), the counts by
/// outcome for the filter, and the chain verification. One per page instance; not thread-safe (the renderer's
/// synchronization context serializes calls).
/// </summary>
public sealed class AuditLogModel(SqliteAuditLog log)
{
    /// <summary>Entries per page.</summary>
    public const int DefaultPageSize = 50;

    // A page of 1–2 character free text scans a bounded window of ids and may come back empty with a next page; read
    // on through this many windows before showing an empty page (each window is a bounded, indexed scan).
    private const int MaxEmptyWindows = 20;

    private readonly List<AuditEntry> _entries = [];

    // Bumped by every LoadAsync: a "load more" that finishes after the filter changed must not append to the new list.
    private int _generation;

    /// <summary>Entries per page (1..1000).</summary>
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The filter shown.</summary>
    public AuditLogFilter Filter { get; private set; } = AuditLogFilter.None;

    /// <summary>Parts of the URL filter that could not be read.</summary>
    public IReadOnlyList<string> FilterErrors { get; private set; } = [];

    /// <summary>Entries loaded so far, newest first.</summary>
    public IReadOnlyList<AuditEntry> Entries => _entries;

    /// <summary>The cursor for the next (older) page; null when everything matching is loaded.</summary>
    public long? NextBeforeId { get; private set; }

    /// <summary>Whether older entries match the filter.</summary>
    public bool HasMore => NextBeforeId is not null;

    /// <summary>Entries matching the filter, per outcome.</summary>
    public IReadOnlyDictionary<AuditOutcome, int> Counts { get; private set; } = new Dictionary<AuditOutcome, int>();

    /// <summary>Entries matching the filter.</summary>
    public int TotalCount => Counts.Values.Sum();

    /// <summary>True until the first load finished (successfully or not).</summary>
    public bool IsLoading { get; private set; } = true;

    /// <summary>True while an older page is being read.</summary>
    public bool IsLoadingMore { get; private set; }

    /// <summary>Why the store could not be read, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>True while the chain is being verified.</summary>
    public bool IsVerifying { get; private set; }

    /// <summary>The last verification, or null.</summary>
    public ChainVerification? Verification { get; private set; }

    /// <summary>Why the last verification could not run, or null.</summary>
    public string? VerificationError { get; private set; }

    /// <summary>Reads the first page and the counts for <paramref name="filter"/>, replacing what was loaded.</summary>
    public async Task LoadAsync(AuditLogFilterParse filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var generation = ++_generation;
        Filter = filter.Filter;
        FilterErrors = filter.Errors;
        IsLoading = true;
        try
        {
            var page = await QueryAsync(null, cancellationToken);
            var counts = await log.CountByOutcomeAsync(Filter.ToQuery(PageSize), cancellationToken);
            if (generation != _generation)
            {
                return;
            }
            _entries.Clear();
            _entries.AddRange(page.Items);
            NextBeforeId = page.NextBeforeId;
            Counts = counts;
            Error = null;
        }
        catch (Exception ex) when (IsStoreFailure(ex) && generation == _generation)
        {
            _entries.Clear();
            NextBeforeId = null;
            Counts = new Dictionary<AuditOutcome, int>();
            Error = ex.Message;
        }
        finally
        {
            if (generation == _generation)
            {
                IsLoading = false;
            }
        }
    }

    /// <summary>Appends the next older page (keyset: entries with an id below <see cref="NextBeforeId"/>). Does nothing when there is none.</summary>
    public async Task LoadMoreAsync(CancellationToken cancellationToken)
    {
        if (NextBeforeId is not { } beforeId || IsLoadingMore)
        {
            return;
        }
        var generation = _generation;
        IsLoadingMore = true;
        try
        {
            var page = await QueryAsync(beforeId, cancellationToken);
            if (generation != _generation)
            {
                return;
            }
            _entries.AddRange(page.Items);
            NextBeforeId = page.NextBeforeId;
        }
        catch (Exception ex) when (IsStoreFailure(ex) && generation == _generation)
        {
            Error = ex.Message;
        }
        finally
        {
            IsLoadingMore = false;
        }
    }

    /// <summary>Verifies the whole hash chain; the result lands in <see cref="Verification"/>.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        if (IsVerifying)
        {
            return;
        }
        IsVerifying = true;
        Verification = null;
        VerificationError = null;
        try
        {
            Verification = await log.VerifyChainAsync(cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            VerificationError = ex.Message;
        }
        finally
        {
            IsVerifying = false;
        }
    }

    private async Task<AuditPage> QueryAsync(long? beforeId, CancellationToken cancellationToken)
    {
        var page = await log.QueryAsync(Filter.ToQuery(PageSize, beforeId), cancellationToken);
        for (var i = 0; i < MaxEmptyWindows && page.Items.Count == 0 && page.NextBeforeId is { } next; i++)
        {
            page = await log.QueryAsync(Filter.ToQuery(PageSize, next), cancellationToken);
        }
        return page;
    }

    /// <summary>
    /// One entry by id, or null when there is none. The store has no lookup by id, so this is a one-row keyset page
    /// ending just above it.
    /// </summary>
    public static async Task<AuditEntry?> FindAsync(SqliteAuditLog log, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (id <= 0 || id == long.MaxValue)
        {
            return null;
        }
        var page = await log.QueryAsync(new AuditQuery { BeforeId = id + 1, PageSize = 1 }, cancellationToken);
        return page.Items is [{ } entry] && entry.Id == id ? entry : null;
    }

    /// <summary>Exceptions that mean the store cannot be read (shown as a message) rather than a bug (left to crash the circuit).</summary>
    public static bool IsStoreFailure(Exception ex)
        => ex is AuditUnavailableException or DbException or IOException or UnauthorizedAccessException;
}
