using Microsoft.AspNetCore.Routing;
using SalesOrleans.Deals;
using SalesOrleans.Documents;
using SalesOrleans.Import;
using SalesOrleans.Orders;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Silo.Features;

/// <summary>
/// Stock and orders: the catalog (SKUs, warehouses), stock items and their reservations, orders with approval, invoices,
/// payments and shipments, proposals, receivables, and the imports (catalog, stock, orders; the customer imports share
/// the import endpoints and use <see cref="CustomersSetup"/>'s service). A deal reaching its process's order stage makes
/// its order through <see cref="DealOrderBridge"/>, which wraps the deal event sink <see cref="DealsSetup"/> registers.
/// </summary>
public static class StockAndOrdersSetup
{
    public static IServiceCollection AddStockAndOrders(this IServiceCollection services, IConfiguration configuration)
    {
        // Catalog, stock and the imports.
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<StockCatalog>();
        services.AddSingleton<IStockCatalog>(sp => sp.GetRequiredService<StockCatalog>());
        services.AddSingleton<CatalogService>();
        services.AddSingleton<SalesOrleans.Stock.ICatalogService>(sp => sp.GetRequiredService<CatalogService>());
        services.AddSingleton<StockService>();
        services.AddSingleton<SalesOrleans.Stock.IStockService>(sp => sp.GetRequiredService<StockService>());
        services.AddSingleton<StockQueries>();
        services.AddSingleton<CatalogImport>();
        services.AddSingleton<SalesOrleans.Import.ICatalogImport>(sp => sp.GetRequiredService<CatalogImport>());

        // Papers: proposals, invoices and waybills.
        services.AddSingleton<ProposalService>();
        services.AddSingleton<SalesOrleans.Documents.IProposalService>(sp => sp.GetRequiredService<ProposalService>());
        services.AddSingleton<SalesOrleans.Documents.IOrderPapers, SalesOrleans.Documents.OrderPaperRenderer>();
        services.AddSingleton<IOrderDocuments, OrderDocuments>();

        // After a write: projectors and live push. Stock items' read-model rows ride their state's commit in the
        // group-commit storage (issue 12, fourth round).
        services.AddSingleton<StockProjector>();
        services.AddSingleton<SalesOrleans.Infrastructure.IStateProjection, StockRowsInCommit>();
        services.AddSingleton<IStockEventSink, SalesOrleans.Live.StockLivePublisher>();
        services.AddSingleton<OrderProjector>();
        services.AddSingleton<IOrderEventSink, SalesOrleans.Live.OrderLivePublisher>();

        // Orders: queries, approval routes, receivables.
        services.AddSingleton<OrderQueries>();
        services.AddSingleton<IApprovalRoutes, ApprovalRoutes>();
        services.AddSingleton<ReceivablesQueries>();

        // Deals hand over to orders: the bridge wraps whatever deal event sink was registered before (the projector,
        // or a composite with the live relay), so it must be added after those.
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IDealEventSink))
            ?? throw new InvalidOperationException("Register the deal event sink (AddDeals) before AddStockAndOrders.");
        services.Remove(inner);
        services.AddSingleton<IDealEventSink>(sp => ActivatorUtilities.CreateInstance<DealOrderBridge>(sp, Resolve<IDealEventSink>(sp, inner)));
        return services;
    }

    public static IEndpointRouteBuilder MapStockAndOrders(this IEndpointRouteBuilder app)
    {
        app.MapStockEndpoints();
        app.MapOrderEndpoints();
        app.MapProposalEndpoints();
        app.MapImportEndpoints();
        app.MapReceivablesEndpoints();
        return app;
    }

    private static T Resolve<T>(IServiceProvider sp, ServiceDescriptor d) where T : class =>
        (T)(d.ImplementationInstance ?? d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
