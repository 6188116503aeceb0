using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record BoardFilterRequest(string? Name, string? Process, string? Owner, string? Department);

/// <summary>Each person's saved board filters, kept on the server (board_filter): list, save under a name, delete.</summary>
public static class BoardFilterEndpoints
{
    private const int MaxNameLength = 60;
    private const int MaxValueLength = 100;

    public static IServiceCollection AddBoardFilters(this IServiceCollection services) => services.AddSingleton<BoardFilterStore>();

    public static void MapBoardFilterEndpoints(this IEndpointRouteBuilder app)
    {
        var filters = app.MapGroup("/api/board/filters").WithTags("Board");

        filters.MapGet("/", ListFilters).SignedIn("lists the caller's own saved board filters");
        filters.MapPut("/", SaveFilter).SignedIn("saves one of the caller's own board filters");
        filters.MapDelete("/{name}", DeleteFilter).SignedIn("deletes one of the caller's own board filters");
    }

    private static async Task<Ok<IReadOnlyList<BoardFilter>>> ListFilters(ClaimsPrincipal user, BoardFilterStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(user.Name(), ct));

    private static async Task<Results<Ok<BoardFilter>, ProblemHttpResult>> SaveFilter(BoardFilterRequest body, ClaimsPrincipal user, BoardFilterStore store,
        CancellationToken ct)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return Problems.Invalid("name", "'name' is required.");
        }

        if (name.Length > MaxNameLength)
        {
            return Problems.Invalid("name", $"'name' is longer than {MaxNameLength} characters.");
        }

        foreach (var (field, value) in new[] { ("process", body.Process), ("owner", body.Owner), ("department", body.Department) })
        {
            if (value is { Length: > MaxValueLength })
            {
                return Problems.Invalid(field, $"'{field}' is longer than {MaxValueLength} characters.");
            }
        }

        var filter = new BoardFilter(name, Blank(body.Process), Blank(body.Owner), Blank(body.Department));
        return await store.SaveAsync(user.Name(), filter, ct)
            ? TypedResults.Ok(filter)
            : Problems.Invalid("name", $"At most {BoardFilterStore.MaxPerUser} filters are kept: delete one first.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteFilter(string name, ClaimsPrincipal user, BoardFilterStore store, CancellationToken ct) =>
        await store.DeleteAsync(user.Name(), name, ct) ? TypedResults.NoContent() : Problems.NotFound($"No saved filter '{name}'.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
