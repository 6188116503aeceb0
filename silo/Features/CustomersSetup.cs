using Microsoft.AspNetCore.Routing;
using SalesOrleans.Claims;
using SalesOrleans.Deals;
using SalesOrleans.Import;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Silo.Features;

/// <summary>
/// Customers: company records and dossiers, contacts made by hand and imported (companies, contacts), claims,
/// satisfaction calls, loyalty segments, and the search across them. The satisfaction call and sub-processes hang off
/// the deal event sink: registered after <see cref="DealsSetup"/> and <see cref="StockAndOrdersSetup"/>, this wraps
/// their sink.
/// </summary>
public static class CustomersSetup
{
    public static IServiceCollection AddCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SatisfactionOptions>(configuration.GetSection(SatisfactionOptions.Section));
        services.AddSingleton<ClaimProjector>();
        services.AddSingleton<IClaimEventSink>(sp => sp.GetRequiredService<ClaimProjector>());
        services.AddSingleton<CustomerQueries>();
        services.AddSingleton<ContactCreation>();
        services.AddSingleton<SalesOrleans.Import.IContactCreation>(sp => sp.GetRequiredService<ContactCreation>());
        services.AddSingleton<CustomerImport>();
        services.AddSingleton<SalesOrleans.Import.ICustomerImport>(sp => sp.GetRequiredService<CustomerImport>());
        services.AddSingleton<SatisfactionCalls>();
        services.AddSingleton<SalesOrleans.Claims.ISatisfactionCalls>(sp => sp.GetRequiredService<SatisfactionCalls>());

        // Web: the search box.
        services.AddSingleton<SearchQueries>();

        // Wraps whatever deal event sink was registered before (the publisher, the order bridge), as the bridge does.
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IDealEventSink))
            ?? throw new InvalidOperationException("Register the deal event sink (AddDeals, AddStockAndOrders) before AddCustomers.");
        services.Remove(inner);
        services.AddSingleton<IDealEventSink>(sp => new SubProcessBridge(
            new SatisfactionDealSink(Resolve(sp, inner), sp.GetRequiredService<SatisfactionCalls>(), sp.GetRequiredService<ILogger<SatisfactionDealSink>>()),
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ILogger<SubProcessBridge>>()));
        return services;
    }

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder app)
    {
        app.MapCustomerEndpoints();
        app.MapSearchEndpoints();
        return app;
    }

    private static IDealEventSink Resolve(IServiceProvider sp, ServiceDescriptor d) =>
        (IDealEventSink)(d.ImplementationInstance ?? d.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
