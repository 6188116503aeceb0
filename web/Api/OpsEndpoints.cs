using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>The cluster as the membership table has it: counts by status and every silo.</summary>
public sealed record ClusterView(string ClusterId, DateTimeOffset Now, Dictionary<string, int> Counts, IReadOnlyList<SiloView> Silos);

/// <summary>One silo for operators: since when it is in its status, and how long it has been silent.</summary>
public sealed record SiloView(string Address, int Generation, string Name, string Host, string Status, DateTimeOffset StartedAt, DateTimeOffset LastAliveAt,
    DateTimeOffset Since, double SilentForSeconds, int Suspicions);

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

        ops.MapGet("/dead-letters", ListDeadLetters);
        ops.MapPost("/dead-letters/{id:long}/retry", RetryDeadLetter);
        ops.MapGet("/cluster", GetCluster);
    }

    private static async Task<Ok<IReadOnlyList<DeadLetter>>> ListDeadLetters(bool? resolved, int? limit, DeadLetterStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(resolved ?? false, limit ?? 200, ct));

    private static async Task<Results<Ok<DeadLetter>, ProblemHttpResult>> RetryDeadLetter(long id, DeadLetterStore store, CancellationToken ct)
    {
        var (outcome, letter) = await store.RetryAsync(id, ct);
        return outcome switch
        {
            DeadLetterRetryOutcome.NotFound => Problems.NotFound($"No dead letter {id}."),
            DeadLetterRetryOutcome.Resolved or DeadLetterRetryOutcome.AlreadyResolved => TypedResults.Ok(letter),
            DeadLetterRetryOutcome.FailedAgain => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Still refused",
                detail: $"The read model still refuses it: {letter!.Error}", extensions: new Dictionary<string, object?> { ["deadLetter"] = letter }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not held by this node",
                detail: $"Dead letter {id} was set aside by node {letter!.Node}, which keeps the publication to retry it (until it stops); "
                    + "the aggregate's next change projects its newest state anyway."),
        };
    }

    private static async Task<Ok<ClusterView>> GetCluster(ClusterQueries queries, IOptions<ClusterOptions> cluster, CancellationToken ct)
    {
        var silos = await queries.ListAsync(cluster.Value.ClusterId, ct);
        var now = DateTimeOffset.UtcNow;
        return TypedResults.Ok(new ClusterView(
            cluster.Value.ClusterId,
            now,
            silos.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count()),
            silos.Select(s => new SiloView(
                $"{s.Address}:{s.Port}",
                s.Generation,
                s.Name,
                s.Host,
                s.Status,
                s.StartedAt,
                s.LastAliveAt,
                // An active or joining silo is so since it started; a dead one since it was last heard of.
                s.Status is "Dead" or "Stopping" or "ShuttingDown" ? s.LastAliveAt : s.StartedAt,
                Math.Round((now - s.LastAliveAt).TotalSeconds, 1),
                s.Suspicions)).ToList()));
    }
}
