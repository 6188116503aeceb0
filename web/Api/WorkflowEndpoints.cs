using System.Security.Claims;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record MailPreferenceRequest(bool? NotifyByMail);

public sealed record ChangeDealRequest(string? Title, decimal? Amount, string? Currency, DateOnly? ExpectedCloseDate, string? Owner);

/// <summary>The work flows' own endpoints: one notification read, the mail preference, a deal's calls.</summary>
public static class WorkflowEndpoints
{
    private static readonly string[] Sources = ["deal", "lead", "contact"];

    public static void MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/notifications/{source}/{sourceId:guid}/{seq:long}/read", async (string source, Guid sourceId, long seq, ClaimsPrincipal user,
            WorkflowQueries queries, CancellationToken ct) =>
        {
            if (!Sources.Contains(source))
            {
                return Problems.Invalid("source", $"'source' is one of {string.Join(", ", Sources)}.");
            }

            // Only the recipient's own: someone else's answers like a missing one.
            return await queries.MarkReadAsync(user.Name(), source, sourceId, seq, ct)
                ? Results.NoContent()
                : Problems.NotFound($"You have no notification {source}/{sourceId}/{seq}.");
        }).Requires(Capability.NotificationRead).WithTags("Notifications");

        app.MapGet("/api/account/mail-preference", async (ClaimsPrincipal user, WorkflowQueries queries, CancellationToken ct) =>
            await queries.GetNotifyByMailAsync(user.Name(), ct) is { } value
                ? Results.Ok(new { notifyByMail = value })
                : Problems.NotFound("Your account has no stored preferences (an API token's service user?)."))
            .SignedIn("the caller's own notification preference").WithTags("Account");
        app.MapPut("/api/account/mail-preference", async (MailPreferenceRequest body, ClaimsPrincipal user, WorkflowQueries queries, CancellationToken ct) =>
        {
            if (body.NotifyByMail is not { } notify)
            {
                return Problems.Invalid("notifyByMail", "'notifyByMail' (true or false) is required.");
            }

            return await queries.SetNotifyByMailAsync(user.Name(), notify, ct)
                ? Results.Ok(new { notifyByMail = notify })
                : Problems.NotFound("Your account has no stored preferences (an API token's service user?).");
        }).SignedIn("changes the caller's own notification preference").WithTags("Account");

        app.MapMethods("/api/deals/{id:guid}", ["PATCH"], ChangeDeal).Requires(Capability.DealChange, Resource.Deal()).WithTags("Deals");
        app.MapGet("/api/deals/{id:guid}/calls", (Guid id, int? limit, WorkflowQueries queries, CancellationToken ct) =>
            queries.ListDealCallsAsync(id, limit ?? 100, ct)).Requires(Capability.DealRead, Resource.Deal()).WithTags("Deals");
    }

    /// <summary>Title, amount, currency, expected close date, owner: the new owner must be within the changer's reach too.</summary>
    private static async Task<IResult> ChangeDeal(Guid id, ChangeDealRequest body, ClaimsPrincipal user, IGrainFactory grains, WorkflowQueries queries,
        AccessGuard access, UserDirectory users, CancellationToken ct)
    {
        if (body.Owner is { Length: > 0 } owner && users.UserExists(owner)
            && await access.DenyAsync(user, Capability.DealChange, ResourceKind.User, owner, ct) is { } denied)
        {
            return denied;
        }

        var result = await grains.GetGrain<IDealGrain>(id).ChangeDetails(
            new ChangeDealDetailsCommand(body.Title, body.Amount, body.Currency, body.ExpectedCloseDate, body.Owner),
            await queries.DealHasOrderAsync(id, ct), user.Actor());
        return result.Ok ? Results.Ok(result.Deal) : Problems.From(result.Error!);
    }
}
