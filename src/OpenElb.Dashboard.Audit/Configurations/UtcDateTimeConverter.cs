using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OpenElb.Dashboard.Audit.Configurations;

// SQLite has no date type: values are stored as text and come back with Kind=Unspecified. Everything is UTC here.
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : v,
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
