using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
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
    IReadOnlyDictionary<string, string>? Parameters,
    Guid? CompanyId = null,
    Guid? ContactId = null);

public sealed record MoveDealRequest(string? ToStage, string? LostReason, string? Comment, bool? CancelOpenTasks = null);

public sealed record ReopenDealRequest(string? Comment);

public sealed record CompleteTaskRequest(string? Result);

public sealed record ReassignTaskRequest(string? Executor, string? Reason);

public sealed record NoteRequest(string? Text);

/// <summary>What the deal handlers are given, bound by [AsParameters]: the grains, the access checks, the directory and the read model.</summary>
public readonly record struct DealServices(IGrainFactory Grains, AccessGuard Access, AccessPolicy Policy, UserDirectory Users, DealQueries Queries,
    ClaimsPrincipal User, CancellationToken Ct);

/// <summary>What attaching a document is given: the deal grain, the document store and its size limit.</summary>
public readonly record struct DealDocumentServices(IGrainFactory Grains, SalesOrleans.Deals.IDealDocuments Documents,
    Microsoft.Extensions.Options.IOptions<DocumentOptions> Options, ClaimsPrincipal User, CancellationToken Ct);

/// <summary>Deal commands go to the deal grain; lists and journals come from the read model.</summary>
public static class DealEndpoints
{
    public static void MapDealEndpoints(this IEndpointRouteBuilder app)
    {
        var deals = app.MapGroup("/api/deals").WithTags("Deals");

        deals.MapPost("/", CreateDeal).Requires(Capability.DealCreate);
        deals.MapGet("/", ListDeals).Requires(Capability.DealRead);
        // The grain's view plus the win probability from the read model (the model's score is not the grain's).
        deals.MapGet("/{id:guid}", GetDeal).Requires(Capability.DealRead, Resource.Deal());
        deals.MapGet("/{id:guid}/journal", GetJournal).Requires(Capability.DealRead, Resource.Deal());
        deals.MapPost("/{id:guid}/moves", MoveDeal).Requires(Capability.DealMove, Resource.Deal());
        deals.MapPost("/{id:guid}/reopen", ReopenDeal).Requires(Capability.DealReopen, Resource.Deal());
        deals.MapPost("/{id:guid}/tasks/{taskId}/complete", CompleteTask).Requires(Capability.DealTaskComplete, Resource.Deal());
        deals.MapPost("/{id:guid}/tasks/{taskId}/reassign", ReassignTask).Requires(Capability.DealChange, Resource.Deal());
        deals.MapPost("/{id:guid}/parameters", SetParameters).Requires(Capability.DealParameters, Resource.Deal());
        deals.MapPost("/{id:guid}/notes", AddNote).Requires(Capability.DealChange, Resource.Deal());
        deals.MapPost("/{id:guid}/environment", AddParty).Requires(Capability.DealChange, Resource.Deal());
        deals.MapPut("/{id:guid}/environment/{partyId}", SetParty).Requires(Capability.DealChange, Resource.Deal());
        deals.MapDelete("/{id:guid}/environment/{partyId}", RemoveParty).Requires(Capability.DealChange, Resource.Deal());

        // The document's own limit (DocumentOptions) plus room for the multipart envelope.
        var documentBytes = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DocumentOptions>>().Value.MaxBytes;
        deals.MapPost("/{id:guid}/documents", AttachDocument).WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(documentBytes + 64 * 1024))
            .Requires(Capability.DealDocumentAttach, Resource.Deal());
        deals.MapGet("/{id:guid}/documents/{documentId:guid}", GetDocument).Produces(StatusCodes.Status200OK, typeof(Stream), Downloads.Fallback).Requires(Capability.DealRead, Resource.Deal());

