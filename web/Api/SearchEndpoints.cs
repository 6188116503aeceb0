using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>What the search is given: the read model and the caller's reach per kind.</summary>
public readonly record struct SearchServices(SearchQueries Queries, AccessPolicy Access, ClaimsPrincipal User, CancellationToken Ct);

/// <summary>The board's search: deals, leads, contacts and companies, each kind only as far as the caller may read it.</summary>
public static class SearchEndpoints
{
    private const int MinLength = 2;
    private const int MaxLength = 100;

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Search).Requires(Capability.DealRead).WithTags("Search");
    }

    private static async Task<Results<Ok<IReadOnlyList<SearchHit>>, ProblemHttpResult>> Search(string? q, [AsParameters] SearchServices s)
    {
        var text = q?.Trim() ?? "";
        if (text.Length is < MinLength or > MaxLength)
        {
            return Problems.Invalid("q", $"'q' is the text to look for ({MinLength} to {MaxLength} characters).");
        }

        var department = s.User.DepartmentOf();
        var me = s.User.Name();
        // The same reach as each kind's own list: all; the caller's department; or what is the caller's own.
        async Task<SearchReach> Reach(Capability capability) => await s.Access.ScopeAsync(s.User, capability, s.Ct) switch
        {
            AccessScope.All => SearchReach.Everything,
            AccessScope.Department when department is not null => new SearchReach(true, Department: department),
            AccessScope.Department or AccessScope.Own => new SearchReach(true, Person: me),
            _ => SearchReach.None,
        };

        return TypedResults.Ok(await s.Queries.SearchAsync(text, await Reach(Capability.DealRead), await Reach(Capability.LeadRead),
            await Reach(Capability.ContactRead), await Reach(Capability.CompanyRead), s.Ct));
    }
}
