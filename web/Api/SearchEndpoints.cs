using System.Security.Claims;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>The board's search: deals, leads, contacts and companies, each kind only as far as the caller may read it.</summary>
public static class SearchEndpoints
{
    private const int MinLength = 2;
    private const int MaxLength = 100;

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", async (string? q, ClaimsPrincipal user, SearchQueries queries, AccessPolicy access, CancellationToken ct) =>
        {
            var text = q?.Trim() ?? "";
            if (text.Length is < MinLength or > MaxLength)
            {
                return Problems.Invalid("q", $"'q' is the text to look for ({MinLength} to {MaxLength} characters).");
            }

            var department = user.DepartmentOf();
            var me = user.Name();
            // The same reach as each kind's own list: all; the caller's department; or what is the caller's own.
            async Task<SearchReach> Reach(Capability capability) => await access.ScopeAsync(user, capability, ct) switch
            {
                AccessScope.All => SearchReach.Everything,
                AccessScope.Department when department is not null => new SearchReach(true, Department: department),
                AccessScope.Department or AccessScope.Own => new SearchReach(true, Person: me),
                _ => SearchReach.None,
            };

            return Results.Ok(await queries.SearchAsync(text, await Reach(Capability.DealRead), await Reach(Capability.LeadRead),
                await Reach(Capability.ContactRead), await Reach(Capability.CompanyRead), ct));
        }).Requires(Capability.DealRead).WithTags("Search");
    }
}
