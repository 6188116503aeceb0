using System.Security.Claims;
using SalesOrleans.Domain;

namespace SalesOrleans.Web.Auth;

public static class CurrentUser
{
    public static string Name(this ClaimsPrincipal user) => user.Identity?.Name ?? throw new InvalidOperationException("Not signed in.");

    public static ActorInfo Actor(this ClaimsPrincipal user) =>
        new(user.Name(), user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList());

    public static bool IsSupervisorOrAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin);
}
