using Npgsql;
using Orleans.Dashboard;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Silo.Seeding;
using SalesOrleans.Web;

// One node: an Orleans silo with the web front in the same process (as samples/GPSTracker).
var builder = WebApplication.CreateBuilder(args);

var connectionString = builder.Configuration.GetConnectionString("Sales")
    ?? throw new InvalidOperationException("Set ConnectionStrings:Sales (e.g. the environment variable ConnectionStrings__Sales).");
var node = builder.Configuration.GetSection("Node").Get<NodeOptions>() ?? new NodeOptions();

var dataSource = NpgsqlDataSource.Create(connectionString);

// The schema first: clustering, storage and reminders need their tables before the silo starts.
await SchemaMigrator.MigrateAsync(dataSource, LoggerFactory.Create(l => l.AddConsole()).CreateLogger("Schema"));

builder.Services.AddSalesPostgres(dataSource);
builder.Services.AddSalesWeb(builder.Configuration);
builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("silo-and-postgres", tags: [WebSetup.ReadyTag]);
builder.Services.Configure<SeedOptions>(builder.Configuration.GetSection("Seed"));
builder.Host.UseOrleans(silo => silo.AddSalesSilo(connectionString, node));

// Registered after the silo, so it starts once the silo is active.
builder.Services.AddHostedService<StartupSeeder>();

var app = builder.Build();
app.UseSalesWeb();
app.MapOrleansDashboard("/dashboard").RequireAuthorization(WebSetup.AdminPolicy);

await app.RunAsync();

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
