using Microsoft.Extensions.Options;

namespace OpenElb.Dashboard.Api;

/// <summary>Limits of the Changes API (section <c>ChangesApi</c>).</summary>
public sealed class ChangesApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ChangesApi";

    /// <summary>How many Idempotency-Key answers are kept; the oldest finished one is dropped first. Default 1,000.</summary>
    public int IdempotencyKeys { get; set; } = 1000;

    /// <summary>How long an Idempotency-Key answer is kept after the apply finished. Default 24 hours.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest request body accepted, in bytes. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>A stored apply answer: the HTTP status and the exact JSON body sent the first time.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Body">UTF-8 JSON body.</param>
public sealed record StoredAnswer(int StatusCode, byte[] Body);

/// <summary>
/// The answers of applies sent with an <c>Idempotency-Key</c>, so a retried request gets the first answer instead of a
/// second apply. In memory only: lost on restart, not shared between replicas. Bounded by
/// <see cref="ChangesApiOptions.IdempotencyKeys"/> and <see cref="ChangesApiOptions.IdempotencyRetention"/>.
/// A singleton; thread-safe.
/// </summary>
/// <remarks>
/// A key is claimed before the apply starts: a second request with the key waits for the first one's answer rather than
/// applying concurrently. Only applies that were begun are stored; when the first request ends without a stored answer
/// (refused, invalid, or it threw), the key is released and a waiting retry runs on its own.
/// </remarks>
public sealed class IdempotencyStore(TimeProvider time, IOptions<ChangesApiOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How many keys are held (claimed or answered).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Claims <paramref name="key"/> for a request whose canonical body hashes to <paramref name="bodyHash"/>, or
    /// returns what the key already holds.
    /// </summary>
    public IdempotencyClaim Claim(string key, string bodyHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(bodyHash);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            RemoveExpired(now);
            if (_entries.TryGetValue(key, out var existing))
            {
                return string.Equals(existing.BodyHash, bodyHash, StringComparison.Ordinal)
                    ? new IdempotencyClaim(IdempotencyClaimKind.Existing, existing.Answer.Task, null)
                    : new IdempotencyClaim(IdempotencyClaimKind.Mismatch, null, null);
            }
            if (_entries.Count >= options.Value.IdempotencyKeys && !RemoveOldestFinished())
            {
                return new IdempotencyClaim(IdempotencyClaimKind.Full, null, null);
            }
            var entry = new Entry(key, bodyHash);
            _entries[key] = entry;
            return new IdempotencyClaim(IdempotencyClaimKind.Claimed, null, entry);
        }
    }

    /// <summary>
    /// Finishes a claim: stores <paramref name="answer"/> for the retention window, or with <c>null</c> releases the
    /// key. Wakes requests waiting for it either way.
    /// </summary>
    public void Complete(IdempotencyClaim claim, StoredAnswer? answer)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Entry is not { } entry)
        {
            throw new ArgumentException("Only a claimed key can be completed.", nameof(claim));
        }
        lock (_lock)
        {
            if (answer is null)
            {
                if (_entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
                {
                    _entries.Remove(entry.Key);
                }
            }
            else
            {
                entry.FinishedAt = time.GetUtcNow();
            }
        }
        entry.Answer.TrySetResult(answer);
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        var retention = options.Value.IdempotencyRetention;
        List<string>? expired = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.FinishedAt is { } finished && now - finished >= retention)
            {
                (expired ??= []).Add(key);
            }
        }
        foreach (var key in expired ?? [])
        {
            _entries.Remove(key);
        }
    }

    private bool RemoveOldestFinished()
    {
        Entry? oldest = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.FinishedAt is { } finished && (oldest is null || finished < oldest.FinishedAt))
            {
                oldest = entry;
            }
        }
        return oldest is not null && _entries.Remove(oldest.Key);
    }

    /// <summary>One key: the body it was first sent with and its answer (pending until the apply finishes).</summary>
    public sealed class Entry(string key, string bodyHash)
    {
        internal string Key { get; } = key;

        internal string BodyHash { get; } = bodyHash;

        // Read and written under the store's lock; null while the apply runs.
        internal DateTimeOffset? FinishedAt { get; set; }

        internal TaskCompletionSource<StoredAnswer?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What <see cref="IdempotencyStore.Claim"/> found.</summary>
public enum IdempotencyClaimKind
{
    /// <summary>The key is new: the caller applies and completes the claim.</summary>
    Claimed,

    /// <summary>The key was used with the same body: wait for (or replay) its answer.</summary>
    Existing,

    /// <summary>The key was used with a different body.</summary>
    Mismatch,

    /// <summary>Every slot is held by an apply still running.</summary>
    Full,
}

/// <summary>The result of claiming a key.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Answer">For <see cref="IdempotencyClaimKind.Existing"/>: the first request's answer (<c>null</c> when it stored none).</param>
/// <param name="Entry">For <see cref="IdempotencyClaimKind.Claimed"/>: the claimed entry.</param>
public sealed record IdempotencyClaim(IdempotencyClaimKind Kind, Task<StoredAnswer?>? Answer, IdempotencyStore.Entry? Entry);
