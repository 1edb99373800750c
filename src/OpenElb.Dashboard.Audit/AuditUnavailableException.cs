namespace OpenElb.Dashboard.Audit;

/// <summary>
/// The audit store could not commit a record (unwritable path, locked beyond the busy timeout, corrupt file, disk full).
/// When thrown by <see cref="SqliteAuditLog.BeginAsync"/> the caller must not perform the cluster write.
/// </summary>
public sealed class AuditUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AuditUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store error.</summary>
    public AuditUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
