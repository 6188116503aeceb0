using Npgsql;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Features;
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
            await ProductionSafety.CheckAsync(builder.Environment, builder.Configuration, dataSource, loggers.CreateLogger("Startup"));
        }

        // The demo exists only when asked for: without Demo:Enabled no demo people, token or PBX key.
        var demo = builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>()?.Enabled == true;
        builder.Services.PostConfigure<SeedOptions>(o => o.DemoData &= demo);
        builder.Services.PostConfigure<SalesOrleans.Leads.TelephonyOptions>(o => o.ApiKey = string.IsNullOrEmpty(o.ApiKey) && demo ? DemoOptions.TelephonyKey : o.ApiKey);

        // Infrastructure, then the features, each registering everything it needs (silo/Features/<Feature>Setup.cs).
        // The order is behaviour, not taste: hosted services start in registration order (people's directory refresher,
        // the web front's, the grain sweepers, mail intake, the mailers, the probability refresh; the silo after them and
        // the seeder last), and Stock & Orders and then Customers wrap the deal event sink Deals registers.
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSalesInfrastructure(dataSource);
        services.AddPeopleAndAccess(configuration);
        services.AddSalesWeb(configuration);
        services.AddGrainSweepers();
        services.AddLeads(configuration);
        services.AddDeals(configuration);
        services.AddStockAndOrders(configuration);
        services.AddAnalytics(configuration);
        services.AddCustomers(configuration);
        services.AddOps(configuration);
        services.AddHealthChecks().AddCheck<ReadinessCheck>("silo-and-postgres", tags: [WebSetup.ReadyTag]);
        services.Configure<SeedOptions>(configuration.GetSection("Seed"));
        builder.Host.UseOrleans(silo => silo.AddSalesSilo(dataSource, node));
        builder.AddSalesTelemetry(node);

        // Registered after the silo, so it starts once the silo is active.
        services.AddHostedService<StartupSeeder>();
        configure?.Invoke(builder);

        // The cross-cutting middleware (UseSalesWeb), then each feature's endpoints.
        var app = builder.Build();
        app.UseSalesWeb();
        app.MapPeopleAndAccess();
        app.MapLeads();
        app.MapDeals();
        app.MapStockAndOrders();
        app.MapAnalytics();
        app.MapCustomers();
        app.MapOps();
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
        // Npgsql 10 can leave an auto-prepared connection out of step when the server refuses a parameter at Bind (NUL
        // text: the next command on it gets "Received unexpected backend message DataRow"; PoolHygieneTests). Such
        // values are refused at every entry (InputHygiene, TableReader, mail cleaning); "Max Auto Prepare=0" in the
        // connection string turns auto-preparing off altogether, at some cost in parsing.
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = Math.Max(builder.ConnectionStringBuilder.MaxAutoPrepare, 64);
        }

        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        return builder.Build();
    }
}
