using SalesOrleans.Claims;
using SalesOrleans.Deals;
using SalesOrleans.Import;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Hosting;

public static class CustomerSetup
{
    /// <summary>
    /// Company records, claims and satisfaction calls: the claim projector, the customer queries, the new-contact form's
    /// service, and the satisfaction call after the node's deal sink (added after AddSalesPostgres, it wraps that sink).
    /// </summary>
    public static IServiceCollection AddSalesCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SatisfactionOptions>(configuration.GetSection(SatisfactionOptions.Section));
        services.AddSingleton<ClaimProjector>();
        services.AddSingleton<IClaimEventSink>(sp => sp.GetRequiredService<ClaimProjector>());
        services.AddSingleton<CustomerQueries>();
        services.AddSingleton<ContactCreation>();
        services.AddSingleton<SatisfactionCalls>();
        services.AddSingleton<IDealEventSink>(sp => new SatisfactionDealSink(
            ActivatorUtilities.CreateInstance<DealPublisher>(sp), sp.GetRequiredService<SatisfactionCalls>(),
            sp.GetRequiredService<ILogger<SatisfactionDealSink>>()));
        return services;
    }
}
