using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Domain.Leads.Mail;
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

    /// <summary>Where automatic mail (auto-replies, delivery reports, list mail) and mail loops are filed; not leads.</summary>
    public string FiledFolder { get; set; } = "Automatic";

    /// <summary>Socket security and a certificate to trust (Mail:Tls).</summary>
    public MailTlsOptions Tls { get; set; } = new();

    /// <summary>Our own domains, addresses and phones (never a customer's), our chat operators, and our notification senders.</summary>
    public OwnIdentities OwnIdentities { get; set; } = new();

    /// <summary>Region for national numbers in this mailbox ("DE" reads 030 1234567 as +49 30 1234567); default Leads:DefaultRegion.</summary>
    public string? Region { get; set; }

    /// <summary>Region per receiving address, for a mailbox that receives several (vertrieb@… "DE", sales@… "RU").</summary>
    public Dictionary<string, string> MailboxRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Region per department ("industrial": "DE"): mail to a department's mailbox (a Leads:Routing Mailbox rule) without a region of its own.</summary>
    public Dictionary<string, string> DepartmentRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Watches one IMAP folder with IDLE (polling when the server has none) and turns each new mail into an inquiry,
/// exactly once: the UIDVALIDITY/UID high-water mark in PostgreSQL moves only after a mail is handled, and the
/// inquiry key is the Message-Id, so a mail read twice (a crash before the mark moved, a reset mark) changes nothing.
/// A mail no template can read goes to the quarantine folder with its reason; the watcher never stops for one.
/// </summary>
public sealed class MailIntakeService(
    IOptions<MailOptions> options,
    MailInquiries inquiries,
    MailIntakeHealth health,
    IOptions<LeadOptions> leadOptions,
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

        health.Enabled();
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
                health.Failed($"{MailboxKey}: {ex.Message}");
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
        client.ServerCertificateValidationCallback = MailTls.Validator(O.Tls);
        await client.ConnectAsync(O.Host, O.Port, MailTls.SocketOptions(O.Tls, O.UseSsl), ct);
        await client.AuthenticateAsync(O.User, O.Password, ct);
        var folder = await client.GetFolderAsync(O.Folder, ct);
        var quarantine = await SubfolderAsync(client, O.QuarantineFolder, ct);
        var filed = await SubfolderAsync(client, O.FiledFolder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        health.Connected();
        logger.LogInformation("Mailbox {Mailbox}: watching (IDLE {Idle})", MailboxKey, client.Capabilities.HasFlag(ImapCapabilities.Idle));
        while (!ct.IsCancellationRequested)
        {
            await ProcessNewAsync(folder, quarantine, filed, ct);
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

    private static async Task<IMailFolder> SubfolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await root.GetSubfolderAsync(name, ct);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(name, isMessageFolder: true, ct)
                ?? throw new InvalidOperationException($"The IMAP server did not create the '{name}' folder.");
        }
    }

    /// <summary>Every mail above the mark, in UID order; the mark moves after each one.</summary>
    private async Task ProcessNewAsync(IMailFolder folder, IMailFolder quarantine, IMailFolder filed, CancellationToken ct)
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
            var handled = await inquiries.IngestAsync(message, $"{MailboxKey}/{validity}/{uid.Id}", O.Address);
            if (handled.Outcome is { } outcome)
            {
                logger.LogInformation("Mailbox {Mailbox}: mail {Uid} ({Template}) → {Outcome} contact {Contact}", MailboxKey, uid.Id, handled.Template, outcome.Kind, outcome.ContactId);
            }
            else if (handled.Reason is { } reason)
            {
                // Automatic mail and loops are filed (recorded as "filed: …"); the rest waits in quarantine for a person,
                // who is told (the head of sales), and whose page can still make a lead of it: the message is kept.
                var automatic = handled.Automatic;
                await folder.MoveToAsync(uid, automatic ? filed : quarantine, ct);
                var sender = Clip(message.From.Mailboxes.FirstOrDefault()?.Address, 320);
                var subject = Clip(message.Subject, 998);
                var excerpt = Clip(MailReader.Excerpt(message), 1000, multiline: true);
                var head = automatic ? null : leadOptions.Value.HeadOfSales is { Length: > 0 } h ? h : null;
                await store.QuarantineAsync(
                    new QuarantinedMail(MailboxKey, validity, uid.Id, Clip(message.MessageId, 998), sender, subject, (automatic ? FiledPrefix : "") + reason,
                        clock.GetUtcNow(), Guid.NewGuid(), excerpt, message.Date == DateTimeOffset.MinValue ? null : message.Date),
                    Raw(message), head, head is null ? null : NotificationTemplates.MailQuarantined(sender, subject, reason, excerpt), ct);
                if (automatic)
                {
                    logger.LogInformation("Mailbox {Mailbox}: mail {Uid} ({MessageId}) filed: {Reason}", MailboxKey, uid.Id, message.MessageId, reason);
                }
                else
                {
                    logger.LogWarning("Mailbox {Mailbox}: mail {Uid} ({MessageId}) quarantined: {Reason}", MailboxKey, uid.Id, message.MessageId, reason);
                }
            }

            await store.SetMarkAsync(MailboxKey, new MailboxMark(validity, uid.Id), ct);
        }
    }

    /// <summary>The reason of a quarantined or filed mail starts with this when it was filed as automatic (not for a person to act on).</summary>
    public const string FiledPrefix = "filed: ";


    /// <summary>The message as received, for a person's later decision; one larger than a document may be is not kept.</summary>
    private static byte[]? Raw(MimeMessage message)
    {
        using var content = new MemoryStream();
        message.WriteTo(content);
        return content.Length <= MaxKeptBytes ? content.ToArray() : null;
    }

    private const int MaxKeptBytes = 32 * 1024 * 1024;

    private static string? Clip(string? value, int max, bool multiline = false) => value is null ? null : Truncate(TextHygiene.Clean(value, multiline), max);

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
