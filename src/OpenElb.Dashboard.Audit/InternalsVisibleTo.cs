using System.Runtime.CompilerServices;

// The benchmarks build large logs through SqliteAuditLog.AppendBulkAsync (the real append path, many per transaction).
[assembly: InternalsVisibleTo("OpenElb.Dashboard.Benchmarks")]
