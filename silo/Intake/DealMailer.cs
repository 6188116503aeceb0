using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesOrleans.Domain.Deals;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Intake;

/// <summary>
/// Sends the mails managers write from deals (the deal_mail outbox) through the same SMTP server as notifications:
/// claimed with a lease (two nodes never send the same), retried with backoff while SMTP is down, sent with a
/// Message-Id derived from the mail's id. A person's mail: From the manager at our sales address, Reply-To the intake
/// mailbox (so the customer's answer joins their history), and no Auto-Submitted header (that marks notifications).
/// Once sent, the deal's journal gets its line (keyed by the mail, so a retried note is written once).
/// </summary>
public sealed class DealMailer(
    IOptions<SmtpOptions> options,
    DealMailStore store,
    IGrainFactory grains,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<DealMailer> logger) : BackgroundService
{
    private const int Batch = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private SmtpOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!O.Enabled || !await NodeStarted.WaitAsync(lifetime, stoppingToken))
        {
            return;
        }

        await SmtpOutbox.PollAsync(async ct =>
        {
            var due = await store.ClaimDueAsync(Batch, Lease, ct);
            if (due.Count > 0)
            {
                await SendAsync(due, ct);
            }

            return due.Count;
        }, Batch, O.PollInterval, logger, "Deal mailer", stoppingToken);
    }

    /// <summary>The message as the customer receives it.</summary>
    public static MimeMessage Message(DealMailRecord m, byte[]? attachment)
    {
        var message = new MimeMessage { Subject = m.Subject, MessageId = $"deal-mail.{m.Id:N}@salesorleans", Date = m.CreatedAt };
        message.From.Add(new MailboxAddress(m.SenderName, m.FromAddress));
        message.ReplyTo.Add(MailboxAddress.Parse(m.ReplyTo));
        message.To.Add(new MailboxAddress(m.ToName ?? "", m.ToAddress));
        message.Headers.Add("Content-Language", m.Language);
        var body = new BodyBuilder { TextBody = m.Body };
        if (attachment is not null && m.AttachmentName is { } name)
        {
            body.Attachments.Add(name, attachment, ContentType.Parse("application/pdf"));
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    private async Task SendAsync(IReadOnlyList<DueDealMail> due, CancellationToken ct)
    {
        using var smtp = new SmtpClient();
        var connectError = due.Any(d => d.Mail.Status == "pending") ? await SmtpOutbox.ConnectAsync(smtp, O, ct) : null;

        foreach (var (mail, attachment) in due)
        {
            if (mail.Status == "pending")
            {
                try
                {
                    if (connectError is not null)
                    {
                        throw connectError;
                    }

                    await smtp.SendAsync(Message(mail, attachment), ct);
                    await store.MarkSentAsync(mail.Id, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var delay = SmtpOutbox.RetryDelay(O, mail.Attempts);
                    await store.MarkFailedAsync(mail.Id, ex.Message, clock.GetUtcNow() + delay, ct);
                    logger.LogWarning("Deal mail {Mail} to {To} not sent (attempt {Attempt}): {Error}; retry in {Delay}", mail.Id, mail.ToAddress, mail.Attempts + 1, ex.Message, delay);
                    continue;
                }
            }

            try
            {
                var result = await grains.GetGrain<IDealGrain>(mail.DealId).AddNote(
                    new AddNoteCommand(DealMail.JournalText(mail.ToAddress, mail.Subject, mail.AttachmentName), $"mail:{mail.Id:N}"), new ActorInfo(mail.Sender, []));
                if (!result.Ok)
                {
                    logger.LogWarning("Deal mail {Mail}: the deal's journal refused its line: {Error}", mail.Id, result.Error!.Message);
                }

                await store.MarkJournalledAsync(mail.Id, null, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await store.MarkJournalledAsync(mail.Id, clock.GetUtcNow() + O.RetryDelay, ct);
                logger.LogWarning(ex, "Deal mail {Mail}: journal line not written yet; retried", mail.Id);
            }
        }

        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(true, ct);
        }
    }
}
