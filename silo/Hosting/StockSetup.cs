using SalesOrleans.Deals;
using SalesOrleans.Import;
using SalesOrleans.Orders;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Silo.Hosting;

public static class StockSetup
{
    /// <summary>
    /// Catalogue, stock service, the stock and order read models and their projectors (over the data source
    /// <see cref="PostgresSetup"/> registers).
    /// </summary>
    public static IServiceCollection AddSalesStock(this IServiceCollection services)
    {
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<StockCatalog>();
        services.AddSingleton<IStockCatalog>(sp => sp.GetRequiredService<StockCatalog>());
        services.AddSingleton<CatalogService>();
        services.AddSingleton<StockService>();
        services.AddSingleton<StockQueries>();
        services.AddSingleton<CatalogImport>();
        services.AddSingleton<StockProjector>();
        services.AddSingleton<IStockEventSink>(sp => sp.GetRequiredService<StockProjector>());
        services.AddSingleton<OrderProjector>();
        services.AddSingleton<IOrderEventSink>(sp => sp.GetRequiredService<OrderProjector>());
        services.AddSingleton<OrderQueries>();

        // Deals hand over to orders: the bridge wraps the deal projector (registered after it, so it wins).
        services.AddOptions<DealOrderLinkOptions>().BindConfiguration("Orders");
        services.AddSingleton<DealOrderBridge>();
        services.AddSingleton<IDealEventSink>(sp => sp.GetRequiredService<DealOrderBridge>());
        return services;
    }
}
