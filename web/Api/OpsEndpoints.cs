using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>
/// For operators (ops.dashboard, admins by default): the cluster as Orleans' membership table has it — every silo active,
/// joining, shutting down or dead, since when, how many nodes suspect it — so a failover shows the dead node, not just a
/// count that drops; and the publications the read model refused for good (dead letters), to see and retry.
/// </summary>
public static class OpsEndpoints
{
    public static void MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Operations").Requires(Capability.OpsDashboard);

        ops.MapGet("/dead-letters", (bool? resolved, int? limit, DeadLetterStore store, CancellationToken ct) =>
            store.ListAsync(resolved ?? false, limit ?? 200, ct));

        ops.MapPost("/dead-letters/{id:long}/retry", async (long id, DeadLetterStore store, CancellationToken ct) =>
        {
            var (outcome, letter) = await store.RetryAsync(id, ct);
            return outcome switch
            {
                DeadLetterRetryOutcome.NotFound => Problems.NotFound($"No dead letter {id}."),
                DeadLetterRetryOutcome.Resolved or DeadLetterRetryOutcome.AlreadyResolved => Results.Ok(letter),
                DeadLetterRetryOutcome.FailedAgain => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Still refused",
                    detail: $"The read model still refuses it: {letter!.Error}", extensions: new Dictionary<string, object?> { ["deadLetter"] = letter }),
                _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not held by this node",
                    detail: $"Dead letter {id} was set aside by node {letter!.Node}, which keeps the publication to retry it (until it stops); "
                        + "the aggregate's next change projects its newest state anyway."),
            };
        });

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
