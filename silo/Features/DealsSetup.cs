using Microsoft.AspNetCore.Routing;
using SalesOrleans.Deals;
using SalesOrleans.Managers;
using SalesOrleans.Processes;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Intake;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Silo.Features;

/// <summary>
/// Deals: the process catalog (process definitions and their versions), deals on the board and their journal, tasks and
/// managers' workload, documents (the store deals and leads keep their files in), the board's saved filters, and mail to
/// the customer (templates, the queue and its mailer). The deal event sink registered here is wrapped afterwards by
/// <see cref="StockAndOrdersSetup"/> (deal → order) and <see cref="CustomersSetup"/> (satisfaction call, sub-processes).
/// </summary>
public static class DealsSetup
{
    public static IServiceCollection AddDeals(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DealOptions>(configuration.GetSection(DealOptions.Section));

        // Read model: the board, tasks and managers' workload, and the process catalog.
        services.AddSingleton<DealQueries>();
        services.AddSingleton<IWorkloadSource>(sp => sp.GetRequiredService<DealQueries>());
        services.AddSingleton<IProcessCatalog, ProcessCatalog>();

        // Documents (deals' and leads' files).
        services.Configure<DocumentOptions>(configuration.GetSection("Documents"));
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<DealDocuments>();
        services.AddSingleton<IDealDocuments>(sp => sp.GetRequiredService<DealDocuments>());

        // After a deal's write: the projector and the live push (wrapped by the order bridge and the customers' sinks).
        services.AddSingleton<DealProjector>();
        services.AddSingleton<IDealEventSink, DealPublisher>();

        // Web: the board's saved filters.
        services.AddBoardFilters();

        // Mail to the customer, sent by DealMailer (silo/Intake) over the SMTP settings LeadsSetup configures.
        services.AddSingleton<DealMailStore>();
        services.Configure<DealMailOptions>(configuration.GetSection(DealMailOptions.Section));
        services.AddSingleton<DealMailService>();
        services.AddSingleton<IDealMailService>(sp => sp.GetRequiredService<DealMailService>());
        services.AddHostedService<DealMailer>();
        return services;
    }

    public static IEndpointRouteBuilder MapDeals(this IEndpointRouteBuilder app)
    {
        app.MapProcessEndpoints();
        // With the deal chain's (lines, replenishment progress: DealChainEndpoints).
        app.MapDealEndpoints();
        app.MapBoardFilterEndpoints();
        app.MapDealMailEndpoints();
        return app;
    }
}
