using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using MimeKit;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

public sealed record MailLeadRequest(string? Name, string? Phone, string? Email, string? Company, string? Department);

public sealed record MailAttachRequest(Guid? ContactId);

/// <summary>A quarantined or filed mail as the quarantine page shows it.</summary>
public sealed record QuarantineItem(Guid Id, string Mailbox, string? Sender, string? Subject, DateTimeOffset? SentAt, DateTimeOffset At, string Reason,
    bool Filed, string? Excerpt, string State, string? DecidedBy, DateTimeOffset? DecidedAt, Guid? ContactId, Guid? LeadId, Guid? DealId)
{
    public static QuarantineItem Of(QuarantinedMail m) => new(m.Id, m.Mailbox, m.Sender, m.Subject, m.SentAt, m.At, m.Reason, m.Filed, m.Excerpt,
        m.State, m.DecidedBy, m.DecidedAt, m.ContactId, m.LeadId, m.DealId);
}

/// <summary>What the quarantine's decisions are given: the mail store, the intake's mail path, the customer and the caller's reach.</summary>
public readonly record struct MailServices(MailboxStore Store, IMailInquiries Inquiries, IGrainFactory Grains, AccessGuard Access, TimeProvider Clock,
    ClaimsPrincipal User, CancellationToken Ct);

/// <summary>
/// The mail quarantine: mail the intake could not make an inquiry of (and automatic mail it filed), for the head of sales
/// to make a lead of (the intake's own path and key: once), attach to a customer, or discard. Every decision records who
/// and when; the first decision stands (the same one again answers as before, another one 409).
/// </summary>
public static class MailEndpoints
{
    public static void MapMailEndpoints(this IEndpointRouteBuilder app)
    {
        var mail = app.MapGroup("/api/mail/quarantine").WithTags("Mail");
        mail.MapGet("/", ListQuarantine).Requires(Capability.MailQuarantine);
        mail.MapPost("/{id:guid}/lead", MakeLead).Requires(Capability.MailQuarantine);
        mail.MapPost("/{id:guid}/attach", Attach).Requires(Capability.MailQuarantine);
        mail.MapPost("/{id:guid}/discard", Discard).Requires(Capability.MailQuarantine);
    }

