using Microsoft.Extensions.Options;
using MimeKit;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Domain.Leads.Mail;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Leads;

/// <summary>What became of a mail the intake read: an inquiry's outcome, or why it is quarantined or filed.</summary>
public sealed record MailHandled(string? Reason, bool Automatic, InquiryOutcome? Outcome = null, MailTemplate? Template = null);

/// <summary>
/// One way from a mail to an inquiry, for the intake and for a person deciding on a quarantined mail: the mail reader,
/// the same normalising and routing (<see cref="InquiryIntake"/>), the inquiry key from the Message-Id (so each path is
/// idempotent and a mail is never two inquiries), and its files as documents.
/// </summary>
public sealed class MailInquiries(
    MailReader reader,
    InquiryIntake intake,
    InquiryDocuments documents,
    IOptions<DocumentOptions> documentOptions,
    IGrainFactory grains,
    TimeProvider clock,
    ILogger<MailInquiries> logger) : IMailInquiries
{
    public MailReader Reader => reader;

    /// <summary>The intake's reading: an inquiry, or the reason it is filed (automatic) or quarantined (unreadable).</summary>
    public async Task<MailHandled> IngestAsync(MimeMessage message, string fallbackKey, string? mailbox)
    {
        var read = reader.Read(message, mailbox);
        switch (read.Kind)
        {
            case MailKind.Automatic or MailKind.Loop:
                return new MailHandled(read.Reason, true);
            case MailKind.Unreadable:
                return new MailHandled(read.Reason, false);
        }

        var key = MailReader.KeyOf(message.MessageId, fallbackKey);
        InquiryInfo inquiry;
        try
        {
            inquiry = intake.Prepare(Raw(key, read, null, null));
        }
        catch (Rejection ex)
        {
            return new MailHandled($"{ex.Field}: {ex.Message}", false);
        }

        var outcome = await intake.SubmitAsync(inquiry);
        await documents.AttachAsync(key, outcome, Files(read, key));
        return new MailHandled(null, false, outcome, read.Template);
    }

    /// <summary>
    /// A person makes a lead of a quarantined or filed mail: read as an inquiry whatever its headers said, with the
    /// contact data they give over what the mail holds. Throws a <see cref="Rejection"/> naming the field when it
    /// still cannot be one (no phone and no address). The same key as the intake: asking twice makes one lead.
    /// </summary>
    public async Task<InquiryOutcome> MakeLeadAsync(MimeMessage message, string fallbackKey, string? mailbox, MailLeadDetails details, string person)
    {
        var read = reader.Read(message, mailbox, byPerson: true);
        if (read.Kind != MailKind.Inquiry)
        {
            throw Rejection.Invalid("message", read.Reason ?? "The mail cannot be read as an inquiry.");
        }

        read = read with
        {
            Name = Given(details.Name) ?? read.Name,
            // Typed for this mail: read in its region (a German mailbox's "0711 123456").
            Phone = Given(details.Phone) is { } typed
                ? reader.NormalizePhone(typed, read.Region) ?? throw Rejection.Invalid("phone", $"'{(typed.Length <= 40 ? typed : typed[..40] + "…")}' is not a phone number.")
                : read.Phone,
            Email = Given(details.Email) ?? read.Email,
            Company = Given(details.Company) ?? read.Company,
        };
        var key = MailReader.KeyOf(message.MessageId, fallbackKey);
        var inquiry = intake.Prepare(Raw(key, read, Given(details.Department), person));
        var outcome = await intake.SubmitAsync(inquiry);
        await documents.AttachAsync(key, outcome, Files(read, key));
        return outcome;
    }

    /// <summary>A person attaches the mail to a contact they chose: it joins that contact's history (lead or deal) with its files.</summary>
    public async Task<InquiryOutcome> AttachAsync(MimeMessage message, string fallbackKey, string? mailbox, ContactView contact, string person)
    {
        var read = reader.Read(message, mailbox, byPerson: true);
        var key = MailReader.KeyOf(message.MessageId, fallbackKey);
        var subject = TextHygiene.Clean(message.Subject ?? "", multiline: false).Trim();
        var need = read.Need ?? (subject.Length > 0 ? subject : MailReader.Excerpt(message));
        need = need.Length <= InquiryIntake.MaxNeedLength ? need : need[..(InquiryIntake.MaxNeedLength - 1)] + "…";
        var channel = Channel(read.Template);
        // The contact's own data stays as it is: only the person's choice ties the mail to them, not its addresses.
        var inquiry = new InquiryInfo(key, channel, clock.GetUtcNow(), contact.Name, null, null, null, need, contact.Department,
            $"attached to the contact by {person}", person);
        var outcome = await grains.GetGrain<IInquiryGrain>(key).AttachTo(inquiry, contact.Id);
        await documents.AttachAsync(key, outcome, Files(read, key));
        return outcome;
    }

    private static RawInquiry Raw(string key, MailReading read, string? department, string? person)
    {
        var channel = Channel(read.Template);
        return new RawInquiry(key, channel, read.Name, read.Phone, read.Email, read.Company, read.Need,
            new RoutingInput(channel, Mailbox: read.Mailbox, Fields: read.Fields, Text: read.Need), department, person);
    }

    private static LeadChannel Channel(MailTemplate? template) => template switch
    {
        MailTemplate.ChatTranscript => LeadChannel.Chat,
        MailTemplate.FeedbackForm => LeadChannel.WebForm,
        _ => LeadChannel.Email,
    };

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// The mail's files (a forwarded mail as its .eml and its own files; no S/MIME signatures) and, for a long mail, its
    /// whole text; one larger than documents may be is left out (and logged), not fatal. The order is stable: a mail
    /// read again gives every file the same place and so the same document id.
    /// </summary>
    private List<IncomingFile> Files(MailReading read, string key)
    {
        var files = new List<IncomingFile>();
        foreach (var entity in read.Attachments ?? [])
        {
            using var content = new MemoryStream();
            string name, type;
            if (entity is MessagePart { Message: { } forwarded } part)
            {
                forwarded.WriteTo(content);
                name = part.ContentDisposition?.FileName ?? part.ContentType.Name ?? $"{forwarded.Subject ?? "forwarded"}.eml";
                type = "message/rfc822";
            }
            else if (entity is MimePart mime)
            {
                mime.Content?.DecodeTo(content);
                name = mime.FileName ?? "";
                type = mime.ContentType.MimeType;
            }
            else
            {
                continue;
            }

            name = TextHygiene.Clean(Path.GetFileName(name), multiline: false);
            name = string.IsNullOrWhiteSpace(name) ? $"attachment-{files.Count + 1}" : Truncate(name, 255);
            if (content.Length == 0 || content.Length > documentOptions.Value.MaxBytes)
            {
                logger.LogWarning("Mail {Key}: attachment '{Name}' of {Bytes} bytes left out (empty or over {Max})",
                    key, name, content.Length, documentOptions.Value.MaxBytes);
                continue;
            }

            files.Add(new IncomingFile(name, type, content.ToArray()));
        }

        if (read.FullText is { } whole)
        {
            files.Add(new IncomingFile("mail-text.txt", "text/plain", System.Text.Encoding.UTF8.GetBytes(whole)));
        }

        return files;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
