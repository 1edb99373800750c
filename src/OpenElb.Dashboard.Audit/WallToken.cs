namespace OpenElb.Dashboard.Audit;

/// <summary>
/// A token that admits one wall display (the <c>wall</c> role only). Only the token's hash is stored; the plaintext is
/// shown once at creation and kept nowhere. An EF Core entity: a plain mutable object, not thread-safe.
/// </summary>
public sealed class WallToken
{
    /// <summary>Row id, chosen at creation.</summary>
    public Guid Id { get; set; }

    /// <summary>What the admin called it (e.g. <c>NOC wall, 3rd floor</c>); unique among active tokens.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// SHA-256 (64 lower-case hex characters) of the token's UTF-8 bytes. A token is 32 random bytes, so a fast hash is
    /// right: nobody can guess it from the hash, and a slow password hash (salt, many rounds) only protects
    /// low-entropy secrets; it would make every check slow and rule out a look-up by hash.
    /// </summary>
    public string TokenHash { get; set; } = "";

    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedUtc { get; set; }

    /// <summary>The admin who created it.</summary>
    public string CreatedBy { get; set; } = "";

    /// <summary>When it stops admitting its wall (UTC); null for never.</summary>
    public DateTime? ExpiresUtc { get; set; }

    /// <summary>When it was revoked (UTC); null while not revoked.</summary>
    public DateTime? RevokedUtc { get; set; }

    /// <summary>The admin who revoked it.</summary>
    public string? RevokedBy { get; set; }

    /// <summary>When a wall last presented it (UTC), recorded at most about once a minute.</summary>
    public DateTime? LastUsedUtc { get; set; }
}
