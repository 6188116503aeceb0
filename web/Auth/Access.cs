using System.Security.Claims;
using SalesOrleans.Domain;

namespace SalesOrleans.Web.Auth;

/// <summary>
/// Claims helpers. Who may do what is not decided here: see <see cref="AccessMatrix"/> (the rules),
/// <see cref="AccessEndpoints"/> (how an endpoint declares them) and <see cref="ResourceResolvers"/> (what scopes a resource).
/// </summary>
public static class Access
{
    public static string? DepartmentOf(this ClaimsPrincipal user) => user.FindFirstValue(AuthSchemes.DepartmentClaim);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);
}
