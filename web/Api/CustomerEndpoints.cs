using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
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

/// <summary>A satisfaction survey as recorded.</summary>
public sealed record SatisfactionView(Guid DealId, int Score, string? Comment);

/// <summary>What the claim and customer handlers are given: the grains, the access checks and the customer read model.</summary>
public readonly record struct CustomerServices(IGrainFactory Grains, AccessGuard Access, AccessPolicy Policy, CustomerQueries Queries, ClaimsPrincipal User,
    CancellationToken Ct);

/// <summary>
/// Companies as records (search, the client dossier, new contacts, a deal's company link), customer claims with their
/// journal and analytics, and satisfaction surveys after won deals.
/// </summary>
public static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var companies = app.MapGroup("/api/companies").WithTags("Contacts");
        companies.MapGet("/", SearchCompanies).Requires(Capability.CompanyRead);
        companies.MapGet("/{id:guid}/dossier", GetDossier).Requires(Capability.CompanyRead, Resource.Company());
        companies.MapPost("/{id:guid}/contacts", NewContact).Requires(Capability.CompanyCreate, Resource.Company());

        app.MapPost("/api/deals/{id:guid}/company", LinkDealCompany).Requires(Capability.DealChange, Resource.Deal()).WithTags("Deals");
        app.MapPost("/api/deals/{id:guid}/satisfaction", RecordSatisfaction).Requires(Capability.ClaimWork).WithTags("Claims");

        var claims = app.MapGroup("/api/claims").WithTags("Claims");
        claims.MapPost("/", OpenClaim).Requires(Capability.ClaimWork);
        claims.MapGet("/", ListClaims).Requires(Capability.ClaimRead);
        claims.MapGet("/reasons", ListClaimReasons).Requires(Capability.ClaimRead);
        claims.MapGet("/{id:guid}", GetClaim).Requires(Capability.ClaimRead);
        claims.MapPost("/{id:guid}/assign", AssignClaim).Requires(Capability.ClaimWork);
        claims.MapPost("/{id:guid}/escalate", EscalateClaim).Requires(Capability.ClaimWork);
        claims.MapPost("/{id:guid}/resolve", ResolveClaim).Requires(Capability.ClaimWork);
        claims.MapPost("/{id:guid}/notes", AddClaimNote).Requires(Capability.ClaimWork);

        var analytics = app.MapGroup("/api/analytics").WithTags("Analytics");
        analytics.MapGet("/claims", ClaimAnalytics).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/satisfaction", Satisfaction).Requires(Capability.AnalyticsRead);
        analytics.MapGet("/loyalty", Loyalty).Requires(Capability.AnalyticsRead);
    }

    private static async Task<Ok<IReadOnlyList<CompanyListItem>>> SearchCompanies(string? search, int? limit, CustomerQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.SearchCompaniesAsync(search, limit ?? 20, ct));

    private static async Task<Results<Ok<CompanyDossier>, ProblemHttpResult>> GetDossier(Guid id, CustomerQueries queries, CancellationToken ct) =>
        await queries.DossierAsync(id, ct) is { } dossier ? TypedResults.Ok(dossier) : Problems.NotFound($"Company {id} does not exist.");

    private static Ok<IReadOnlyList<string>> ListClaimReasons() => TypedResults.Ok(ClaimReasons.All);

    private static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> GetClaim(Guid id, [AsParameters] CustomerServices s) =>
        await VisibleAsync(id, s, Capability.ClaimRead) is { } claim ? TypedResults.Ok(claim) : ClaimNotFound(id);

    private static Task<Results<Ok<ClaimView>, ProblemHttpResult>> AssignClaim(Guid id, AssignClaimRequest body, [AsParameters] CustomerServices s)
    {
        var user = s.User;
        return Command(id, s, g => g.Assign(body.Responsible ?? "", body.Comment, user.Actor()));
    }

    private static Task<Results<Ok<ClaimView>, ProblemHttpResult>> EscalateClaim(Guid id, ClaimCommentRequest? body, [AsParameters] CustomerServices s)
    {
        var user = s.User;
        return Command(id, s, g => g.Escalate(body?.Comment, user.Actor()));
    }

    private static Task<Results<Ok<ClaimView>, ProblemHttpResult>> ResolveClaim(Guid id, ResolveClaimRequest body, [AsParameters] CustomerServices s)
    {
        var user = s.User;
        return Command(id, s, g => g.Resolve(new ResolveClaimCommand(body.Resolution ?? "", body.Cost, body.Comment), user.Actor()));
    }

    private static Task<Results<Ok<ClaimView>, ProblemHttpResult>> AddClaimNote(Guid id, ClaimNoteRequest body, [AsParameters] CustomerServices s)
    {
        var user = s.User;
        return Command(id, s, g => g.AddNote(body.Text ?? "", user.Actor()));
    }

    private static async Task<Ok<IReadOnlyList<SatisfactionRow>>> Satisfaction(DateTimeOffset? from, DateTimeOffset? to, CustomerQueries queries,
        CancellationToken ct) =>
        TypedResults.Ok(await queries.SatisfactionAsync(from, to, ct));

    private static async Task<Ok<IReadOnlyList<CompanyLoyalty>>> Loyalty(CustomerQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.LoyaltyAsync(ct));

    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> LinkDealCompany(Guid id, LinkCompanyRequest body, ClaimsPrincipal user, IGrainFactory grains,
        CancellationToken ct)
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
        return result.Ok ? TypedResults.Ok(result.Deal) : Problems.From(result.Error!);
    }

    private static async Task<Results<Created<ContactView>, ProblemHttpResult>> NewContact(Guid id, NewContactRequest body, IContactCreation creation,
        [AsParameters] CustomerServices s)
    {
        if (await s.Grains.GetGrain<ICompanyGrain>(id).Get() is not { } company)
        {
            return Problems.NotFound($"Company {id} does not exist.");
        }

        var (contact, problem) = await creation.CreateAsync(body.Name, body.Phone, body.Email, body.Position, company, s.User.Actor(), s.Ct);
        return contact is not null ? TypedResults.Created($"/api/contacts/{contact.Id}", contact) : Problems.Invalid(problem!.Field, problem.Message);
    }

    private static async Task<Results<Created<ClaimView>, ProblemHttpResult>> OpenClaim(OpenClaimRequest body, [AsParameters] CustomerServices s)
    {
        var (user, ct) = (s.User, s.Ct);
        string? company = null;
        if (body.OrderId is { } orderId && await s.Access.DenyAsync(user, Capability.OrderRead, ResourceKind.Order, orderId.ToString(), ct) is { } hidden)
        {
            // An order the caller may not see is one they cannot claim on: answered as if it did not exist, naming the field.
            return hidden.StatusCode == StatusCodes.Status404NotFound ? Problems.Invalid("orderId", $"Order {orderId} does not exist.") : hidden;
        }

        if (body.CompanyId is { } companyId)
        {
            if (await s.Grains.GetGrain<ICompanyGrain>(companyId).Get() is not { } record)
            {
                return Problems.Invalid("companyId", $"Company {companyId} does not exist.");
            }

            company = record.Name;
        }

        var id = body.Id ?? Guid.NewGuid();
        var result = await s.Grains.GetGrain<IClaimGrain>(id).Open(new OpenClaimCommand(body.OrderId, body.CompanyId, company, body.Reason ?? "",
            body.Description, body.Items, body.Responsible, body.DeadlineHours), user.Actor());
        return result.Ok ? TypedResults.Created($"/api/claims/{id}", result.Claim) : Problems.From(result.Error!);
    }

    private static async Task<Ok<IReadOnlyList<ClaimListItem>>> ListClaims([AsParameters] ClaimListQuery q, [AsParameters] CustomerServices s)
    {
        var user = s.User;
        var filter = new ClaimFilter(q.Status, q.Responsible, q.Department, q.CompanyId, q.Overdue, q.Limit ?? 200);
        if (await s.Policy.ScopeAsync(user, Capability.ClaimRead, s.Ct) != AccessScope.All)
        {
            // Short of "all", the user's own department's claims (or, without one, the claims they work on).
            filter = user.DepartmentOf() is { } department ? filter with { Department = department } : filter with { Responsible = user.Name() };
        }

        return TypedResults.Ok(await s.Queries.ListClaimsAsync(filter, s.Ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<ClaimAnalyticsRow>>, ProblemHttpResult>> ClaimAnalytics(DateTimeOffset? from, DateTimeOffset? to,
        string? department, [AsParameters] CustomerServices s)
    {
        var user = s.User;
        if (await s.Policy.ScopeAsync(user, Capability.AnalyticsRead, s.Ct) != AccessScope.All)
        {
            if (department is not null && department != user.DepartmentOf())
            {
                return AccessProblems.Forbidden(Capability.AnalyticsRead, ResourceKind.Department);
            }

            department = user.DepartmentOf();
        }

        return TypedResults.Ok(await s.Queries.ClaimAnalyticsAsync(from, to, department, s.Ct));
    }

    private static async Task<Results<Ok<SatisfactionView>, ProblemHttpResult>> RecordSatisfaction(Guid id, SatisfactionRequest body, ISatisfactionCalls calls,
        TimeProvider clock, [AsParameters] CustomerServices s)
    {
        var (user, ct) = (s.User, s.Ct);
        if (body.Score is not (>= 1 and <= 5))
        {
            return Problems.Invalid("score", "'score' must be a whole number from 1 to 5.");
        }

        if (body.Comment is { Length: > SalesOrleans.Domain.Claims.Claim.MaxTextLength })
        {
            return Problems.Invalid("comment", $"'comment' is longer than {SalesOrleans.Domain.Claims.Claim.MaxTextLength} characters.");
        }

        if (await s.Grains.GetGrain<IDealGrain>(id).Get() is not { } deal)
        {
            return Problems.NotFound($"Deal {id} does not exist.");
        }

        if (deal.Status != "Won")
        {
            return Problems.Invalid("dealId", "A satisfaction survey is for a won deal.");
        }

        var comment = string.IsNullOrWhiteSpace(body.Comment) ? null : body.Comment.Trim();
        await s.Queries.RecordSurveyAsync(deal.Id, deal.CompanyId, deal.Company, deal.Owner, deal.ProcessKind, body.Score.Value, comment, user.Name(),
            clock.GetUtcNow(), ct);
        await calls.CompleteAsync(deal, body.Score.Value, comment, user.Actor());
        return TypedResults.Ok(new SatisfactionView(deal.Id, body.Score.Value, comment));
    }

    /// <summary>The claim if the caller may see it (their department's, or all with that scope); else null, answered as if it did not exist.</summary>
    private static async Task<ClaimView?> VisibleAsync(Guid id, CustomerServices s, Capability capability)
    {
        if (await s.Grains.GetGrain<IClaimGrain>(id).Get() is not { } claim)
        {
            return null;
        }

        if (claim.Department is { } department && claim.Responsible != s.User.Name() && claim.EscalatedTo != s.User.Name()
            && await s.Access.DenyAsync(s.User, capability, ResourceKind.Department, department, s.Ct) is not null)
        {
            return null;
        }

        return claim;
    }

    private static ProblemHttpResult ClaimNotFound(Guid id) => Problems.NotFound($"Claim {id} does not exist.");

    private static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> Command(Guid id, CustomerServices s, Func<IClaimGrain, Task<ClaimResult>> command)
    {
        if (await VisibleAsync(id, s, Capability.ClaimRead) is null)
        {
            return ClaimNotFound(id);
        }

        var result = await command(s.Grains.GetGrain<IClaimGrain>(id));
        return result.Ok ? TypedResults.Ok(result.Claim) : Problems.From(result.Error!);
    }
}