    private static async Task<Ok<List<QuarantineItem>>> ListQuarantine(bool? open, int? limit, MailboxStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListQuarantineAsync(limit ?? 200, open ?? false, ct)).Select(QuarantineItem.Of).ToList());

    private static async Task<Results<Ok<QuarantineItem>, ProblemHttpResult>> MakeLead(Guid id, MailLeadRequest? body, [AsParameters] MailServices s)
    {
        var (user, store, inquiries, clock, ct) = (s.User, s.Store, s.Inquiries, s.Clock, s.Ct);
        if (await Open(id, QuarantineStates.Lead, store, ct) is { } answer)
        {
            return answer;
        }

        var (found, message) = await Message(id, store, ct);
        if (message is null)
        {
            return NotKept();
        }

        var b = body ?? new MailLeadRequest(null, null, null, null, null);
        InquiryOutcome outcome;
        try
        {
            outcome = await inquiries.MakeLeadAsync(message, FallbackKey(found), null, new MailLeadDetails(b.Name, b.Phone, b.Email, b.Company, b.Department), user.Name());
        }
        catch (Rejection rejection)
        {
            return Problems.From(rejection.ToError());
        }

        await store.DecideAsync(id, QuarantineStates.Lead, user.Name(), clock.GetUtcNow(), outcome.ContactId, outcome.LeadId, outcome.DealId, ct);
        return await Decided(id, QuarantineStates.Lead, store, ct);
    }

    private static async Task<Results<Ok<QuarantineItem>, ProblemHttpResult>> Attach(Guid id, MailAttachRequest? body, [AsParameters] MailServices s)
    {
        var (user, store, inquiries, grains, access, clock, ct) = (s.User, s.Store, s.Inquiries, s.Grains, s.Access, s.Clock, s.Ct);
        if (body?.ContactId is not { } contactId || contactId == Guid.Empty)
        {
            return Problems.Invalid("contactId", "'contactId' names the customer the mail joins.");
        }

        if (await Open(id, QuarantineStates.Attached, store, ct) is { } answer)
        {
            return answer;
        }

        if (await grains.GetGrain<IContactGrain>(contactId).Get() is not { } contact)
        {
            return Problems.Invalid("contactId", $"Contact {contactId} does not exist.");
        }

        // The customer must be one the caller may see (with the matrix changed, mail.quarantine alone is not enough).
        if (await access.DenyAsync(user, Capability.ContactRead, ResourceKind.Contact, contactId.ToString(), ct) is { } denied)
        {
            return denied;
        }

        var (found, message) = await Message(id, store, ct);
        if (message is null)
        {
            return NotKept();
        }

        var outcome = await inquiries.AttachAsync(message, FallbackKey(found), null, contact, user.Name());
        await store.DecideAsync(id, QuarantineStates.Attached, user.Name(), clock.GetUtcNow(), outcome.ContactId, outcome.LeadId, outcome.DealId, ct);
        return await Decided(id, QuarantineStates.Attached, store, ct);
    }

    private static async Task<Results<Ok<QuarantineItem>, ProblemHttpResult>> Discard(Guid id, [AsParameters] MailServices s)
    {
        var (user, store, clock, ct) = (s.User, s.Store, s.Clock, s.Ct);
        if (await Open(id, QuarantineStates.Discarded, store, ct) is { } answer)
        {
            return answer;
        }

        await store.DecideAsync(id, QuarantineStates.Discarded, user.Name(), clock.GetUtcNow(), null, null, null, ct);
        return await Decided(id, QuarantineStates.Discarded, store, ct);
    }

    // The intake's fallback key for a mail without a Message-Id: the same inquiry whoever makes it.
    private static string FallbackKey(QuarantinedMail m) => $"{m.Mailbox}/{m.UidValidity}/{m.Uid}";

    /// <summary>Null while the mail is open; otherwise the answer: 404, the earlier same decision (200), or 409 naming who decided what.</summary>
    private static async Task<Results<Ok<QuarantineItem>, ProblemHttpResult>?> Open(Guid id, string state, MailboxStore store, CancellationToken ct)
    {
        if (await store.GetQuarantinedAsync(id, ct) is not { } found)
        {
            return Problems.NotFound($"No quarantined mail {id}.");
        }

        return found.Mail.State == QuarantineStates.Open ? null : Answer(found.Mail, state);
    }

    private static async Task<Results<Ok<QuarantineItem>, ProblemHttpResult>> Decided(Guid id, string state, MailboxStore store, CancellationToken ct) =>
        await store.GetQuarantinedAsync(id, ct) is { } found ? Answer(found.Mail, state) : Problems.NotFound($"No quarantined mail {id}.");

    private static Results<Ok<QuarantineItem>, ProblemHttpResult> Answer(QuarantinedMail mail, string state) =>
        mail.State == state
            ? TypedResults.Ok(QuarantineItem.Of(mail))
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already decided",
                detail: $"This mail was already {mail.State} by {mail.DecidedBy} at {mail.DecidedAt:u}.",
                extensions: new Dictionary<string, object?> { ["state"] = mail.State });

    private static ProblemHttpResult NotKept() => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Message not kept",
        detail: "This mail was quarantined before messages were kept (or was too large): find it in the mailbox's quarantine folder.");

    private static async Task<(QuarantinedMail Mail, MimeMessage? Message)> Message(Guid id, MailboxStore store, CancellationToken ct)
    {
        var (mail, raw) = (await store.GetQuarantinedAsync(id, ct))!.Value;
        if (raw is null)
        {
            return (mail, null);
        }

        using var stream = new MemoryStream(raw);
        return (mail, await MimeMessage.LoadAsync(stream, ct));
    }
}
