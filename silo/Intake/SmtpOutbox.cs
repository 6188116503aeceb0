using MailKit.Net.Smtp;

namespace SalesOrleans.Silo.Intake;

/// <summary>
/// What the two mail outboxes (notification mails, mails written from deals) share: the polling loop over their
/// leased claims and the SMTP connection a round sends through. Each keeps its own table, message and journal.
/// </summary>
public static class SmtpOutbox
{
    /// <summary>
    /// Runs rounds until the node stops: a round claims up to <paramref name="batch"/> mails and sends them; a short
    /// round (the table drained) or a failed one waits <paramref name="interval"/> before the next.
    /// </summary>
    public static async Task PollAsync(Func<CancellationToken, Task<int>> round, int batch, TimeSpan interval, ILogger logger, string what, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await round(stoppingToken) < batch)
                {
                    await Task.Delay(interval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "{What}: a round failed", what);
                await Task.Delay(interval, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Connects (and signs in) with the configured TLS; a failure is returned, not thrown, so each claimed mail records
    /// it and gets its own retry time.
    /// </summary>
    public static async Task<Exception?> ConnectAsync(SmtpClient smtp, SmtpOptions o, CancellationToken ct)
    {
        try
        {
            smtp.ServerCertificateValidationCallback = MailTls.Validator(o.Tls);
            await smtp.ConnectAsync(o.Host, o.Port, MailTls.SocketOptions(o.Tls, o.UseSsl), ct);
            if (!string.IsNullOrEmpty(o.User))
            {
                await smtp.AuthenticateAsync(o.User, o.Password ?? "", ct);
            }

            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex;
        }
    }

    /// <summary>When a mail that failed <paramref name="attempts"/> times before is tried again: doubling, capped.</summary>
    public static TimeSpan RetryDelay(SmtpOptions o, int attempts) =>
        TimeSpan.FromTicks(Math.Min(o.MaxRetryDelay.Ticks, o.RetryDelay.Ticks * (1L << Math.Min(attempts, 20))));
}
