using SalesOrleans.Deals;
using SalesOrleans.Documents;
using SalesOrleans.Import;
using SalesOrleans.Orders;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Silo.Hosting;

public static class StockSetup
{
    /// <summary>
    /// Catalog, stock service, imports, the stock and order read models and their projectors (over the data source
    /// <see cref="PostgresSetup"/> registers), and the deal–order link around the deal event sink registered before.
    /// </summary>
    public static IServiceCollection AddSalesStock(this IServiceCollection services)
    {
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<StockCatalog>();
        services.AddSingleton<IStockCatalog>(sp => sp.GetRequiredService<StockCatalog>());
        services.AddSingleton<CatalogService>();
        services.AddSingleton<ICatalogService>(sp => sp.GetRequiredService<CatalogService>());
        services.AddSingleton<StockService>();
        services.AddSingleton<IStockService>(sp => sp.GetRequiredService<StockService>());
        services.AddSingleton<StockQueries>();
        services.AddSingleton<CatalogImport>();
        services.AddSingleton<ICatalogImport>(sp => sp.GetRequiredService<CatalogImport>());
        services.AddSingleton<ProposalService>();
        services.AddSingleton<IProposalService>(sp => sp.GetRequiredService<ProposalService>());
        services.AddSingleton<IOrderPapers, OrderPaperRenderer>();
        services.AddSingleton<IOrderDocuments, OrderDocuments>();
        services.AddSingleton<StockProjector>();
        // Stock items' read-model rows ride their state's commit in the group-commit storage (issue 12, fourth round).
        services.AddSingleton<SalesOrleans.Infrastructure.IStateProjection, StockRowsInCommit>();
        services.AddSingleton<IStockEventSink, SalesOrleans.Live.StockLivePublisher>();
        services.AddSingleton<OrderProjector>();
        services.AddSingleton<IOrderEventSink, SalesOrleans.Live.OrderLivePublisher>();
        services.AddSingleton<OrderQueries>();

        // Deals hand over to orders: the bridge wraps whatever deal event sink was registered before (the projector,
        // or a composite with the live relay), so it must be added after those.
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IDealEventSink))
            ?? throw new InvalidOperationException("Register the deal event sink (AddSalesPostgres) before AddSalesStock.");
        services.Remove(inner);
        services.AddSingleton<IDealEventSink>(sp => ActivatorUtilities.CreateInstance<DealOrderBridge>(sp, Resolve<IDealEventSink>(sp, inner)));
        return services;
    }

    private static T Resolve<T>(IServiceProvider sp, ServiceDescriptor d) where T : class =>
        (T)(d.ImplementationInstance ?? d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
