using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using SalesOrleans.Domain.Leads;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Intake;

/// <summary>Configuration section "Smtp": where notification e-mails go out.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public bool Enabled { get; set; }

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 25;

    /// <summary>TLS from the first byte (port 465); otherwise STARTTLS when the server offers it.</summary>
    public bool UseSsl { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "SalesOrleans <noreply@salesorleans.test>";

    /// <summary>Links in mails point here (the node's public address); Web:PublicUrl when unset.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Socket security and a certificate to trust (Smtp:Tls).</summary>
    public MailTlsOptions Tls { get; set; } = new();

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Notifications older than this are no longer mailed (e.g. when mail is switched on later).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Mails in-app notifications through SMTP from the notification table, so sending never blocks a grain. Claims are
/// leased (two nodes never send the same one); a failed send is retried with exponential backoff.
/// </summary>
public sealed class NotificationMailer(
    IOptions<SmtpOptions> options,
    IConfiguration configuration,
    NotificationStore store,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<NotificationMailer> logger) : BackgroundService
{
    private const int Batch = 50;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private SmtpOptions O => options.Value;

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

        await SmtpOutbox.PollAsync(async ct =>
        {
            var due = await store.ClaimDueAsync(Batch, O.MaxAge, Lease, ct);
            if (due.Count > 0)
            {
                await SendAsync(due, ct);
            }

            return due.Count;
        }, Batch, O.PollInterval, logger, "Notification mailer", stoppingToken);
    }

    private async Task SendAsync(IReadOnlyList<PendingMail> due, CancellationToken ct)
    {
        using var smtp = new SmtpClient();
        var connectError = await SmtpOutbox.ConnectAsync(smtp, O, ct);

        foreach (var mail in due)
        {
            if (mail.Email is null)
            {
                await store.RecordAsync(mail, "no-address", null, ct);
                continue;
            }

            try
            {
                if (connectError is not null)
                {
                    throw connectError;
                }

                var (subject, body) = NotificationTemplates.Render(mail.DisplayName ?? mail.Recipient, mail.Text, mail.Source, mail.SourceId, O.BaseUrl ?? configuration["Web:PublicUrl"], mail.Language);
                var message = new MimeMessage { Subject = subject, Date = mail.At, MessageId = $"{mail.Source}.{mail.SourceId:N}.{mail.Seq}@salesorleans" };
                message.From.Add(MailboxAddress.Parse(O.From));
                // RFC 3834: a program sent this; auto-responders and our own intake must not answer it (no mail loops).
                message.Headers.Add("Auto-Submitted", "auto-generated");
                message.Headers.Add("X-Auto-Response-Suppress", "All");
                message.To.Add(new MailboxAddress(mail.DisplayName ?? mail.Recipient, mail.Email));
                message.Body = new TextPart("plain") { Text = body };
                await smtp.SendAsync(message, ct);
                await store.RecordAsync(mail, "sent", null, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = SmtpOutbox.RetryDelay(O, mail.Attempts);
                await store.RecordAsync(mail, null, clock.GetUtcNow() + delay, ct);
                logger.LogWarning("Notification for {Recipient} not mailed (attempt {Attempt}): {Error}; retry in {Delay}", mail.Recipient, mail.Attempts + 1, ex.Message, delay);
            }
        }

        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(true, ct);
        }
    }
}
