using System.Security.Claims;
using System.Text.Json;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Domain;
using SalesOrleans.Processes;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>Process definitions: read by everyone, published as new versions by supervisors without a deploy.</summary>
public static class ProcessEndpoints
{
    public static void MapProcessEndpoints(this IEndpointRouteBuilder app)
    {
        var processes = app.MapGroup("/api/processes").WithTags("Processes");

        processes.MapGet("/", (IProcessCatalog catalog, CancellationToken ct) => catalog.ListAsync(ct)).Requires(Capability.ProcessRead);

        processes.MapGet("/{kind}", async (string kind, IProcessCatalog catalog, CancellationToken ct) =>
            await catalog.GetLatestAsync(kind, ct) is { } p ? Json(p) : Problems.NotFound($"Unknown process '{kind}'.")).Requires(Capability.ProcessRead);

        processes.MapGet("/{kind}/versions/{version:int}", async (string kind, int version, IProcessCatalog catalog, CancellationToken ct) =>
            await catalog.GetAsync(kind, version, ct) is { } p ? Json(p) : Problems.NotFound($"Process '{kind}' has no version {version}.")).Requires(Capability.ProcessRead);

        processes.MapPost("/", async (HttpRequest request, ClaimsPrincipal user, IProcessCatalog catalog, AccessGuard access, UserAdminStore owners, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(ct);
            try
            {
                var draft = ProcessJson.Parse(json);
                // A new version of a kind another department runs is that department's to publish.
                if (await access.DenyAsync(user, Capability.ProcessPublish, ResourceKind.Process, draft.Kind ?? "", ct) is { } denied)
                {
                    return denied;
                }

                // Only an admin or the head of the department owning the kind publishes it (a new kind becomes the head's department's).
                var owner = await owners.ProcessOwnerAsync(draft.Kind ?? "", ct);
                var exists = await catalog.GetLatestAsync(draft.Kind ?? "", ct) is not null;
                if (!ProcessPublishRule.MayPublish(user.IsAdmin(), user.IsInRole(Roles.Supervisor), user.DepartmentOf(), exists, owner))
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                        detail: owner is null
                            ? $"Process '{draft.Kind}' belongs to no department yet: an admin publishes it or gives it to a department."
                            : $"Process '{draft.Kind}' belongs to department '{owner}': its head or an admin publishes it.");
                }

                var published = await catalog.PublishAsync(draft, user.Name(), ct);
                if (ProcessPublishRule.OwnerAfter(owner, user.IsAdmin(), user.DepartmentOf()) is { } newOwner && owner is null)
                {
                    await owners.ClaimProcessAsync(published.Kind, newOwner, ct);
                }

                return Results.Created($"/api/processes/{published.Kind}/versions/{published.Version}", JsonDocument.Parse(ProcessJson.Serialize(published)).RootElement);
            }
            catch (ProcessDefinitionException ex)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["definition"] = ex.Problems.ToArray() },
                    detail: $"The process definition has {ex.Problems.Count} problem(s).", title: "Invalid process definition");
            }
        }).Accepts<JsonElement>("application/json").Requires(Capability.ProcessPublish);

        // The editor's check before publishing: 200 when valid, else the 400 publishing would give (every problem the parser and the validator find); nothing stored.
        processes.MapPost("/validate", async (HttpRequest request, IProcessCatalog catalog, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(ct);
            try
            {
                // Sub-processes are checked against the published processes, as publishing does.
                var problems = ProcessValidator.Validate(ProcessJson.Parse(json), await catalog.LatestOfEveryKindAsync(ct));
                return problems.Count == 0 ? Results.Ok(new { valid = true, problems }) : Invalid(problems);
            }
            catch (ProcessDefinitionException ex)
            {
                return Invalid(ex.Problems);
            }
        }).Accepts<JsonElement>("application/json").Requires(Capability.ProcessRead);

        // The editor's side panel: every version, who published it, how many deals run it, and which department owns the kind.
        processes.MapGet("/{kind}/versions", async (string kind, UserAdminStore store, CancellationToken ct) =>
        {
            var versions = await store.ProcessVersionsAsync(kind, ct);
            if (versions.Count == 0)
            {
                return Problems.NotFound($"Unknown process '{kind}'.");
            }

            var deals = (await store.DealsPerVersionAsync(kind, ct)).ToDictionary(d => d.Version);
            return Results.Ok(new
            {
                kind,
                owner = await store.ProcessOwnerAsync(kind, ct),
                versions = versions.Select(v => new
                {
                    v.Version, v.PublishedAt, v.PublishedBy,
                    deals = deals.TryGetValue(v.Version, out var d) ? d.Deals : 0,
                    openDeals = deals.TryGetValue(v.Version, out var o) ? o.Open : 0,
                }),
            });
        }).Requires(Capability.ProcessRead);
    }

    // The same 400 as a refused publication: every problem under "definition".
    private static IResult Invalid(IReadOnlyList<string> problems) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["definition"] = problems.ToArray() },
            detail: $"The process definition has {problems.Count} problem(s).", title: "Invalid process definition");

    // The definition's own JSON shape (enums as strings, camelCase) is the one a supervisor edits and publishes.
    private static IResult Json(ProcessDefinition p) => Results.Text(ProcessJson.Serialize(p), "application/json");
}
