using SalesOrleans.Claims;
using SalesOrleans.Deals;
using SalesOrleans.Import;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Hosting;

public static class CustomerSetup
{
    /// <summary>
    /// Company records, claims and satisfaction calls: the claim projector, the customer queries, the new-contact form's
    /// service, and the satisfaction call after the node's deal sink (added after AddSalesPostgres and AddSalesStock, it wraps
    /// their sink).
    /// </summary>
    public static IServiceCollection AddSalesCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SatisfactionOptions>(configuration.GetSection(SatisfactionOptions.Section));
        services.AddSingleton<ClaimProjector>();
        services.AddSingleton<IClaimEventSink>(sp => sp.GetRequiredService<ClaimProjector>());
        services.AddSingleton<CustomerQueries>();
        services.AddSingleton<ContactCreation>();
        services.AddSingleton<IContactCreation>(sp => sp.GetRequiredService<ContactCreation>());
        services.AddSingleton<SatisfactionCalls>();
        services.AddSingleton<ISatisfactionCalls>(sp => sp.GetRequiredService<SatisfactionCalls>());
        // Wraps whatever deal event sink was registered before (the publisher, the order bridge), as the bridge does.
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IDealEventSink))
            ?? throw new InvalidOperationException("Register the deal event sink (AddSalesPostgres, AddSalesStock) before AddSalesCustomers.");
        services.Remove(inner);
        services.AddSingleton<IDealEventSink>(sp => new SubProcessBridge(
            new SatisfactionDealSink(Resolve(sp, inner), sp.GetRequiredService<SatisfactionCalls>(), sp.GetRequiredService<ILogger<SatisfactionDealSink>>()),
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ILogger<SubProcessBridge>>()));
        return services;
    }

    private static IDealEventSink Resolve(IServiceProvider sp, ServiceDescriptor d) =>
        (IDealEventSink)(d.ImplementationInstance ?? d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
