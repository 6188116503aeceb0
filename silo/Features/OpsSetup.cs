using Microsoft.AspNetCore.Routing;
using Orleans.Dashboard;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Hosting;
using SalesOrleans.Web.Api;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Silo.Features;

/// <summary>
/// Operations: the cluster view, the projection's dead letters (listed and retried), the Orleans dashboard and the
/// Prometheus scrape. The dashboard itself is added to the silo by <see cref="OrleansSetup"/>, the metrics by
/// <see cref="TelemetrySetup"/>; every projector writes its refusals to the dead letters.
/// </summary>
public static class OpsSetup
{
    public static IServiceCollection AddOps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ClusterQueries>();
        services.AddSingleton<DeadLetterStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapOps(this IEndpointRouteBuilder app)
    {
        app.MapOpsEndpoints();
        app.MapOrleansDashboard("/dashboard").Requires(Capability.OpsDashboard);
        app.MapSalesMetrics();
        return app;
    }
}
