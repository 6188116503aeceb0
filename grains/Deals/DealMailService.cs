using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SalesOrleans.Documents;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Deals;

/// <summary>Configuration section "DealMail": how a manager's mail from a deal goes out, so that the customer's reply comes back to intake.</summary>
public sealed class DealMailOptions
{
    public const string Section = "DealMail";

    /// <summary>The address the mail is sent from (with the manager's name); Mail:Address, else sales@salesorleans.test, when unset. Never the notifications' sender (a loop).</summary>
    public string? From { get; set; }

    /// <summary>Where the customer's reply goes: the watched intake mailbox (Mail:Address) when unset.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>Our switchboard; the manager's phone is this with their extension.</summary>
    public string? Phone { get; set; }
}

/// <summary>
/// Outgoing mail from a deal: the preview of a template filled from the deal (<see cref="DealMail"/>), and the queueing
/// of the mail the manager sends into the deal_mail outbox (once per mail id; the proposal PDF's bytes go with it, so a
/// retry sends the same). The silo's mailer sends it and writes the deal's journal.
/// </summary>
public sealed class DealMailService(
    IGrainFactory grains,
    DealMailStore store,
    DocumentStore documents,
    ProposalService proposals,
    UserDirectory users,
    UserLanguageStore languages,
    IOptions<DealMailOptions> options,
    IOptions<DocumentOptions> documentOptions,
    IConfiguration configuration) : IDealMailService
{
    /// <summary>The sending address (Reply-To goes to intake).</summary>
    public string FromAddress => Pick(options.Value.From, configuration["Mail:Address"], "sales@salesorleans.test");

    public string ReplyToAddress => Pick(options.Value.ReplyTo, configuration["Mail:Address"], FromAddress);

    /// <summary>The template filled for the deal; null when the deal does not exist. Throws a <see cref="Rejection"/> naming the field.</summary>
    public async Task<DealMailDraft?> ComposeAsync(Guid dealId, Guid? templateId, string? language, string person, CancellationToken ct = default)
    {
        if (await grains.GetGrain<IDealGrain>(dealId).Get() is not { } deal)
        {
            return null;
        }

        var template = await TemplateAsync(templateId, ct);
        var lang = template?.Language ?? Languages.Of(language) ?? Languages.Of(await languages.GetAsync(person, ct)) ?? Languages.Neutral;
        var (recipients, contactName) = await RecipientsAsync(deal);
        var facts = Facts(deal, contactName, lang);
        var filled = template is null
            ? new FilledMail(deal.Title, "", [])
            : DealMail.Fill(new MailTemplateText(template.Name, lang, template.Subject, template.Body), facts);
        return new DealMailDraft(recipients.FirstOrDefault(), contactName, recipients, filled.Subject, filled.Body, lang, template?.Id, filled.Missing,
            deal.Documents.Any(d => d.Kind == "proposal"));
    }

    /// <summary>
    /// Queues the mail; a repeat of the same mail id answers the stored mail and queues nothing. Null when the deal does
    /// not exist. Throws a <see cref="Rejection"/> naming the field (nothing queued).
    /// </summary>
    public async Task<(DealMailRecord Mail, bool Created)?> QueueAsync(Guid dealId, DealMailRequest request, ActorInfo actor, CancellationToken ct = default)
    {
        if (request.MailId == Guid.Empty)
        {
            throw Rejection.Invalid("mailId", "'mailId' (a new id per composed mail, so a repeat sends nothing twice) is required.");
        }

        await using var held = await store.LockAsync(request.MailId, ct);
        if (await store.GetAsync(request.MailId, ct) is { } existing)
        {
            return existing.DealId == dealId
                ? (existing, false)
                : throw new Rejection(RejectionCode.Conflict, $"Mail {request.MailId} belongs to another deal.", "mailId");
        }

        if (await grains.GetGrain<IDealGrain>(dealId).Get() is not { } deal)
        {
            return null;
        }

        var template = await TemplateAsync(request.TemplateId, ct);
        var (subject, body) = DealMail.ValidateMail(request.Subject, request.Body);
        var (recipients, contactName) = await RecipientsAsync(deal);
        if (recipients.Count == 0)
        {
            throw Rejection.Invalid("to", deal.ContactId is null
                ? "The deal has no contact record with an e-mail address: link the deal to a contact first."
                : "The deal's contact has no e-mail address: add one to the contact first.");
        }

        var to = recipients[0];
        if (!string.IsNullOrWhiteSpace(request.To))
        {
            to = recipients.FirstOrDefault(r => string.Equals(r, request.To.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw Rejection.Invalid("to", "'to' is one of the deal contact's e-mail addresses.");
        }

        var lang = template?.Language ?? Languages.Of(request.Language) ?? Languages.Of(await languages.GetAsync(actor.User, ct)) ?? Languages.Neutral;
        string? attachmentName = null;
        byte[]? attachment = null;
        if (request.AttachProposal)
        {
            (attachmentName, attachment) = await ProposalAsync(deal, actor, ct);
        }

        var sender = users.Find(actor.User);
        var senderName = $"{sender?.DisplayName ?? actor.User}, {documentOptions.Value.SellerName}";
        var record = new DealMailRecord(request.MailId, dealId, deal.CompanyId, deal.ContactId, actor.User, senderName, FromAddress, ReplyToAddress,
            to, contactName, subject, body, lang, template?.Id, attachmentName, DateTimeOffset.UtcNow, "pending", 0, null, null, false);
        var (mail, created) = await store.QueueAsync(record, attachment, ct);
        return mail.DealId == dealId ? (mail, created) : throw new Rejection(RejectionCode.Conflict, $"Mail {request.MailId} belongs to another deal.", "mailId");
    }

    private async Task<MailTemplateRecord?> TemplateAsync(Guid? templateId, CancellationToken ct) => templateId is not { } id
        ? null
        : await store.GetTemplateAsync(id, ct) ?? throw Rejection.Invalid("templateId", $"There is no mail template {id}.");

    /// <summary>The deal contact record's addresses and name (the deal's contact text when it has no record).</summary>
    private async Task<(IReadOnlyList<string> Recipients, string? Name)> RecipientsAsync(DealView deal)
    {
        if (deal.ContactId is not { } contactId || await grains.GetGrain<IContactGrain>(contactId).Get() is not { } contact)
        {
            return ([], deal.Contact);
        }

        return (contact.Emails.ToList(), contact.Name ?? deal.Contact);
    }

    private DealMailFacts Facts(DealView deal, string? contactName, string language)
    {
        var owner = users.Find(deal.Owner);
        return new DealMailFacts(deal.Company, contactName, deal.Title, deal.Amount, deal.Currency, owner?.DisplayName ?? deal.Owner,
            DealMail.Phone(options.Value.Phone ?? configuration["Mail:OwnIdentities:Phones:0"], owner?.Extension, language), owner?.Email,
            documentOptions.Value.SellerName);
    }

    /// <summary>The deal's latest proposal; one is made (and attached to the deal) when it has none.</summary>
    private async Task<(string Name, byte[] Content)> ProposalAsync(DealView deal, ActorInfo actor, CancellationToken ct)
    {
        var latest = deal.Documents.Where(d => d.Kind == "proposal").OrderByDescending(d => d.AttachedAt).FirstOrDefault();
        Guid? id = latest?.Id;
        if (id is null)
        {
            var (result, made) = await proposals.AttachProposalAsync(deal.Id, actor, ct);
            if (!result.Ok || made is null)
            {
                throw Rejection.Invalid("attachProposal", $"The proposal could not be made: {result.Error?.Message}");
            }

            id = made;
        }

        var document = await documents.GetAsync(deal.Id, id.Value, ct)
            ?? throw Rejection.Invalid("attachProposal", "The deal's proposal could not be read.");
        return (document.FileName, document.Content);
    }

    private static string Pick(params string?[] values) => values.First(v => !string.IsNullOrWhiteSpace(v))!.Trim();
}
