using Npgsql;

namespace SalesOrleans.Silo.Hosting;

/// <summary>
/// What every feature stands on, registered by <see cref="NodeHost"/> before the features: the one data source, the
/// clock, the live fan-out every feature's publisher pushes through, and the grain sweepers. The silo itself is
/// <see cref="OrleansSetup"/>, metrics <see cref="TelemetrySetup"/>, the web front's cross-cutting parts
/// <c>SalesOrleans.Web.WebSetup</c>; each feature's own registrations and endpoints are in <c>silo/Features</c>.
/// </summary>
public static class InfrastructureSetup
{
    public static IServiceCollection AddSalesInfrastructure(this IServiceCollection services, NpgsqlDataSource dataSource)
    {
        // A factory registration, so the container disposes the data source with the node.
        services.AddSingleton(_ => dataSource);
        services.AddSingleton(TimeProvider.System);
        // The node's half of the live relay: deal, lead, stock and order publishers push through it to every node's hub.
        services.AddSingleton<SalesOrleans.Live.LiveFanOut>();
        return services;
    }

    /// <summary>
    /// The two claims of the one sweep loop: <c>FollowUpSweeper</c> wakes grains a dead node left owing work (calls,
    /// stock items, orders, deals, contacts, leads), <c>DueWakeSweeper</c> sleeping grains whose deadline came.
    /// </summary>
    public static IServiceCollection AddGrainSweepers(this IServiceCollection services)
    {
        services.AddHostedService<SalesOrleans.Infrastructure.FollowUpSweeper>();
        services.AddHostedService<SalesOrleans.Infrastructure.DueWakeSweeper>();
        return services;
    }
}
