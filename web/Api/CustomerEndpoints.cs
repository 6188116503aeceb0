using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using SalesOrleans.Claims;
using SalesOrleans.Domain.Claims;
using SalesOrleans.Domain.Customers;
using SalesOrleans.Import;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record LinkCompanyRequest(Guid? CompanyId, Guid? ContactId);

public sealed record NewContactRequest(string? Name, string? Phone, string? Email, string? Position);

public sealed record OpenClaimRequest(Guid? Id, Guid? OrderId, Guid? CompanyId, string? Reason, string? Description, IReadOnlyList<ClaimItemView>? Items,
    string? Responsible, double? DeadlineHours);

public sealed record AssignClaimRequest(string? Responsible, string? Comment);

public sealed record ClaimCommentRequest(string? Comment);

public sealed record ResolveClaimRequest(string? Resolution, decimal? Cost, string? Comment);

public sealed record ClaimNoteRequest(string? Text);

public sealed record SatisfactionRequest(int? Score, string? Comment);

public sealed record ClaimListQuery(string? Status, string? Responsible, string? Department, Guid? CompanyId, bool? Overdue, int? Limit);

/// <summary>
/// Companies as records (search, the client dossier, new contacts, a deal's company link), customer claims with their
/// journal and analytics, and satisfaction surveys after won deals.
/// </summary>
public static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var companies = app.MapGroup("/api/companies").WithTags("Contacts");
        companies.MapGet("/", (string? search, int? limit, CustomerQueries queries, CancellationToken ct) =>
            queries.SearchCompaniesAsync(search, limit ?? 20, ct)).Requires(Capability.CompanyRead);
        companies.MapGet("/{id:guid}/dossier", async (Guid id, CustomerQueries queries, CancellationToken ct) =>
            await queries.DossierAsync(id, ct) is { } dossier ? Results.Ok(dossier) : Problems.NotFound($"Company {id} does not exist."))
            .Requires(Capability.CompanyRead, Resource.Company());
        companies.MapPost("/{id:guid}/contacts", NewContact).Requires(Capability.CompanyCreate, Resource.Company());

        app.MapPost("/api/deals/{id:guid}/company", LinkDealCompany).Requires(Capability.DealChange, Resource.Deal()).WithTags("Deals");
        app.MapPost("/api/deals/{id:guid}/satisfaction", RecordSatisfaction).Requires(Capability.ClaimWork).WithTags("Claims");

        var claims = app.MapGroup("/api/claims").WithTags("Claims");
        claims.MapPost("/", OpenClaim).Requires(Capability.ClaimWork);
        claims.MapGet("/", ListClaims).Requires(Capability.ClaimRead);
        claims.MapGet("/reasons", () => Results.Ok(ClaimReasons.All)).Requires(Capability.ClaimRead);
        claims.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct) =>
            Visible(id, user, grains, access, Capability.ClaimRead, ct, claim => Task.FromResult(Results.Ok(claim))))
            .Requires(Capability.ClaimRead);
        claims.MapPost("/{id:guid}/assign", (Guid id, AssignClaimRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct) =>
            Command(id, user, grains, access, ct, g => g.Assign(body.Responsible ?? "", body.Comment, user.Actor()))).Requires(Capability.ClaimWork);
        claims.MapPost("/{id:guid}/escalate", (Guid id, ClaimCommentRequest? body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct) =>
            Command(id, user, grains, access, ct, g => g.Escalate(body?.Comment, user.Actor()))).Requires(Capability.ClaimWork);
        claims.MapPost("/{id:guid}/resolve", (Guid id, ResolveClaimRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct) =>
            Command(id, user, grains, access, ct, g => g.Resolve(new ResolveClaimCommand(body.Resolution ?? "", body.Cost, body.Comment), user.Actor())))
            .Requires(Capability.ClaimWork);
        claims.MapPost("/{id:guid}/notes", (Guid id, ClaimNoteRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct) =>
            Command(id, user, grains, access, ct, g => g.AddNote(body.Text ?? "", user.Actor()))).Requires(Capability.ClaimWork);

        var analytics = app.MapGroup("/api/analytics").WithTags("Analytics");
        analytics.MapGet("/claims", ClaimAnalytics).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/satisfaction", (DateTimeOffset? from, DateTimeOffset? to, CustomerQueries queries, CancellationToken ct) =>
            queries.SatisfactionAsync(from, to, ct)).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/loyalty", (CustomerQueries queries, CancellationToken ct) => queries.LoyaltyAsync(ct)).Requires(Capability.AnalyticsRead);
    }

    private static async Task<IResult> LinkDealCompany(Guid id, LinkCompanyRequest body, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        if (body.CompanyId is null)
        {
            return Problems.Invalid("companyId", "'companyId' is required.");
        }

        var records = (await CompanyRecords.ResolveAsync(body.CompanyId, body.ContactId, grains))!;
        if (records.Problem is { } problem)
        {
            return problem;
        }

        var result = await grains.GetGrain<IDealGrain>(id).LinkCompany(
            new LinkCompanyCommand(body.CompanyId.Value, records.Company!, body.ContactId, records.Contact), user.Actor());
        return result.Ok ? Results.Ok(result.Deal) : Problems.From(result.Error!);
    }

    private static async Task<IResult> NewContact(Guid id, NewContactRequest body, ClaimsPrincipal user, IGrainFactory grains, ContactCreation creation,
        CancellationToken ct)
    {
        if (await grains.GetGrain<ICompanyGrain>(id).Get() is not { } company)
        {
            return Problems.NotFound($"Company {id} does not exist.");
        }

        var (contact, problem) = await creation.CreateAsync(body.Name, body.Phone, body.Email, body.Position, company, user.Actor(), ct);
        return contact is not null ? Results.Created($"/api/contacts/{contact.Id}", contact) : Problems.Invalid(problem!.Field, problem.Message);
    }

    private static async Task<IResult> OpenClaim(OpenClaimRequest body, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct)
    {
        string? company = null;
        if (body.OrderId is { } orderId && await access.DenyAsync(user, Capability.OrderRead, ResourceKind.Order, orderId.ToString(), ct) is { } hidden)
        {
            // An order the caller may not see is one they cannot claim on: answered as if it did not exist, naming the field.
            return hidden is IStatusCodeHttpResult { StatusCode: 404 } ? Problems.Invalid("orderId", $"Order {orderId} does not exist.") : hidden;
        }

        if (body.CompanyId is { } companyId)
        {
            if (await grains.GetGrain<ICompanyGrain>(companyId).Get() is not { } record)
            {
                return Problems.Invalid("companyId", $"Company {companyId} does not exist.");
            }

            company = record.Name;
        }

        var id = body.Id ?? Guid.NewGuid();
        var result = await grains.GetGrain<IClaimGrain>(id).Open(new OpenClaimCommand(body.OrderId, body.CompanyId, company, body.Reason ?? "",
            body.Description, body.Items, body.Responsible, body.DeadlineHours), user.Actor());
        return result.Ok ? Results.Created($"/api/claims/{id}", result.Claim) : Problems.From(result.Error!);
    }

    private static async Task<IResult> ListClaims([AsParameters] ClaimListQuery q, ClaimsPrincipal user, CustomerQueries queries, AccessPolicy access, CancellationToken ct)
    {
        var filter = new ClaimFilter(q.Status, q.Responsible, q.Department, q.CompanyId, q.Overdue, q.Limit ?? 200);
        if (await access.ScopeAsync(user, Capability.ClaimRead, ct) != AccessScope.All)
        {
            // Short of "all", the user's own department's claims (or, without one, the claims they work on).
            filter = user.DepartmentOf() is { } department ? filter with { Department = department } : filter with { Responsible = user.Name() };
        }

        return Results.Ok(await queries.ListClaimsAsync(filter, ct));
    }

    private static async Task<IResult> ClaimAnalytics(DateTimeOffset? from, DateTimeOffset? to, string? department, ClaimsPrincipal user, CustomerQueries queries,
        AccessPolicy access, CancellationToken ct)
    {
        if (await access.ScopeAsync(user, Capability.AnalyticsRead, ct) != AccessScope.All)
        {
            if (department is not null && department != user.DepartmentOf())
            {
                return AccessProblems.Forbidden(Capability.AnalyticsRead, ResourceKind.Department);
            }

            department = user.DepartmentOf();
        }

        return Results.Ok(await queries.ClaimAnalyticsAsync(from, to, department, ct));
    }

    private static async Task<IResult> RecordSatisfaction(Guid id, SatisfactionRequest body, ClaimsPrincipal user, IGrainFactory grains, CustomerQueries queries,
        SatisfactionCalls calls, TimeProvider clock, CancellationToken ct)
    {
        if (body.Score is not (>= 1 and <= 5))
        {
            return Problems.Invalid("score", "'score' must be a whole number from 1 to 5.");
        }

        if (body.Comment is { Length: > SalesOrleans.Domain.Claims.Claim.MaxTextLength })
        {
            return Problems.Invalid("comment", $"'comment' is longer than {SalesOrleans.Domain.Claims.Claim.MaxTextLength} characters.");
        }

        if (await grains.GetGrain<IDealGrain>(id).Get() is not { } deal)
        {
            return Problems.NotFound($"Deal {id} does not exist.");
        }

        if (deal.Status != "Won")
        {
            return Problems.Invalid("dealId", "A satisfaction survey is for a won deal.");
        }

        var comment = string.IsNullOrWhiteSpace(body.Comment) ? null : body.Comment.Trim();
        await queries.RecordSurveyAsync(deal.Id, deal.CompanyId, deal.Company, deal.Owner, deal.ProcessKind, body.Score.Value, comment, user.Name(),
            clock.GetUtcNow(), ct);
        await calls.CompleteAsync(deal, body.Score.Value, comment, user.Actor());
        return Results.Ok(new { dealId = deal.Id, score = body.Score.Value, comment });
    }

    /// <summary>The claim if the caller may see it (their department's, or all with that scope); else 404 as if it did not exist.</summary>
    private static async Task<IResult> Visible(Guid id, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, Capability capability, CancellationToken ct,
        Func<ClaimView, Task<IResult>> then)
    {
        if (await grains.GetGrain<IClaimGrain>(id).Get() is not { } claim)
        {
            return Problems.NotFound($"Claim {id} does not exist.");
        }

        if (claim.Department is { } department && claim.Responsible != user.Name() && claim.EscalatedTo != user.Name()
            && await access.DenyAsync(user, capability, ResourceKind.Department, department, ct) is not null)
        {
            return Problems.NotFound($"Claim {id} does not exist.");
        }

        return await then(claim);
    }

    private static Task<IResult> Command(Guid id, ClaimsPrincipal user, IGrainFactory grains, AccessGuard access, CancellationToken ct,
        Func<IClaimGrain, Task<ClaimResult>> command) =>
        Visible(id, user, grains, access, Capability.ClaimRead, ct, async _ =>
        {
            var result = await command(grains.GetGrain<IClaimGrain>(id));
            return result.Ok ? Results.Ok(result.Claim) : Problems.From(result.Error!);
        });
}