        app.MapGet("/api/tasks", ListTasks).Requires(Capability.TaskRead).WithTags("Tasks");
        app.MapGet("/api/managers/{user}/workload", GetWorkload).Requires(Capability.WorkloadRead, Resource.User()).WithTags("Managers");
        app.MapGet("/api/managers", ListManagers).Requires(Capability.WorkloadRead).WithTags("Managers");
        app.MapDealChainEndpoints();
    }

    private static async Task<Results<Created<DealView>, ProblemHttpResult>> CreateDeal(CreateDealRequest body, [AsParameters] DealServices s)
    {
        var (user, ct) = (s.User, s.Ct);
        // A client may choose the id, which makes a retried create idempotent.
        var id = body.Id ?? Guid.NewGuid();
        if (id == Guid.Empty)
        {
            return Problems.Invalid("id", "The deal id must not be empty.");
        }

        // The deal's department and owner are within the creator's reach (a supervisor opens deals in their own department only).
        var department = body.Department ?? user.DepartmentOf() ?? "";
        // (An unknown department is the domain's 400, naming the field.)
        if (s.Users.Departments.Any(d => d.Id == department)
            && await s.Access.DenyAsync(user, Capability.DealCreate, ResourceKind.Department, department, ct) is { } denied)
        {
            return denied;
        }

        if (body.Owner is { } owner && owner != user.Name() && s.Users.UserExists(owner)
            && await s.Access.DenyAsync(user, Capability.DealCreate, ResourceKind.User, owner, ct) is { } foreignOwner)
        {
            return foreignOwner;
        }

        var command = new CreateDealCommand(body.ProcessKind ?? "", body.Title ?? "", body.Company ?? "", body.Contact,
            body.Owner ?? user.Name(), department, body.Amount, body.Currency, body.Lines, body.Parameters);
        if (await CompanyRecords.ResolveAsync(body.CompanyId, body.ContactId, s.Grains) is { } records)
        {
            if (records.Problem is { } problem)
            {
                return problem;
            }

            // The record's name is the deal's company text (kept for display); a typed name gives way to the record.
            command = command with { Company = records.Company!, Contact = body.Contact ?? records.Contact, CompanyId = body.CompanyId, ContactId = body.ContactId };
        }

        var result = await s.Grains.GetGrain<IDealGrain>(id).Create(command, user.Actor());
        return result.Ok ? TypedResults.Created($"/api/deals/{id}", result.Deal) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<IReadOnlyList<DealListItem>>, ProblemHttpResult>> ListDeals([AsParameters] DealListQuery q, [AsParameters] DealServices s)
    {
        var (user, access, ct) = (s.User, s.Policy, s.Ct);
        var filter = new DealFilter(q.Department, q.Owner, q.Process, q.Stage,
            string.Equals(q.Status, "all", StringComparison.OrdinalIgnoreCase) ? null : q.Status ?? "Open",
            q.Overdue, q.StuckOn, q.Search, q.Limit ?? 100, q.Offset ?? 0);
        if (await access.ScopeAsync(user, Capability.DealRead, ct) != AccessScope.All)
        {
            // Short of "all", a list is always of the user's own department (or, without one, of the deals they hold a task in).
            if (q.Department is not null && q.Department != user.DepartmentOf())
            {
                return AccessProblems.Forbidden(Capability.DealRead, ResourceKind.Department);
            }

            filter = user.DepartmentOf() is { } department && await access.ScopeAsync(user, Capability.DealRead, ct) == AccessScope.Department
                ? filter with { Department = department }
                : filter with { StuckOn = user.Name() };
        }

        return TypedResults.Ok(await s.Queries.ListDealsAsync(filter, ct));
    }

    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> GetDeal(Guid id, IGrainFactory grains, DealQueries queries, CancellationToken ct) =>
        await grains.GetGrain<IDealGrain>(id).Get() is { } deal
            ? TypedResults.Ok(deal with
            {
                Win = await queries.WinEstimateAsync(id, ct)
                    ?? WinEstimates.For(deal.Status, deal.Probability, deal.StageEnteredAt, null, null, null, null),
            })
            : Problems.NotFound($"Deal {id} does not exist.");

    private static async Task<Ok<IReadOnlyList<JournalEntry>>> GetJournal(Guid id, long? afterSeq, int? limit, DealQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetJournalAsync(id, afterSeq ?? 0, limit ?? 1000, ct));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> MoveDeal(Guid id, MoveDealRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
        Command(id, grains, g => g.Move(new MoveDealCommand(body.ToStage ?? "", body.LostReason, body.Comment, body.CancelOpenTasks ?? false), user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> ReopenDeal(Guid id, ReopenDealRequest? body, ClaimsPrincipal user, IGrainFactory grains) =>
        Command(id, grains, g => g.Reopen(new ReopenDealCommand(body?.Comment), user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> CompleteTask(Guid id, string taskId, CompleteTaskRequest? body, ClaimsPrincipal user,
        IGrainFactory grains) =>
        Command(id, grains, g => g.CompleteTask(new CompleteTaskCommand(taskId, body?.Result), user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> SetParameters(Guid id, Dictionary<string, string?> body, ClaimsPrincipal user,
        IGrainFactory grains) =>
        Command(id, grains, g => g.SetParameters(new SetParametersCommand(body), user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> AddNote(Guid id, NoteRequest body, ClaimsPrincipal user, IGrainFactory grains) =>
        Command(id, grains, g => g.AddNote(new AddNoteCommand(body.Text ?? ""), user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> AddParty(Guid id, EnvironmentPartyView body, ClaimsPrincipal user, IGrainFactory grains) =>
        Command(id, grains, g => g.SetParty(body with { Id = null }, user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> SetParty(Guid id, string partyId, EnvironmentPartyView body, ClaimsPrincipal user,
        IGrainFactory grains) =>
        Command(id, grains, g => g.SetParty(body with { Id = partyId }, user.Actor()));

    private static Task<Results<Ok<DealView>, ProblemHttpResult>> RemoveParty(Guid id, string partyId, ClaimsPrincipal user, IGrainFactory grains) =>
        Command(id, grains, g => g.RemoveParty(partyId, user.Actor()));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetDocument(Guid id, Guid documentId, DocumentStore documents,
        CancellationToken ct) =>
        await documents.GetAsync(id, documentId, ct) is { } d
            ? Downloads.File(d.Content, d.ContentType, d.FileName)
            : Problems.NotFound($"Deal {id} has no document {documentId}.");

    /// <summary>The new executor must be within the reassigner's reach too: no handing a task to another department's people.</summary>
    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> ReassignTask(Guid id, string taskId, ReassignTaskRequest body,
        [AsParameters] DealServices s)
    {
        if (body.Executor is { Length: > 0 } executor && s.Users.UserExists(executor)
            && await s.Access.DenyAsync(s.User, Capability.DealChange, ResourceKind.User, executor, s.Ct) is { } denied)
        {
            return denied;
        }

        var user = s.User;
        return await Command(id, s.Grains, g => g.ReassignTask(new ReassignTaskCommand(taskId, body.Executor ?? "", body.Reason), user.Actor()));
    }

    private static async Task<Ok<IReadOnlyList<TaskListItem>>> ListTasks(string? executor, string? status, bool? overdue, Guid? dealId, int? limit,
        [AsParameters] DealServices s)
    {
        var (user, ct) = (s.User, s.Ct);
        // All: anyone's tasks anywhere; department: anyone's in the user's department; own: the user's own.
        var scope = await s.Policy.ScopeAsync(user, Capability.TaskRead, ct);
        var department = scope == AccessScope.Department ? user.DepartmentOf() : null;
        var who = scope == AccessScope.All || (scope == AccessScope.Department && department is not null) ? executor : user.Name();
        return TypedResults.Ok(await s.Queries.ListTasksAsync(who, string.Equals(status, "all", StringComparison.OrdinalIgnoreCase) ? null : status ?? "Open",
            overdue, dealId, department, limit ?? 200, ct));
    }

    private static async Task<Ok<WorkloadView>> GetWorkload(string user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IManagerGrain>(user).GetWorkload());

    private static async Task<Ok<WorkloadView[]>> ListManagers([AsParameters] DealServices s)
    {
        var user = s.User;
        var scope = await s.Policy.ScopeAsync(user, Capability.WorkloadRead, s.Ct);
        return TypedResults.Ok(await Task.WhenAll(s.Users.Users
            .Where(u => u.Active && (u.Roles.Contains(Roles.Manager) || u.Roles.Contains(Roles.Supervisor)))
            .Where(u => scope == AccessScope.All || u.UserName == user.Name() || (scope == AccessScope.Department && u.Department is not null && u.Department == user.DepartmentOf()))
            .Select(u => s.Grains.GetGrain<IManagerGrain>(u.UserName).GetWorkload())));
    }

    /// <summary>Stores the upload as pending, lets the grain accept it, then keeps or drops it.</summary>
    private static async Task<Results<Created<DealView>, ProblemHttpResult>> AttachDocument(Guid id, HttpRequest request, [AsParameters] DealDocumentServices s)
    {
        var (user, grains, documents, options, ct) = (s.User, s.Grains, s.Documents, s.Options, s.Ct);
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

        if (await grains.GetGrain<IDealGrain>(id).Get() is null)
        {
            return Problems.NotFound($"Deal {id} does not exist.");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var document = new StoredDocument(Guid.NewGuid(), id, kind.Trim().ToLowerInvariant(), Path.GetFileName(file.FileName),
            string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, file.Length, buffer.ToArray());
        var (result, attached) = await documents.AttachAsync(document, user.Actor(), ct: ct);
        return attached ? TypedResults.Created($"/api/deals/{id}/documents/{document.Id}", result.Deal) : Problems.From(result.Error!);
    }

    /// <summary>Runs a command on a deal the access layer has let the user act on.</summary>
    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> Command(Guid id, IGrainFactory grains, Func<IDealGrain, Task<DealResult>> command)
    {
        var result = await command(grains.GetGrain<IDealGrain>(id));
        return result.Ok ? TypedResults.Ok(result.Deal) : Problems.From(result.Error!);
    }
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
