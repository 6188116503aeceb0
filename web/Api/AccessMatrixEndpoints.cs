using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>One cell to change: <c>{"role":"manager","capability":"deal.move","scope":"own"}</c>.</summary>
public sealed record AccessCellRequest(string? Role, string? Capability, string? Scope);

/// <summary>The matrix itself, for its admin page: roles, capabilities (with what they allow) and every cell.</summary>
public sealed record AccessMatrixResponse(IReadOnlyList<string> Roles, IReadOnlyList<CapabilityInfo> Capabilities, IReadOnlyList<AccessCellInfo> Cells);

public sealed record CapabilityInfo(string Name, string Description);

public sealed record AccessCellInfo(string Role, string Capability, string Scope, string DefaultScope);

/// <summary>GET/PUT /api/access/matrix: who may do what, viewed and changed by an admin; every node applies a change within seconds.</summary>
public static class AccessMatrixEndpoints
{
    public static void MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        var access = app.MapGroup("/api/access").WithTags("Access");
        access.MapGet("/matrix", GetMatrix).Requires(Capability.AccessAdmin);
        access.MapPut("/matrix", PutMatrix).Requires(Capability.AccessAdmin);
    }

    private static async Task<Ok<AccessMatrixResponse>> GetMatrix(AccessPolicy policy, CancellationToken ct) =>
        TypedResults.Ok(Describe(await policy.MatrixAsync(ct)));

    private static async Task<Results<Ok<AccessMatrixResponse>, ProblemHttpResult>> PutMatrix(List<AccessCellRequest>? body, ClaimsPrincipal user, AccessPolicy policy, CancellationToken ct)
    {
        if (body is null || body.Count is 0 or > 2000)
        {
            return Problems.Invalid("body", "Send a list of 1 to 2000 cells: {\"role\", \"capability\", \"scope\": none|own|department|all}.");
        }

        var cells = new List<AccessCell>();
        for (var i = 0; i < body.Count; i++)
        {
            var cell = body[i];
            if (cell is null || cell.Role is null || !AccessMatrix.Roles.Contains(cell.Role))
            {
                return Problems.Invalid($"[{i}].role", $"Use one of {string.Join(", ", AccessMatrix.Roles)}.");
            }

            if (cell.Capability is null || Capability.Find(cell.Capability) is null)
            {
                return Problems.Invalid($"[{i}].capability", "Unknown capability; GET /api/access/matrix lists them.");
            }

            if (!Enum.TryParse<AccessScope>(cell.Scope, ignoreCase: true, out var scope) || !Enum.IsDefined(scope) || int.TryParse(cell.Scope, out _))
            {
                return Problems.Invalid($"[{i}].scope", "Use none, own, department or all.");
            }

            // The admin keeps the right to change the matrix: a typo here must not lock everyone out of this page.
            if (cell.Role == Domain.Roles.Admin && cell.Capability == Capability.AccessAdmin.Name && scope != AccessScope.All)
            {
                return Problems.Invalid($"[{i}].scope", "Admins keep access.admin.");
            }

            cells.Add(new AccessCell(cell.Role, cell.Capability, scope));
        }

        return TypedResults.Ok(Describe(await policy.ChangeAsync(cells, user.Name(), ct)));
    }

    private static AccessMatrixResponse Describe(AccessMatrix matrix) => new(
        AccessMatrix.Roles,
        Capability.All.Select(c => new CapabilityInfo(c.Name, c.Description)).ToList(),
        matrix.Cells.Select(c => new AccessCellInfo(c.Role, c.Capability, Lower(c.Scope),
            Lower(AccessMatrix.Defaults.ScopeOf(c.Role, Capability.Find(c.Capability)!)))).ToList());

    private static string Lower(AccessScope scope) => scope.ToString().ToLowerInvariant();
}
