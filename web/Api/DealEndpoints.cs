using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Analytics;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record CreateDealRequest(
    Guid? Id,
    string? ProcessKind,
    string? Title,
    string? Company,
    string? Contact,
    string? Owner,
    string? Department,
    decimal? Amount,
    string? Currency,
    IReadOnlyList<DealLineView>? Lines,
    IReadOnlyDictionary<string, string>? Parameters);

public sealed record MoveDealRequest(string? ToStage, string? LostReason, string? Comment);

public sealed record CompleteTaskRequest(string? Result);

public sealed record ReassignTaskRequest(string? Executor, string? Reason);

public sealed record NoteRequest(string? Text);

/// <summary>Deal commands go to the deal grain; lists and journals come from the read model.</summary>
public static class DealEndpoints
{
    public static void MapDealEndpoints(this IEndpointRouteBuilder app)
    {
        var deals = app.MapGroup("/api/deals").WithTags("Deals");

        deals.MapPost("/", async (CreateDealRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (!user.IsInRole(Roles.Manager) && !user.IsSupervisorOrAdmin())
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only managers and supervisors create deals.");
            }

            // A client may choose the id, which makes a retried create idempotent.
            var id = body.Id ?? Guid.NewGuid();
            if (id == Guid.Empty)
            {
                return Problems.Invalid("id", "The deal id must not be empty.");
            }

            var department = body.Department ?? user.DepartmentOf() ?? "";
            if (!user.IsAdmin() && department != user.DepartmentOf())
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"You cannot create deals for department '{department}'.");
            }

