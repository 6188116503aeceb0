using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record DealLinesRequest(IReadOnlyList<DealLineRequest?>? Lines);

public sealed record DealLineRequest(string? Sku, string? Name, decimal? Quantity, decimal? Price, decimal? Discount);

public sealed record ProductionProgressRequest(int? Percent, DateOnly? ExpectedOn);

/// <summary>What editing a deal's lines is given: the deal grain, whether its order exists, the catalog.</summary>
public readonly record struct DealChainServices(IGrainFactory Grains, WorkflowQueries Queries, IStockCatalog Catalog, ClaimsPrincipal User, CancellationToken Ct);

/// <summary>
/// The lead → deal → order chain without retyping: a deal's lines are edited until its order exists (the amount
/// follows them), and production reports how far a production order is (the deal shows it).
/// </summary>
public static class DealChainEndpoints
{
    public static void MapDealChainEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/deals/{id:guid}/lines", SetLines).Requires(Capability.DealChange, Resource.Deal()).WithTags("Deals");
        app.MapPost("/api/orders/{id:guid}/replenishments/{replenishmentId}/progress", ReportProgress)
            .Requires(Capability.OrderFulfil, Resource.Order()).WithTags("Orders");
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> ReportProgress(Guid id, string replenishmentId, ProductionProgressRequest body,
        ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body.Percent is not { } percent)
        {
            return Problems.Invalid("percent", "'percent' (0 to 99) is required.");
        }

        return await OrderEndpoints.Run(id, grains,
            order => order.ReportProduction(new ReportProductionCommand(replenishmentId, percent, body.ExpectedOn), user.Actor()));
    }

    /// <summary>
    /// Replaces the lines; each SKU must be in the catalog (its name and price fill in what the line leaves out),
    /// so the order made from them later cannot fail on an unknown SKU. 409 once the deal has an order.
    /// </summary>
    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> SetLines(Guid id, DealLinesRequest body, [AsParameters] DealChainServices s)
    {
        if (body.Lines is null)
        {
            return Problems.Invalid("lines", "'lines' (a list, may be empty) is required.");
        }

        var (lines, problem) = await ResolveAsync(body.Lines, s.Catalog);
        if (problem is not null)
        {
            return problem;
        }

        var result = await s.Grains.GetGrain<IDealGrain>(id).SetLines(new SetDealLinesCommand(lines), await s.Queries.DealHasOrderAsync(id, s.Ct), s.User.Actor());
        return result.Ok ? TypedResults.Ok(result.Deal) : Problems.From(result.Error!);
    }

    /// <summary>Checks the lines against the catalog; the lead conversion uses it too.</summary>
    public static async Task<(IReadOnlyList<DealLineView> Lines, ProblemHttpResult? Problem)> ResolveAsync(IReadOnlyList<DealLineRequest?> input, IStockCatalog catalog)
    {
        var lines = new List<DealLineView>();
        for (var i = 0; i < input.Count; i++)
        {
            var path = $"lines[{i}]";
            if (input[i] is not { } line)
            {
                return ([], Problems.Invalid(path, "A line must not be empty."));
            }

            var code = Catalog.NormalizeSkuCode(line.Sku);
            if (code.Length == 0)
            {
                return ([], Problems.Invalid($"{path}.sku", "'sku' is required."));
            }

            if (!Catalog.IsValidSkuCode(code) || await catalog.FindSkuAsync(code) is not { } sku)
            {
                return ([], Problems.Invalid($"{path}.sku", $"Unknown SKU '{line.Sku}': pick one from the catalog."));
            }

            if (line.Quantity is not { } quantity)
            {
                return ([], Problems.Invalid($"{path}.quantity", "'quantity' is required."));
            }

            lines.Add(new DealLineView(sku.Code, string.IsNullOrWhiteSpace(line.Name) ? sku.Name : line.Name.Trim(), quantity, line.Price ?? sku.Price, line.Discount ?? 0));
        }

        return (lines, null);
    }
}
