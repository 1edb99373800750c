using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenElb.Dashboard.Audit;

namespace OpenElb.Dashboard.Model;

/// <summary>Where a wall token stands at a moment.</summary>
public enum WallTokenState
{
    /// <summary>Admits its wall.</summary>
    Active,

    /// <summary>Past its expiry; admits nothing.</summary>
    Expired,

    /// <summary>Revoked by an admin; admits nothing.</summary>
    Revoked,
}

/// <summary>A wall token as the UI sees it: no token, no hash.</summary>
/// <param name="Id">The token's id.</param>
/// <param name="Name">The admin's name for it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="ExpiresAt">When it stops admitting its wall; null for never.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="RevokedBy">Who revoked it.</param>
/// <param name="LastUsedAt">When a wall last presented it (recorded at most about once a minute).</param>
public sealed record WallTokenInfo(
    Guid Id,
    string Name,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>Revoked wins over expired; expired from its expiry on.</summary>
    public WallTokenState StateAt(DateTimeOffset now)
        => RevokedAt is not null ? WallTokenState.Revoked
            : ExpiresAt is { } expires && now >= expires ? WallTokenState.Expired
            : WallTokenState.Active;

    internal static WallTokenInfo Of(WallToken token) => new(
        token.Id,
        token.Name,
        Utc(token.CreatedUtc),
        token.CreatedBy,
        token.ExpiresUtc is { } expires ? Utc(expires) : null,
        token.RevokedUtc is { } revoked ? Utc(revoked) : null,
        token.RevokedBy,
        token.LastUsedUtc is { } used ? Utc(used) : null);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>Who a valid wall token admits: the token's id (for revalidation) and its name (for display and logs).</summary>
/// <param name="Id">The token's id.</param>
/// <param name="Name">The admin's name for it.</param>
public sealed record WallTokenIdentity(Guid Id, string Name);

/// <summary>
/// A token just created: the plaintext, which exists only here (it is shown once and never stored or logged), and its
/// record. <see cref="ToString"/> leaves the token out, so logging this object does not leak it.
/// </summary>
public sealed class CreatedWallToken(string token, WallTokenInfo record)
{
    /// <summary>The plaintext token (<c>owt_</c> + base64url of 32 random bytes). Show it once; keep it nowhere.</summary>
    public string Token { get; } = token;

    /// <summary>The stored record.</summary>
    public WallTokenInfo Record { get; } = record;

    /// <inheritdoc />
    public override string ToString() => $"Wall token {Record.Name} ({Record.Id})";
}

/// <summary>A request to create or revoke a wall token that cannot be done as asked (the message says why, for the page).</summary>
public sealed class WallTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WallTokenException()
    {
    }

    /// <summary>Creates the exception with a message for the page.</summary>
    public WallTokenException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WallTokenException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// Wall display tokens (issue #7): admins create (name, optional expiry) and revoke them; a wall presents one at
/// <c>/wall?token=…</c> and gets a cookie limited to the wall role. Only the token's SHA-256 hash is stored (in the
/// audit database, through <see cref="WallTokenStore"/>); every create and revoke is an audit entry naming the token
/// (id, name, expiry), never holding it or its hash.
/// </summary>
/// <remarks>
/// <para>
/// Lifetime: a singleton. <see cref="LoadAsync"/> reads the tokens not revoked into memory once the audit store is
/// migrated (<see cref="WallTokenStartup"/> does it at start-up); until then, and when the store is unavailable,
/// <see cref="Validate"/> admits nobody and <see cref="Unavailable"/> says why. The start-up load runs in the
/// background while the audit store opens, so callers that can wait (the sign-in, the wall cookie, circuit
/// revalidation, create, revoke, list) first await <see cref="WhenLoadedAsync"/> (at once after the load).
/// <see cref="Validate"/> and <see cref="IsActive"/> answer from memory (O(1), no I/O) and are safe on any thread, as
/// often as every request or every circuit's revalidation.
/// </para>
/// <para>
/// Mutations (<see cref="CreateAsync"/>, <see cref="RevokeAsync"/>) are serialized in this process and follow the
/// audit log's write-ahead rule: a pending entry is committed first (if the audit log cannot, nothing happens), then
/// the token row, then the outcome. The in-memory table changes once the row has committed. Tokens created or revoked
/// by another process sharing the file are seen after a restart only.
/// </para>
/// </remarks>
public sealed partial class WallTokenService : IDisposable
{
    /// <summary>The role that may create and revoke tokens.</summary>
    public const string AdminRole = "admin";

    /// <summary>Every token starts with this, so it is recognizable in a leaked log or a secret scanner.</summary>
    public const string TokenPrefix = "owt_";

    /// <summary>The longest name a token may have.</summary>
    public const int MaxNameLength = WallTokenStore.MaxNameLength;

    /// <summary>The audit entries' target kind.</summary>
    public const string AuditTargetKind = "WallToken";

    /// <summary>How often a token's last use is written at most.</summary>
    public static readonly TimeSpan LastUsedInterval = TimeSpan.FromMinutes(1);

    private const int TokenBytes = 32;

    // "owt_" + 43 base64url characters (32 bytes, unpadded).
    private static readonly int s_tokenLength = TokenPrefix.Length + Base64Url.GetEncodedLength(TokenBytes);

    private readonly WallTokenStore _store;
    private readonly SqliteAuditLog _auditLog;
    private readonly TimeProvider _time;
    private readonly ILogger<WallTokenService> _logger;
    private readonly SemaphoreSlim _mutations = new(1, 1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastUsedWritten = new();

    // Replaced whole (copy on write) under _mutations; readers take the current reference without a lock.
    private volatile ActiveTokens _active = ActiveTokens.Empty;
    private volatile string? _unavailable = "The wall tokens have not been loaded yet.";

    // The latest load, published before it reads: sign-ins and mutations wait for it instead of finding no tokens.
    private volatile Task? _loading;

    /// <summary>Creates the service. Call <see cref="LoadAsync"/> once the audit store is migrated.</summary>
    public WallTokenService(WallTokenStore store, SqliteAuditLog auditLog, TimeProvider time, ILogger<WallTokenService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(auditLog);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _auditLog = auditLog;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Raised with the token's id once a revocation has committed and the token no longer validates, so the walls
    /// signed in with it can be disconnected. Raised on the revoking thread; handlers must be quick and not throw
    /// (exceptions are logged and swallowed, so one handler cannot stop the others or fail the revocation).
    /// </summary>
    public event Action<Guid>? Revoked;

    /// <summary>Whether a load is running (at start-up: until the audit store has opened and the tokens are read).</summary>
    public bool IsLoading => _loading is { IsCompleted: false };

    /// <summary>Why tokens cannot be used or managed (not loaded yet, or the store failed to load); null when they can.</summary>
    public string? Unavailable => _unavailable;

    /// <summary>Whether <paramref name="user"/> may create and revoke tokens (the <c>admin</c> role).</summary>
    public static bool IsAdmin(ClaimsPrincipal? user) => user?.IsInRole(AdminRole) == true;

    /// <summary>The SHA-256 (lower-case hex) of a token's UTF-8 bytes, as stored.</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>
    /// Reads the tokens not revoked into memory, once the audit store has been opened (it waits for
    /// <see cref="SqliteAuditLog.InitializeAsync"/> when that is running); calling again re-reads.
    /// A store failure is kept in <see cref="Unavailable"/> (and logged), not thrown: the app runs without walls.
    /// </summary>
    public Task LoadAsync(CancellationToken cancellationToken = default) => LoadAfterAsync(Task.CompletedTask, cancellationToken);

    /// <summary>
    /// <see cref="LoadAsync"/> once <paramref name="ready"/> has completed (the start-up passes "the audit store has
    /// opened"). From the moment this returns, <see cref="WhenLoadedAsync"/> (the wall sign-in, the wall cookie's
    /// validation, create and revoke) waits for the load rather than finding no tokens.
    /// </summary>
    public Task LoadAfterAsync(Task ready, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var loading = LoadCoreAsync(ready, cancellationToken);
        _loading = loading;
        return loading;
    }

    /// <summary>
    /// Completes when the latest load has finished (at once when none is running). Never throws for the load's own
    /// failure (see <see cref="Unavailable"/>); only for <paramref name="cancellationToken"/>.
    /// </summary>
    public async ValueTask WhenLoadedAsync(CancellationToken cancellationToken = default)
    {
        if (_loading is { IsCompleted: false } loading)
        {
            await loading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task LoadCoreAsync(Task ready, CancellationToken cancellationToken)
    {
        await ready.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        await _mutations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The table comes with the audit migrations: never read before they ran.
            await _auditLog.WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
            var tokens = await _store.ListNotRevokedAsync(cancellationToken).ConfigureAwait(false);
            _active = ActiveTokens.Of(tokens.Select(ActiveToken.Of));
            _unavailable = null;
        }
        catch (AuditUnavailableException ex)
        {
            _active = ActiveTokens.Empty;
            _unavailable = $"Wall tokens are unavailable because the audit store cannot be read: {ex.Message}";
            LogUnavailable(_logger, ex.Message);
        }
        finally
        {
            _mutations.Release();
        }
    }

    /// <summary>
    /// Creates a token for a wall and returns it with its record. The plaintext is in the result only: it is never
    /// stored, logged or audited.
    /// </summary>
    /// <param name="name">Required; trimmed; at most <see cref="MaxNameLength"/> characters; unique among active tokens.</param>
    /// <param name="expires">When it stops admitting its wall (must be in the future); null for never.</param>
    /// <param name="user">The actor; must be in the <c>admin</c> role.</param>
    /// <param name="cancellationToken">Cancels before the pending audit entry commits; after that the token is created.</param>
    /// <exception cref="UnauthorizedAccessException">The user is not an admin.</exception>
    /// <exception cref="WallTokenException">The name or expiry is not acceptable (the message says why).</exception>
    /// <exception cref="AuditUnavailableException">The audit log or the token table cannot be written; no token was created.</exception>
    public async Task<CreatedWallToken> CreateAsync(
        string name, DateTimeOffset? expires, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var actor = Authorize(user, "create wall tokens");
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0)
        {
            throw new WallTokenException("Give the token a name, e.g. the wall it is for.");
        }
        if (trimmed.Length > MaxNameLength)
        {
            throw new WallTokenException($"The name is {trimmed.Length} characters long; at most {MaxNameLength} are allowed.");
        }

        await WhenLoadedAsync(cancellationToken).ConfigureAwait(false);
        await _mutations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnavailable();
            var now = _time.GetUtcNow();
            if (expires is { } expiry && expiry <= now)
            {
                throw new WallTokenException("The expiry must be in the future.");
            }
            if (_active.ByHash.Values.Any(t => t.IsActiveAt(now) && string.Equals(t.Name, trimmed, StringComparison.OrdinalIgnoreCase)))
            {
                throw new WallTokenException($"An active token is already called '{trimmed}'; choose another name or revoke that one first.");
            }

            var token = NewToken();
            var record = new WallToken
            {
                Id = Guid.NewGuid(),
                Name = trimmed,
                TokenHash = Hash(token),
                CreatedUtc = now.UtcDateTime,
                CreatedBy = actor,
                ExpiresUtc = expires?.UtcDateTime,
            };
            var auditId = await _auditLog.BeginAsync(AuditPending(AuditAction.WallTokenCreated, record, user), cancellationToken).ConfigureAwait(false);
            try
            {
                // Past the write-ahead entry: the creation runs to its end, so that the entry gets an outcome.
                await _store.InsertAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                await CompleteQuietlyAsync(auditId, new AuditCompletion(AuditOutcome.Failed, Message: $"The token was not saved: {ex.Message}")).ConfigureAwait(false);
                throw;
            }

            _active = _active.With(ActiveToken.Of(record));
            await CompleteQuietlyAsync(auditId, new AuditCompletion(AuditOutcome.Succeeded, Message: $"Wall token '{record.Name}' created.")).ConfigureAwait(false);
            LogCreated(_logger, record.Name, record.Id, actor);
            return new CreatedWallToken(token, WallTokenInfo.Of(record));
        }
        finally
        {
            _mutations.Release();
        }
    }

    /// <summary>Every token, newest first, without tokens or hashes.</summary>
    /// <exception cref="AuditUnavailableException">The store cannot be read.</exception>
    public async Task<IReadOnlyList<WallTokenInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await WhenLoadedAsync(cancellationToken).ConfigureAwait(false);
        await _auditLog.WhenInitializedAsync(cancellationToken).ConfigureAwait(false);
        var tokens = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. tokens.Select(WallTokenInfo.Of)];
    }

    /// <summary>
    /// Revokes token <paramref name="id"/>: from the moment the row commits it validates no more, and
    /// <see cref="Revoked"/> is raised. Returns false when it was already revoked (nothing changes, no entry).
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The user is not an admin.</exception>
    /// <exception cref="WallTokenException">There is no such token.</exception>
    /// <exception cref="AuditUnavailableException">The audit log or the token table cannot be written; the token still validates.</exception>
    public async Task<bool> RevokeAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var actor = Authorize(user, "revoke wall tokens");
        await WhenLoadedAsync(cancellationToken).ConfigureAwait(false);
        await _mutations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnavailable();
            var existing = (await _store.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Id == id)
                ?? throw new WallTokenException("There is no such wall token (it may have been removed from the store).");
            if (existing.RevokedUtc is not null)
            {
                return false;
            }

            var auditId = await _auditLog.BeginAsync(AuditPending(AuditAction.WallTokenRevoked, existing, user), cancellationToken).ConfigureAwait(false);
            bool revoked;
            try
            {
                revoked = await _store.RevokeAsync(id, actor, _time.GetUtcNow().UtcDateTime, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                await CompleteQuietlyAsync(auditId, new AuditCompletion(AuditOutcome.Failed, Message: $"The token was not revoked: {ex.Message}")).ConfigureAwait(false);
                throw;
            }

            // Dropped from memory whatever the store answered: a token the store no longer holds as active must not validate.
            _active = _active.Without(id);
            _lastUsedWritten.TryRemove(id, out _);
            await CompleteQuietlyAsync(auditId, revoked
                ? new AuditCompletion(AuditOutcome.Succeeded, Message: $"Wall token '{existing.Name}' revoked.")
                : new AuditCompletion(AuditOutcome.Failed, Message: "The token was revoked meanwhile by another instance.")).ConfigureAwait(false);
            if (revoked)
            {
                LogRevoked(_logger, existing.Name, id, actor);
            }
            RaiseRevoked(id);
            return revoked;
        }
        finally
        {
            _mutations.Release();
        }
    }

    /// <summary>
    /// The active token <paramref name="token"/> is, or null (unknown, malformed, revoked, expired at this moment, or
    /// tokens unavailable). From memory: no I/O.
    /// </summary>
    public WallTokenIdentity? Validate(string? token)
    {
        // Shape first: nothing else is hashed, so an attacker cannot make the server hash megabytes.
        if (token is null || token.Length != s_tokenLength || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        // The dictionary compares hashes, not tokens: what its timing could tell is about a SHA-256 of 256 random
        // bits, which says nothing about a token. The fixed-time compare of the match is defence in depth.
        if (!_active.ByHash.TryGetValue(Convert.ToHexStringLower(hash), out var found)
            || !CryptographicOperations.FixedTimeEquals(hash, found.Hash)
            || !found.IsActiveAt(_time.GetUtcNow()))
        {
            return null;
        }
        return new WallTokenIdentity(found.Id, found.Name);
    }

    /// <summary>Whether token <paramref name="id"/> still admits its wall (not revoked, not expired). From memory: no I/O.</summary>
    public bool IsActive(Guid id)
        => _active.ById.TryGetValue(id, out var token) && token.IsActiveAt(_time.GetUtcNow());

    /// <summary><see cref="IsActive"/> once the tokens are loaded (right after start-up the load may still be running).</summary>
    public async ValueTask<bool> IsActiveAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await WhenLoadedAsync(cancellationToken).ConfigureAwait(false);
        return IsActive(id);
    }

    /// <summary>
    /// Records that a wall presented token <paramref name="id"/>, at most once per <see cref="LastUsedInterval"/>
    /// per token. Returns whether it wrote; never throws for a store failure (it is logged): a wall must not fail
    /// because its last use cannot be noted.
    /// </summary>
    public async Task<bool> MarkUsedAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (!IsActive(id))
        {
            return false;
        }
        var written = _lastUsedWritten.GetOrAdd(id, DateTimeOffset.MinValue);
        if (now - written < LastUsedInterval || !_lastUsedWritten.TryUpdate(id, now, written))
        {
            // Written lately, or another caller is writing it right now.
            return false;
        }
        try
        {
            await _store.MarkUsedAsync(id, now.UtcDateTime, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException ex)
        {
            LogLastUsedFailed(_logger, id, ex.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _mutations.Dispose();

    internal static string NewToken() => TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    private static string Authorize(ClaimsPrincipal user, string what)
    {
        if (!IsAdmin(user))
        {
            throw new UnauthorizedAccessException($"Only admins may {what}; {(string.IsNullOrEmpty(user.Identity?.Name) ? "this user" : user.Identity!.Name)} is not one.");
        }
        return string.IsNullOrWhiteSpace(user.Identity?.Name)
            ? throw new UnauthorizedAccessException($"An admin without a user name cannot {what}: the audit log must name the actor.")
            : user.Identity!.Name!;
    }

    // The entry names the token (id as target uid, name, expiry); neither the token nor its hash is in it.
    private static AuditEntry AuditPending(AuditAction action, WallToken token, ClaimsPrincipal user) => new()
    {
        CorrelationId = Guid.NewGuid(),
        Step = 1,
        ActorUserName = user.Identity!.Name!,
        ActorAuthMethod = user.Identity.AuthenticationType,
        ActorGroups = [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)],
        Action = action,
        TargetKind = AuditTargetKind,
        TargetName = token.Name,
        TargetUid = token.Id.ToString("D"),
        RequestBody = JsonSerializer.Serialize(new AuditBody(token.Id, token.Name,
            token.ExpiresUtc is { } expires ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) : null)),
    };

    private void ThrowIfUnavailable()
    {
        if (_unavailable is { } why)
        {
            throw new AuditUnavailableException(why);
        }
    }

    private async Task CompleteQuietlyAsync(long auditId, AuditCompletion completion)
    {
        try
        {
            await _auditLog.CompleteAsync(auditId, completion, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            // The change is done and its pending entry names it; start-up reconciliation settles the entry.
            LogCompletionFailed(_logger, auditId, ex.Message);
        }
    }

    private void RaiseRevoked(Guid id)
    {
        if (Revoked is not { } handlers)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Action<Guid>>())
        {
            try
            {
                handler(id);
            }
            catch (Exception ex)
            {
                LogRevokedHandlerFailed(_logger, id, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Wall tokens are unavailable (no wall can sign in): {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wall token '{Name}' ({Id}) created by {Actor}")]
    private static partial void LogCreated(ILogger logger, string name, Guid id, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wall token '{Name}' ({Id}) revoked by {Actor}")]
    private static partial void LogRevoked(ILogger logger, string name, Guid id, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of audit entry {AuditId} (a wall token change) could not be recorded: {Error}")]
    private static partial void LogCompletionFailed(ILogger logger, long auditId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The last use of wall token {Id} could not be recorded: {Error}")]
    private static partial void LogLastUsedFailed(ILogger logger, Guid id, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of the revocation of wall token {Id} failed")]
    private static partial void LogRevokedHandlerFailed(ILogger logger, Guid id, Exception exception);

    private sealed record AuditBody(Guid Id, string Name, DateTimeOffset? Expires);

    private sealed class ActiveToken(Guid id, string name, byte[] hash, DateTimeOffset? expires)
    {
        public Guid Id { get; } = id;

        public string Name { get; } = name;

        public byte[] Hash { get; } = hash;

        public string HashHex { get; } = Convert.ToHexStringLower(hash);

        public bool IsActiveAt(DateTimeOffset now) => expires is not { } at || now < at;

        public static ActiveToken Of(WallToken token) => new(
            token.Id,
            token.Name,
            Convert.FromHexString(token.TokenHash),
            token.ExpiresUtc is { } expires ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) : null);
    }

    // Never changed once built (readers use it without a lock): swapped whole, so a reader never sees a half-updated table.
    private sealed class ActiveTokens(Dictionary<string, ActiveToken> byHash)
    {
        public static ActiveTokens Empty { get; } = new([]);

        public Dictionary<string, ActiveToken> ByHash { get; } = byHash;

        public Dictionary<Guid, ActiveToken> ById { get; } = byHash.Values.ToDictionary(t => t.Id);

        public static ActiveTokens Of(IEnumerable<ActiveToken> tokens)
            => new(tokens.ToDictionary(t => t.HashHex, StringComparer.Ordinal));

        public ActiveTokens With(ActiveToken token) => Of(ByHash.Values.Append(token));

        public ActiveTokens Without(Guid id) => Of(ByHash.Values.Where(t => t.Id != id));
    }
}

/// <summary>Loads the wall tokens once the audit store has been migrated.</summary>
/// <remarks>
/// The audit store opens in the background of start-up (<see cref="Hosting.AuditStartup"/>), so the load is started in
/// <see cref="StartAsync"/>, before the server listens, and runs once <see cref="Hosting.AuditStatus"/> says the store
/// has finished opening: a wall presenting its token or its cookie in the first moments waits for the load
/// (<see cref="WallTokenService.WhenLoadedAsync"/>) instead of being refused.
/// </remarks>
internal sealed class WallTokenStartup(WallTokenService tokens, Hosting.AuditStatus audit, IHostApplicationLifetime lifetime) : IHostedService
{
    private Task _load = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var stopping = lifetime.ApplicationStopping;
        _load = tokens.LoadAfterAsync(audit.WaitUntilInitializedAsync(stopping), stopping);
        return Task.CompletedTask;
    }

    // ApplicationStopping (cancelled before this is called) has cancelled a load still waiting.
    public async Task StopAsync(CancellationToken cancellationToken)
        => await _load.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
}

/// <summary>Registers the wall tokens.</summary>
public static class WallTokenServiceCollectionExtensions
{
    /// <summary>
    /// Registers the singleton <see cref="WallTokenService"/> and its start-up load. Needs the audit log
    /// (<see cref="AuditServiceCollectionExtensions.AddAuditLog"/>, which also registers the <see cref="WallTokenStore"/>).
    /// </summary>
    public static IServiceCollection AddWallTokens(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WallTokenService>();
        services.AddHostedService<WallTokenStartup>();
        return services;
    }
}
