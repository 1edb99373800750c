using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OpenElb.Dashboard.Audit;

// Used by `dotnet ef migrations add` only: the library has no host to build the context from.
internal sealed class AuditDbContextDesignTimeFactory : IDesignTimeDbContextFactory<AuditDbContext>
{
    public AuditDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<AuditDbContext>().UseSqlite("Data Source=design-time-audit.db").Options);
}
