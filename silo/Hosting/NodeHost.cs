using Npgsql;
using Orleans.Dashboard;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Seeding;
using SalesOrleans.Web;

namespace SalesOrleans.Silo.Hosting;

/// <summary>
/// Builds one node: an Orleans silo with the web front in the same process (as samples/GPSTracker). Program runs
/// it; the integration tests build real nodes with it too (command-line style settings, optional service overrides).
/// </summary>
public static class NodeHost
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // koi8-r, windows-1251, iso-8859-15 …: mail from Bitrix and old Outlook is only readable with the code pages.
        SalesOrleans.Domain.Leads.Mail.MailReader.RegisterLegacyCharsets();
        var builder = WebApplication.CreateBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString("Sales");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Set ConnectionStrings:Sales (e.g. the environment variable ConnectionStrings__Sales).");
        }

        var node = builder.Configuration.GetSection("Node").Get<NodeOptions>() ?? new NodeOptions();
        var dataSource = CreateDataSource(connectionString);

        // The schema first: clustering, storage and reminders need their tables before the silo starts.
        using (var loggers = LoggerFactory.Create(l => l.AddConsole()))
        {
            await SchemaMigrator.MigrateAsync(dataSource, loggers.CreateLogger("Schema"));
        }

        builder.Services.AddSalesPostgres(dataSource);
        builder.Services.AddSalesStock();
        builder.Services.AddSalesWeb(builder.Configuration);
        builder.Services.AddSalesLeads(builder.Configuration);
        builder.Services.AddSalesAnalytics();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("silo-and-postgres", tags: [WebSetup.ReadyTag]);
        builder.Services.Configure<SeedOptions>(builder.Configuration.GetSection("Seed"));
        builder.Host.UseOrleans(silo => silo.AddSalesSilo(dataSource, node));
        builder.AddSalesTelemetry(node);

        // Registered after the silo, so it starts once the silo is active.
        builder.Services.AddHostedService<StartupSeeder>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSalesWeb();
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(WebSetup.AdminPolicy);
        app.MapSalesMetrics();
        return app;
    }

    /// <summary>
    /// One pool for the whole node. The node sets no session state, so pooled connections need no DISCARD ALL on
    /// reuse; the same few statements run all the time, so they are prepared once per connection.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Short waits unless the connection string says otherwise: with the database gone a request fails fast
        // (503, see DatabaseUnavailableHandler) instead of hanging on a connect or a statement.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Timeout"))
        {
            builder.ConnectionStringBuilder.Timeout = 5;
        }

        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            builder.ConnectionStringBuilder.CommandTimeout = 15;
        }

        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.ConnectionStringBuilder.MaxAutoPrepare = Math.Max(builder.ConnectionStringBuilder.MaxAutoPrepare, 64);
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        return builder.Build();
    }
}
