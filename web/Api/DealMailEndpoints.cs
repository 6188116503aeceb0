using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record MailTemplateRequest(string? Name, string? Language, string? Subject, string? Body);

public sealed record DealMailPreviewRequest(Guid? TemplateId, string? Language);

public sealed record SendDealMailRequest(Guid? MailId, Guid? TemplateId, string? To, string? Subject, string? Body, bool? AttachProposal, string? Language);

/// <summary>A deal mail as the deal card lists it (no body bytes of the attachment).</summary>
public sealed record DealMailView(
    Guid Id, Guid DealId, string Sender, string To, string? ToName, string From, string ReplyTo, string Subject, string Body, string Language,
    Guid? TemplateId, string? Attachment, DateTimeOffset CreatedAt, string Status, int Attempts, DateTimeOffset? SentAt, string? LastError)
{
    public static DealMailView Of(DealMailRecord m) => new(m.Id, m.DealId, m.Sender, m.ToAddress, m.ToName, $"{m.SenderName} <{m.FromAddress}>", m.ReplyTo,
        m.Subject, m.Body, m.Language, m.TemplateId, m.AttachmentName, m.CreatedAt, m.Status, m.Attempts, m.SentAt, m.LastError);
}

/// <summary>The template list with the placeholders a template may use.</summary>
public sealed record MailTemplatesView(IReadOnlyList<string> Placeholders, IReadOnlyList<MailTemplateRecord> Templates);

/// <summary>
/// Outgoing mail from the deal (1C:CRM project): templates per language (admins and department heads edit them), the
/// deal card's filled-in preview, and sending — queued once per mail id, sent by the silo's mailer, journalled on the
/// deal. Only someone who may work the deal writes from it.
/// </summary>
public static class DealMailEndpoints
{
    public static void MapDealMailEndpoints(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/mail-templates").WithTags("Mail templates");
        templates.MapGet("/", ListTemplates).Requires(Capability.DealMail);
        templates.MapPut("/{id:guid}", SaveTemplate).Requires(Capability.MailTemplate);
        templates.MapDelete("/{id:guid}", DeleteTemplate).Requires(Capability.MailTemplate);

        var deals = app.MapGroup("/api/deals").WithTags("Deals");
        deals.MapPost("/{id:guid}/mails/preview", Preview).Requires(Capability.DealMail, Resource.Deal());
        deals.MapPost("/{id:guid}/mails", Send).Requires(Capability.DealMail, Resource.Deal());
        deals.MapGet("/{id:guid}/mails", ListMails).Requires(Capability.DealRead, Resource.Deal());
    }

    private static async Task<Ok<MailTemplatesView>> ListTemplates(DealMailStore store, CancellationToken ct) =>
        TypedResults.Ok(new MailTemplatesView(DealMail.Placeholders, await store.ListTemplatesAsync(ct)));

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTemplate(Guid id, DealMailStore store, CancellationToken ct) =>
        await store.DeleteTemplateAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"There is no mail template {id}.");

    private static async Task<Ok<IReadOnlyList<DealMailView>>> ListMails(Guid id, DealMailStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<DealMailView>>((await store.ListForDealAsync(id, ct)).Select(DealMailView.Of).ToList());

    private static async Task<Results<Ok<MailTemplateRecord>, Created<MailTemplateRecord>, ProblemHttpResult>> SaveTemplate(Guid id, MailTemplateRequest body, ClaimsPrincipal user, DealMailStore store, CancellationToken ct)
    {
        if (id == Guid.Empty)
        {
            return Problems.Invalid("id", "The template id must not be empty.");
        }

        MailTemplateText text;
        try
        {
            text = DealMail.ValidateTemplate(body.Name, body.Language, body.Subject, body.Body);
        }
        catch (Rejection e)
        {
            return Problems.Invalid(e.Field ?? "body", e.Message);
        }

        var existed = await store.GetTemplateAsync(id, ct) is not null;
        if (!await store.SaveTemplateAsync(new MailTemplateRecord(id, text.Name, text.Language, text.Subject, text.Body, user.Name(), DateTimeOffset.UtcNow), ct))
        {
            return Problems.Invalid("name", $"There is already a template '{text.Name}' in {text.Language}.");
        }

        var saved = await store.GetTemplateAsync(id, ct);
        return existed ? TypedResults.Ok(saved) : TypedResults.Created($"/api/mail-templates/{id}", saved);
    }

    private static async Task<Results<Ok<DealMailDraft>, ProblemHttpResult>> Preview(Guid id, DealMailPreviewRequest? body, ClaimsPrincipal user, IDealMailService mails, CancellationToken ct)
    {
        try
        {
            return await mails.ComposeAsync(id, body?.TemplateId, body?.Language, user.Name(), ct) is { } draft
                ? TypedResults.Ok(draft)
                : Problems.NotFound($"Deal {id} does not exist.");
        }
        catch (Rejection e)
        {
            return Problems.Invalid(e.Field ?? "body", e.Message);
        }
    }

    private static async Task<Results<Accepted<DealMailView>, Ok<DealMailView>, ProblemHttpResult>> Send(Guid id, SendDealMailRequest body, ClaimsPrincipal user, IDealMailService mails, CancellationToken ct)
    {
        if (body.MailId is not { } mailId)
        {
            return Problems.Invalid("mailId", "'mailId' (a new id per composed mail, so a repeat sends nothing twice) is required.");
        }

        try
        {
            var request = new DealMailRequest(mailId, body.TemplateId, body.To, body.Subject, body.Body, body.AttachProposal ?? false, body.Language);
            if (await mails.QueueAsync(id, request, user.Actor(), ct) is not { } queued)
            {
                return Problems.NotFound($"Deal {id} does not exist.");
            }

            var view = DealMailView.Of(queued.Mail);
            return queued.Created ? TypedResults.Accepted($"/api/deals/{id}/mails", view) : TypedResults.Ok(view);
        }
        catch (Rejection e) when (e.Code == RejectionCode.Conflict)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message);
        }
        catch (Rejection e)
        {
            return Problems.Invalid(e.Field ?? "body", e.Message);
        }
    }
}
