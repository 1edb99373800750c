using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace OpenElb.Dashboard.Audit;

/// <summary>
/// The wall tokens' table in the audit database (the app's one durable file). Persistence only: who may do what, the
/// token itself and the in-memory look-up live in the web app's <c>WallTokenService</c>.
/// </summary>
/// <remarks>
/// Lifetime: a singleton (registered by <see cref="AuditServiceCollectionExtensions.AddAuditLog"/>); thread-safe,
/// every operation creates and disposes its own <see cref="AuditDbContext"/>. The schema comes with the audit
/// migrations, so <see cref="SqliteAuditLog.InitializeAsync"/> must have run first. Store failures (unwritable or
/// corrupt file, lock held beyond the busy timeout) surface as <see cref="AuditUnavailableException"/> with a message
/// fit for the page.
/// </remarks>
public sealed class WallTokenStore(IDbContextFactory<AuditDbContext> contextFactory)
{
    /// <summary>The longest name a token may have.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Every token, newest first (revoked and expired ones included; the caller decides what is active).</summary>
    /// <exception cref="AuditUnavailableException">The store cannot be read.</exception>
    public async Task<IReadOnlyList<WallToken>> ListAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                var tokens = await context.WallTokens.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                // A handful of rows: ordered here rather than over the converted time column in SQL.
                return [.. tokens.OrderByDescending(t => t.CreatedUtc).ThenBy(t => t.Name, StringComparer.Ordinal)];
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The wall tokens could not be read from the audit store: {ex.Message}", ex);
        }
    }

    /// <summary>The tokens not revoked (expired ones included: expiry is checked when a token is presented).</summary>
    /// <exception cref="AuditUnavailableException">The store cannot be read.</exception>
    public async Task<IReadOnlyList<WallToken>> ListNotRevokedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                return await context.WallTokens.AsNoTracking().Where(t => t.RevokedUtc == null)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The wall tokens could not be read from the audit store: {ex.Message}", ex);
        }
    }

    /// <summary>Commits a new token. <paramref name="token"/> is copied as it is; only its hash may be set.</summary>
    /// <exception cref="AuditUnavailableException">Nothing was committed.</exception>
    public async Task InsertAsync(WallToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            var context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                context.WallTokens.Add(new WallToken
                {
                    Id = token.Id,
                    Name = token.Name,
                    TokenHash = token.TokenHash,
                    CreatedUtc = token.CreatedUtc,
                    CreatedBy = token.CreatedBy,
                    ExpiresUtc = token.ExpiresUtc,
                    RevokedUtc = token.RevokedUtc,
                    RevokedBy = token.RevokedBy,
                    LastUsedUtc = token.LastUsedUtc,
                });
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The wall token could not be saved in the audit store: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Marks token <paramref name="id"/> revoked by <paramref name="actor"/> at <paramref name="nowUtc"/>. Returns
    /// false when there is no such token or it was already revoked (the first revocation stays).
    /// </summary>
    /// <exception cref="AuditUnavailableException">Nothing was committed.</exception>
    public async Task<bool> RevokeAsync(Guid id, string actor, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        try
        {
            var context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                var updated = await context.WallTokens
                    .Where(t => t.Id == id && t.RevokedUtc == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedUtc, nowUtc).SetProperty(t => t.RevokedBy, actor), cancellationToken)
                    .ConfigureAwait(false);
                return updated == 1;
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The wall token could not be revoked in the audit store: {ex.Message}", ex);
        }
    }

    /// <summary>Records that token <paramref name="id"/> was presented at <paramref name="nowUtc"/>.</summary>
    /// <exception cref="AuditUnavailableException">Nothing was committed.</exception>
    public async Task MarkUsedAsync(Guid id, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        try
        {
            var context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                await context.WallTokens.Where(t => t.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, nowUtc), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new AuditUnavailableException($"The wall token's last use could not be recorded: {ex.Message}", ex);
        }
    }

    private static bool IsStoreFailure(Exception ex)
        => ex is DbException or DbUpdateException or IOException or UnauthorizedAccessException;
}
