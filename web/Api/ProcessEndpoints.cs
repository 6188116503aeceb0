using System.Security.Claims;
using System.Text.Json;
using SalesOrleans.Domain.Processes;
using SalesOrleans.Processes;
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

        processes.MapPost("/", async (HttpRequest request, ClaimsPrincipal user, IProcessCatalog catalog, AccessGuard access, CancellationToken ct) =>
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

                var published = await catalog.PublishAsync(draft, user.Name(), ct);
                return Results.Created($"/api/processes/{published.Kind}/versions/{published.Version}", JsonDocument.Parse(ProcessJson.Serialize(published)).RootElement);
            }
            catch (ProcessDefinitionException ex)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["definition"] = ex.Problems.ToArray() },
                    detail: $"The process definition has {ex.Problems.Count} problem(s).", title: "Invalid process definition");
            }
        }).Accepts<JsonElement>("application/json").Requires(Capability.ProcessPublish);
    }

    // The definition's own JSON shape (enums as strings, camelCase) is the one a supervisor edits and publishes.
    private static IResult Json(ProcessDefinition p) => Results.Text(ProcessJson.Serialize(p), "application/json");
}
