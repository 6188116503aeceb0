using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record MailPreferenceRequest(bool? NotifyByMail);

public sealed record ChangeDealRequest(string? Title, decimal? Amount, string? Currency, DateOnly? ExpectedCloseDate, string? Owner);

/// <summary>The caller's mail preference as the account page reads and writes it.</summary>
public sealed record MailPreferenceView(bool NotifyByMail);

/// <summary>What changing a deal's details is given: the deal grain, whether its order exists, the reach of the new owner.</summary>
public readonly record struct WorkflowServices(IGrainFactory Grains, WorkflowQueries Queries, AccessGuard Access, UserDirectory Users, ClaimsPrincipal User,
    CancellationToken Ct);

/// <summary>The work flows' own endpoints: one notification read, the mail preference, a deal's calls.</summary>
public static class WorkflowEndpoints
{
    private static readonly string[] Sources = ["deal", "lead", "contact"];

    private const string NoPreferences = "Your account has no stored preferences (an API token's service user?).";

    public static void MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/notifications/{source}/{sourceId:guid}/{seq:long}/read", MarkRead).Requires(Capability.NotificationRead).WithTags("Notifications");

        app.MapGet("/api/account/mail-preference", GetMailPreference).SignedIn("the caller's own notification preference").WithTags("Account");
        app.MapPut("/api/account/mail-preference", SetMailPreference).SignedIn("changes the caller's own notification preference").WithTags("Account");

        app.MapMethods("/api/deals/{id:guid}", ["PATCH"], ChangeDeal).Requires(Capability.DealChange, Resource.Deal()).WithTags("Deals");
        app.MapGet("/api/deals/{id:guid}/calls", ListDealCalls).Requires(Capability.DealRead, Resource.Deal()).WithTags("Deals");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(string source, Guid sourceId, long seq, ClaimsPrincipal user,
        WorkflowQueries queries, CancellationToken ct)
    {
        if (!Sources.Contains(source))
        {
            return Problems.Invalid("source", $"'source' is one of {string.Join(", ", Sources)}.");
        }

        // Only the recipient's own: someone else's answers like a missing one.
        return await queries.MarkReadAsync(user.Name(), source, sourceId, seq, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound($"You have no notification {source}/{sourceId}/{seq}.");
    }

    private static async Task<Results<Ok<MailPreferenceView>, ProblemHttpResult>> GetMailPreference(ClaimsPrincipal user, WorkflowQueries queries,
        CancellationToken ct) =>
        await queries.GetNotifyByMailAsync(user.Name(), ct) is { } value
            ? TypedResults.Ok(new MailPreferenceView(value))
            : Problems.NotFound(NoPreferences);

    private static async Task<Results<Ok<MailPreferenceView>, ProblemHttpResult>> SetMailPreference(MailPreferenceRequest body, ClaimsPrincipal user,
        WorkflowQueries queries, CancellationToken ct)
    {
        if (body.NotifyByMail is not { } notify)
        {
            return Problems.Invalid("notifyByMail", "'notifyByMail' (true or false) is required.");
        }

        return await queries.SetNotifyByMailAsync(user.Name(), notify, ct)
            ? TypedResults.Ok(new MailPreferenceView(notify))
            : Problems.NotFound(NoPreferences);
    }

    private static async Task<Ok<IReadOnlyList<CallLogItem>>> ListDealCalls(Guid id, int? limit, WorkflowQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListDealCallsAsync(id, limit ?? 100, ct));

    /// <summary>Title, amount, currency, expected close date, owner: the new owner must be within the changer's reach too.</summary>
    private static async Task<Results<Ok<DealView>, ProblemHttpResult>> ChangeDeal(Guid id, ChangeDealRequest body, [AsParameters] WorkflowServices s)
    {
        if (body.Owner is { Length: > 0 } owner && s.Users.UserExists(owner)
            && await s.Access.DenyAsync(s.User, Capability.DealChange, ResourceKind.User, owner, s.Ct) is { } denied)
        {
            return denied;
        }

        var result = await s.Grains.GetGrain<IDealGrain>(id).ChangeDetails(
            new ChangeDealDetailsCommand(body.Title, body.Amount, body.Currency, body.ExpectedCloseDate, body.Owner),
            await s.Queries.DealHasOrderAsync(id, s.Ct), s.User.Actor());
        return result.Ok ? TypedResults.Ok(result.Deal) : Problems.From(result.Error!);
    }
}
