using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Domain;
using SalesOrleans.Processes;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>What the editor's check answers when the definition is valid.</summary>
public sealed record ProcessValidationView(bool Valid, IReadOnlyList<string> Problems);

/// <summary>One published version of a process kind, with how many deals run it.</summary>
public sealed record ProcessVersionView(int Version, DateTimeOffset PublishedAt, string PublishedBy, int Deals, int OpenDeals);

/// <summary>The editor's side panel: every version of a kind and the department owning it.</summary>
public sealed record ProcessVersionsView(string Kind, string? Owner, IReadOnlyList<ProcessVersionView> Versions);

/// <summary>What publishing is given: the catalog, the access check and the kinds' owners.</summary>
public readonly record struct ProcessServices(IProcessCatalog Catalog, AccessGuard Access, UserAdminStore Owners, ClaimsPrincipal User, CancellationToken Ct);

/// <summary>Process definitions: read by everyone, published as new versions by supervisors without a deploy.</summary>
public static class ProcessEndpoints
{
    public static void MapProcessEndpoints(this IEndpointRouteBuilder app)
    {
        var processes = app.MapGroup("/api/processes").WithTags("Processes");

        processes.MapGet("/", ListProcesses).Requires(Capability.ProcessRead);

        processes.MapGet("/{kind}", GetLatest).Produces<ProcessDefinition>(StatusCodes.Status200OK, "application/json").Requires(Capability.ProcessRead);

        processes.MapGet("/{kind}/versions/{version:int}", GetVersion).Produces<ProcessDefinition>(StatusCodes.Status200OK, "application/json").Requires(Capability.ProcessRead);

        processes.MapPost("/", Publish).Accepts<JsonElement>("application/json").Requires(Capability.ProcessPublish);

        // The editor's check before publishing: 200 when valid, else the 400 publishing would give (every problem the parser and the validator find); nothing stored.
        processes.MapPost("/validate", Validate).Accepts<JsonElement>("application/json").Requires(Capability.ProcessRead);

        // The editor's side panel: every version, who published it, how many deals run it, and which department owns the kind.
        processes.MapGet("/{kind}/versions", ListVersions).Requires(Capability.ProcessRead);
    }

    private static async Task<Ok<IReadOnlyList<ProcessSummary>>> ListProcesses(IProcessCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.ListAsync(ct));

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetLatest(string kind, IProcessCatalog catalog, CancellationToken ct) =>
        await catalog.GetLatestAsync(kind, ct) is { } p ? Json(p) : Problems.NotFound($"Unknown process '{kind}'.");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetVersion(string kind, int version, IProcessCatalog catalog, CancellationToken ct) =>
        await catalog.GetAsync(kind, version, ct) is { } p ? Json(p) : Problems.NotFound($"Process '{kind}' has no version {version}.");

    private static async Task<Results<Created<JsonElement>, ValidationProblem, ProblemHttpResult>> Publish(HttpRequest request, [AsParameters] ProcessServices s)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(s.Ct);
        try
        {
            var draft = ProcessJson.Parse(json);
            // A new version of a kind another department runs is that department's to publish.
            if (await s.Access.DenyAsync(s.User, Capability.ProcessPublish, ResourceKind.Process, draft.Kind ?? "", s.Ct) is { } denied)
            {
                return denied;
            }

            // Only an admin or the head of the department owning the kind publishes it (a new kind becomes the head's department's).
            var owner = await s.Owners.ProcessOwnerAsync(draft.Kind ?? "", s.Ct);
            var exists = await s.Catalog.GetLatestAsync(draft.Kind ?? "", s.Ct) is not null;
            if (!ProcessPublishRule.MayPublish(s.User.IsAdmin(), s.User.IsInRole(Roles.Supervisor), s.User.DepartmentOf(), exists, owner))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: owner is null
                        ? $"Process '{draft.Kind}' belongs to no department yet: an admin publishes it or gives it to a department."
                        : $"Process '{draft.Kind}' belongs to department '{owner}': its head or an admin publishes it.");
            }

            var published = await s.Catalog.PublishAsync(draft, s.User.Name(), s.Ct);
            if (ProcessPublishRule.OwnerAfter(owner, s.User.IsAdmin(), s.User.DepartmentOf()) is { } newOwner && owner is null)
            {
                await s.Owners.ClaimProcessAsync(published.Kind, newOwner, s.Ct);
            }

            return TypedResults.Created($"/api/processes/{published.Kind}/versions/{published.Version}", JsonDocument.Parse(ProcessJson.Serialize(published)).RootElement);
        }
        catch (ProcessDefinitionException ex)
        {
            return Invalid(ex.Problems);
        }
    }

    private static async Task<Results<Ok<ProcessValidationView>, ValidationProblem>> Validate(HttpRequest request, IProcessCatalog catalog, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        try
        {
            // Sub-processes are checked against the published processes, as publishing does.
            var problems = ProcessValidator.Validate(ProcessJson.Parse(json), await catalog.LatestOfEveryKindAsync(ct));
            return problems.Count == 0 ? TypedResults.Ok(new ProcessValidationView(true, problems)) : Invalid(problems);
        }
        catch (ProcessDefinitionException ex)
        {
            return Invalid(ex.Problems);
        }
    }

    private static async Task<Results<Ok<ProcessVersionsView>, ProblemHttpResult>> ListVersions(string kind, UserAdminStore store, CancellationToken ct)
    {
        var versions = await store.ProcessVersionsAsync(kind, ct);
        if (versions.Count == 0)
        {
            return Problems.NotFound($"Unknown process '{kind}'.");
        }

        var deals = (await store.DealsPerVersionAsync(kind, ct)).ToDictionary(d => d.Version);
        return TypedResults.Ok(new ProcessVersionsView(kind, await store.ProcessOwnerAsync(kind, ct), versions.Select(v => new ProcessVersionView(
            v.Version, v.PublishedAt, v.PublishedBy,
            deals.TryGetValue(v.Version, out var d) ? d.Deals : 0,
            deals.TryGetValue(v.Version, out var o) ? o.Open : 0)).ToList()));
    }

    // The same 400 as a refused publication: every problem under "definition".
    private static ValidationProblem Invalid(IReadOnlyList<string> problems) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["definition"] = problems.ToArray() },
            detail: $"The process definition has {problems.Count} problem(s).", title: "Invalid process definition");

    // The definition's own JSON shape (enums as strings, camelCase) is the one a supervisor edits and publishes (text, so the route declares its type).
    private static ContentHttpResult Json(ProcessDefinition p) => TypedResults.Text(ProcessJson.Serialize(p), "application/json");
}
