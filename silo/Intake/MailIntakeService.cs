using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Intake;

/// <summary>Configuration section "Mail": the IMAP mailbox leads arrive in.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    public bool Enabled { get; set; }

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 143;

    /// <summary>TLS from the first byte (IMAPS, port 993); otherwise STARTTLS when the server offers it.</summary>
    public bool UseSsl { get; set; }

    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public string Folder { get; set; } = "INBOX";

    public string QuarantineFolder { get; set; } = "Quarantine";

    /// <summary>The address the mailbox receives for (routing by mailbox when a mail names none we know).</summary>
    public string? Address { get; set; }

    /// <summary>Polling interval when the server has no IDLE; also the longest IDLE before it is renewed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Watches one IMAP folder with IDLE (polling when the server has none) and turns each new mail into an inquiry,
/// exactly once: the UIDVALIDITY/UID high-water mark in PostgreSQL moves only after a mail is handled, and the
/// inquiry key is the Message-Id, so a mail read twice (a crash before the mark moved, a reset mark) changes nothing.
/// A mail no template can read goes to the quarantine folder with its reason; the watcher never stops for one.
/// </summary>
public sealed class MailIntakeService(
    IOptions<MailOptions> options,
    InquiryIntake intake,
    InquiryDocuments inquiryDocuments,
    IOptions<DocumentOptions> documentOptions,
    MailboxStore store,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<MailIntakeService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private MailOptions O => options.Value;

    private string MailboxKey => $"{O.User}@{O.Host}:{O.Port}/{O.Folder}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!O.Enabled)
        {
            return;
        }

        if (!await NodeStarted.WaitAsync(lifetime, stoppingToken))
        {
            return;
        }

        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Mailbox {Mailbox}: watcher failed; reconnecting in {Delay}", MailboxKey, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
                continue;
            }
        }
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(O.Host, O.Port, O.UseSsl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, ct);
        await client.AuthenticateAsync(O.User, O.Password, ct);
        var folder = await client.GetFolderAsync(O.Folder, ct);
        var quarantine = await QuarantineFolderAsync(client, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        logger.LogInformation("Mailbox {Mailbox}: watching (IDLE {Idle})", MailboxKey, client.Capabilities.HasFlag(ImapCapabilities.Idle));
        while (!ct.IsCancellationRequested)
        {
            await ProcessNewAsync(folder, quarantine, ct);
            if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                // IDLE until the folder changes (new mail), at most the poll interval (servers drop long IDLEs).
                using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
                done.CancelAfter(O.PollInterval);
                void Changed(object? sender, EventArgs e) => done.Cancel();
                folder.CountChanged += Changed;
                try
                {
                    await client.IdleAsync(done.Token, ct);
                }
                finally
                {
                    folder.CountChanged -= Changed;
                }
            }
            else
            {
                await Task.Delay(O.PollInterval, ct);
                await client.NoOpAsync(ct);
            }
        }
    }

    private async Task<IMailFolder> QuarantineFolderAsync(ImapClient client, CancellationToken ct)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await root.GetSubfolderAsync(O.QuarantineFolder, ct);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(O.QuarantineFolder, isMessageFolder: true, ct)
                ?? throw new InvalidOperationException($"The IMAP server did not create the '{O.QuarantineFolder}' folder.");
        }
    }

    /// <summary>Every mail above the mark, in UID order; the mark moves after each one.</summary>
    private async Task ProcessNewAsync(IMailFolder folder, IMailFolder quarantine, CancellationToken ct)
    {
        if (folder.Count == 0)
        {
            return;
        }

        var validity = folder.UidValidity;
        var mark = await store.GetMarkAsync(MailboxKey, ct);
        var last = mark is not null && mark.UidValidity == validity ? (uint)mark.LastUid : 0;
        // "n:*" always includes the highest UID, even below n: filter again.
        var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(validity, last + 1), UniqueId.MaxValue)), ct))
            .Where(u => u.Id > last).OrderBy(u => u.Id).ToList();
        foreach (var uid in uids)
        {
            var message = await folder.GetMessageAsync(uid, ct);
            var reason = await HandleAsync(message, uid, validity);
            if (reason is not null)
            {
                await folder.MoveToAsync(uid, quarantine, ct);
                await store.QuarantineAsync(new QuarantinedMail(MailboxKey, validity, uid.Id, message.MessageId,
                    message.From.Mailboxes.FirstOrDefault()?.Address, message.Subject, reason, clock.GetUtcNow()), ct);
                logger.LogWarning("Mailbox {Mailbox}: mail {Uid} ({MessageId}) quarantined: {Reason}", MailboxKey, uid.Id, message.MessageId, reason);
            }

            await store.SetMarkAsync(MailboxKey, new MailboxMark(validity, uid.Id), ct);
        }
    }

    /// <summary>Makes the inquiry; answers the reason when the mail cannot be one. Other failures propagate (the mark stays).</summary>
    private async Task<string?> HandleAsync(MimeMessage message, UniqueId uid, uint validity)
    {
        var from = message.From.Mailboxes.FirstOrDefault();
        var to = message.To.Mailboxes.FirstOrDefault()?.Address ?? O.Address;
        var text = message.TextBody ?? HtmlToText(message.HtmlBody) ?? "";
        ParsedMail parsed;
        try
        {
            parsed = MailTemplates.Parse(new MailInfo(from?.Address, from?.Name, to, message.Subject ?? "", text));
        }
        catch (MailParseException ex)
        {
            return ex.Message;
        }

        // A loose phone match that libphonenumber rejects is dropped, not fatal, when an address remains.
        var phone = intake.Normalizer.NormalizePhone(parsed.Phone) is null ? null : parsed.Phone;
        var email = ContactNormalizer.NormalizeEmail(parsed.Email) is null ? null : parsed.Email;
        if (phone is null && email is null)
        {
            return $"No usable phone or e-mail address in the {parsed.Template} mail (found '{parsed.Phone}', '{parsed.Email}').";
        }

        var key = "mail:" + (string.IsNullOrWhiteSpace(message.MessageId) ? $"{MailboxKey}/{validity}/{uid.Id}" : message.MessageId.Trim());
        var channel = parsed.Template switch
        {
            MailTemplate.ChatTranscript => LeadChannel.Chat,
            MailTemplate.FeedbackForm => LeadChannel.WebForm,
            _ => LeadChannel.Email,
        };
        InquiryInfo inquiry;
        try
        {
            inquiry = intake.Prepare(new RawInquiry(key, channel, Truncate(parsed.Name, InquiryIntake.MaxNameLength), phone, email,
                Truncate(parsed.Company, InquiryIntake.MaxNameLength), parsed.Need, new RoutingInput(channel, Mailbox: to, Text: parsed.Need)));
        }
        catch (DealRejection ex)
        {
            return $"{ex.Field}: {ex.Message}";
        }

        var outcome = await intake.SubmitAsync(inquiry);
        await inquiryDocuments.AttachAsync(key, outcome, Attachments(message, uid));
        logger.LogInformation("Mailbox {Mailbox}: mail {Uid} ({Template}) → {Outcome} contact {Contact}", MailboxKey, uid.Id, parsed.Template, outcome.Kind, outcome.ContactId);
        return null;
    }

    /// <summary>The mail's attached files; one larger than documents may be is left out (and logged), not fatal.</summary>
    private List<IncomingFile> Attachments(MimeMessage message, UniqueId uid)
    {
        var files = new List<IncomingFile>();
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            var name = Path.GetFileName(part.FileName ?? "");
            name = string.IsNullOrWhiteSpace(name) ? $"attachment-{files.Count + 1}" : Truncate(name, 255)!;
            using var content = new MemoryStream();
            part.Content?.DecodeTo(content);
            if (content.Length == 0 || content.Length > documentOptions.Value.MaxBytes)
            {
                logger.LogWarning("Mailbox {Mailbox}: mail {Uid}: attachment '{Name}' of {Bytes} bytes left out (empty or over {Max})",
                    MailboxKey, uid.Id, name, content.Length, documentOptions.Value.MaxBytes);
                continue;
            }

            files.Add(new IncomingFile(name, part.ContentType.MimeType, content.ToArray()));
        }

        return files;
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    private static string? HtmlToText(string? html) =>
        html is null ? null : System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(html, @"<(br|/p|/div)\s*/?>", "\n", System.Text.RegularExpressions.RegexOptions.IgnoreCase), "<[^>]+>", ""));
}
