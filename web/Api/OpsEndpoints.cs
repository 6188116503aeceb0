using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Api;

/// <summary>Operations: publications the read model refused for good (dead letters), for admins to see and retry.</summary>
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
    }
}