            var command = new CreateDealCommand(body.ProcessKind ?? "", body.Title ?? "", body.Company ?? "", body.Contact,
                body.Owner ?? user.Name(), department, body.Amount, body.Currency, body.Lines, body.Parameters);
            var result = await grains.GetGrain<IDealGrain>(id).Create(command, user.Actor());
            return result.Ok ? Results.Created($"/api/deals/{id}", result.Deal) : Problems.From(result.Error!);
        });

        deals.MapGet("/", async ([AsParameters] DealListQuery q, ClaimsPrincipal user, DealQueries queries, CancellationToken ct) =>
        {
            var filter = new DealFilter(q.Department, q.Owner, q.Process, q.Stage,
                string.Equals(q.Status, "all", StringComparison.OrdinalIgnoreCase) ? null : q.Status ?? "Open",
                q.Overdue, q.StuckOn, q.Search, q.Limit ?? 100, q.Offset ?? 0);
            if (!user.IsAdmin())
            {
                // Outside admin, a list is always of the user's own department (or, without one, of their own deals).
                if (q.Department is not null && q.Department != user.DepartmentOf())
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"You cannot list department '{q.Department}'.");
                }

                filter = user.DepartmentOf() is { } department ? filter with { Department = department } : filter with { StuckOn = user.Name() };
            }

            return Results.Ok(await queries.ListDealsAsync(filter, ct));
        });

        // The grain's view plus the win probability from the read model (the model's score is not the grain's).
        deals.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, IGrainFactory grains, DealQueries queries, CancellationToken ct) =>
            Visible(id, user, grains, async deal => Results.Ok(deal with
            {
                Win = await queries.WinEstimateAsync(id, ct)
                    ?? WinEstimates.For(deal.Status, deal.Probability, deal.StageEnteredAt, null, null, null, null),
            })));

        deals.MapGet("/{id:guid}/journal", (Guid id, long? afterSeq, int? limit, ClaimsPrincipal user, IGrainFactory grains, DealQueries queries, CancellationToken ct) =>
            Visible(id, user, grains, async _ => Results.Ok(await queries.GetJournalAsync(id, afterSeq ?? 0, limit ?? 1000, ct))));

        deals.MapPost("/{id:guid}/moves", (Guid id, MoveDealRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.Move(new MoveDealCommand(body.ToStage ?? "", body.LostReason, body.Comment), user.Actor())));

        deals.MapPost("/{id:guid}/tasks/{taskId}/complete", (Guid id, string taskId, CompleteTaskRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.CompleteTask(new CompleteTaskCommand(taskId, body?.Result), user.Actor())));

        deals.MapPost("/{id:guid}/tasks/{taskId}/reassign", (Guid id, string taskId, ReassignTaskRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.ReassignTask(new ReassignTaskCommand(taskId, body.Executor ?? "", body.Reason), user.Actor())));

        deals.MapPost("/{id:guid}/parameters", (Guid id, Dictionary<string, string?> body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.SetParameters(new SetParametersCommand(body), user.Actor())));

        deals.MapPost("/{id:guid}/notes", (Guid id, NoteRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.AddNote(new AddNoteCommand(body.Text ?? ""), user.Actor())));

        deals.MapPost("/{id:guid}/environment", (Guid id, EnvironmentPartyView body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.SetParty(body with { Id = null }, user.Actor())));

        deals.MapPut("/{id:guid}/environment/{partyId}", (Guid id, string partyId, EnvironmentPartyView body, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.SetParty(body with { Id = partyId }, user.Actor())));

        deals.MapDelete("/{id:guid}/environment/{partyId}", (Guid id, string partyId, ClaimsPrincipal user, IGrainFactory grains) =>
            Command(id, user, grains, g => g.RemoveParty(partyId, user.Actor())));

        // The document's own limit (DocumentOptions) plus room for the multipart envelope.
        var documentBytes = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DocumentOptions>>().Value.MaxBytes;
        deals.MapPost("/{id:guid}/documents", AttachDocument).WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(documentBytes + 64 * 1024));

        deals.MapGet("/{id:guid}/documents/{documentId:guid}", (Guid id, Guid documentId, ClaimsPrincipal user, IGrainFactory grains, DocumentStore documents, CancellationToken ct) =>
            Visible(id, user, grains, async _ => await documents.GetAsync(id, documentId, ct) is { } d
                ? Downloads.File(d.Content, d.ContentType, d.FileName)
                : Problems.NotFound($"Deal {id} has no document {documentId}.")));

        app.MapGet("/api/tasks", (string? executor, string? status, bool? overdue, Guid? dealId, int? limit, ClaimsPrincipal user, DealQueries queries, CancellationToken ct) =>
        {
            // Supervisors and admins look at anyone's tasks (in their department); everyone else at their own.
            var department = user.IsAdmin() ? null : user.DepartmentOf();
            var who = user.IsSupervisorOrAdmin() ? executor : user.Name();
            return queries.ListTasksAsync(who, string.Equals(status, "all", StringComparison.OrdinalIgnoreCase) ? null : status ?? "Open",
                overdue, dealId, user.IsSupervisorOrAdmin() ? department : null, limit ?? 200, ct);
        }).WithTags("Tasks");

        app.MapGet("/api/managers/{user}/workload", (string user, IGrainFactory grains) => grains.GetGrain<IManagerGrain>(user).GetWorkload())
            .WithTags("Managers");

        app.MapGet("/api/managers", async (UserDirectory directory, IGrainFactory grains) =>
            await Task.WhenAll(directory.Users.Where(u => u.Active && (u.Roles.Contains(Roles.Manager) || u.Roles.Contains(Roles.Supervisor)))
                .Select(u => grains.GetGrain<IManagerGrain>(u.UserName).GetWorkload())))
            .WithTags("Managers");
    }

    /// <summary>Stores the upload as pending, lets the grain accept it, then keeps or drops it.</summary>
    private static async Task<IResult> AttachDocument(Guid id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains,
        SalesOrleans.Deals.DealDocuments documents, Microsoft.Extensions.Options.IOptions<DocumentOptions> options, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.Invalid("file", "Send the document as multipart/form-data with fields 'kind' and 'file'.");
        }

        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        var kind = form["kind"].ToString();
        if (file is null || file.Length == 0)
        {
            return Problems.Invalid("file", "A non-empty 'file' is required.");
        }

        if (file.Length > options.Value.MaxBytes)
        {
            return Problems.Invalid("file", $"The document is larger than {options.Value.MaxBytes} bytes.");
        }

        if (string.IsNullOrWhiteSpace(kind))
        {
            return Problems.Invalid("kind", "'kind' is required (e.g. proposal, contract, invoice).");
        }

        if (await grains.GetGrain<IDealGrain>(id).Get() is not { } deal)
        {
            return Problems.NotFound($"Deal {id} does not exist.");
        }

        if (!user.CanSee(deal))
        {
            return Access.Hidden(id);
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var document = new StoredDocument(Guid.NewGuid(), id, kind.Trim().ToLowerInvariant(), Path.GetFileName(file.FileName),
            string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, file.Length, buffer.ToArray());
        var (result, attached) = await documents.AttachAsync(document, user.Actor(), ct: ct);
        return attached ? Results.Created($"/api/deals/{id}/documents/{document.Id}", result.Deal) : Problems.From(result.Error!);
    }

    /// <summary>Runs <paramref name="then"/> only for a deal that exists and that the user may see.</summary>
    private static async Task<IResult> Visible(Guid id, ClaimsPrincipal user, IGrainFactory grains, Func<DealView, Task<IResult>> then)
    {
        var deal = await grains.GetGrain<IDealGrain>(id).Get();
        if (deal is null)
        {
            return Problems.NotFound($"Deal {id} does not exist.");
        }

        return user.CanSee(deal) ? await then(deal) : Access.Hidden(id);
    }

    private static Task<IResult> Command(Guid id, ClaimsPrincipal user, IGrainFactory grains, Func<IDealGrain, Task<DealResult>> command) =>
        Visible(id, user, grains, async _ =>
        {
            var result = await command(grains.GetGrain<IDealGrain>(id));
            return result.Ok ? Results.Ok(result.Deal) : Problems.From(result.Error!);
        });
}

public sealed record DealListQuery(
    string? Department,
    string? Owner,
    string? Process,
    string? Stage,
    string? Status,
    bool? Overdue,
    string? StuckOn,
    string? Search,
    int? Limit,
    int? Offset);
