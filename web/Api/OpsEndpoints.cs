using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>
/// For operators (admins only): the cluster as Orleans' membership table has it — every silo active, joining, shutting
/// down or dead, since when, and how many nodes suspect it — so a failover shows the dead node, not just a count that drops.
/// </summary>
public static class OpsEndpoints
{
    public static void MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Operations").RequireAuthorization(WebSetup.AdminPolicy);

        ops.MapGet("/cluster", async (ClusterQueries queries, IOptions<ClusterOptions> cluster, CancellationToken ct) =>
        {
            var silos = await queries.ListAsync(cluster.Value.ClusterId, ct);
            var now = DateTimeOffset.UtcNow;
            return Results.Ok(new
            {
                clusterId = cluster.Value.ClusterId,
                now,
                counts = silos.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count()),
                silos = silos.Select(s => new
                {
                    address = $"{s.Address}:{s.Port}",
                    s.Generation,
                    s.Name,
                    s.Host,
                    s.Status,
                    s.StartedAt,
                    s.LastAliveAt,
                    // An active or joining silo is so since it started; a dead one since it was last heard of.
                    since = s.Status is "Dead" or "Stopping" or "ShuttingDown" ? s.LastAliveAt : s.StartedAt,
                    silentForSeconds = Math.Round((now - s.LastAliveAt).TotalSeconds, 1),
                    s.Suspicions,
                }),
            });
        });
    }
}
