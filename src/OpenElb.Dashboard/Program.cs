using OpenElb.Dashboard.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDashboard();

var app = builder.Build();
app.MapDashboard();
await app.RunAsync();
