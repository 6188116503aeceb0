using MimeKit;

namespace SalesOrleans.Domain.Leads.Mail;

/// <summary>
/// Mail a program sent on its own: auto-replies (RFC 3834 and the older X-Autoreply / Precedence conventions), delivery
/// reports, mailing-list mail. None of it is an inquiry, and nothing in it is a customer's identity. Pure.
/// </summary>
public static class AutomaticMail
{
    private static readonly string[] DaemonLocalParts = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"];

    /// <summary>Why the message is automatic ("out-of-office reply (Auto-Submitted: auto-replied)"), or null for mail a person sent.</summary>
    public static string? Classify(MimeMessage message)
    {
        var headers = message.Headers;
        if (headers["Auto-Submitted"] is { } submitted && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"automatic reply (Auto-Submitted: {Short(submitted)})";
        }

        if (headers["X-Autoreply"] is not null || headers["X-Autorespond"] is not null || headers["X-Autoresponder"] is not null)
        {
            return "automatic reply (X-Autoreply)";
        }

        if (headers["X-Auto-Response-Suppress"] is { } suppress && headers["X-MS-Exchange-Inbox-Rules-Loop"] is not null)
        {
            return $"automatic reply (Exchange inbox rule, X-Auto-Response-Suppress: {Short(suppress)})";
        }

        if (headers["Precedence"] is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "junk" or "list" or "auto_reply" or "auto-reply")
        {
            return $"automatic mail (Precedence: {Short(precedence)})";
        }

        if (message.Body is MultipartReport || IsReport(message.Body))
        {
            return "delivery report (multipart/report)";
        }

        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? message.Sender?.Address;
        if (from is not null && from.IndexOf('@') is var at and > 0 && DaemonLocalParts.Contains(from[..at].ToLowerInvariant()))
        {
            return $"delivery report from {from}";
        }

        // The null reverse path (Return-Path: <>) is what delivery reports and auto-replies are sent with (RFC 3834 3.3).
        if (headers["Return-Path"] is { } path && path.Trim() == "<>")
        {
            return "automatic mail (empty Return-Path)";
        }

        if (headers["List-Id"] is { } listId)
        {
            return $"list mail (List-Id: {Short(listId)})";
        }

        if (headers["List-Unsubscribe"] is not null)
        {
            return "list mail (List-Unsubscribe)";
        }

        return null;
    }

    private static bool IsReport(MimeEntity? body) => body is not null && (body.ContentType.IsMimeType("multipart", "report")
        || (body is Multipart multipart && multipart.Any(p => p.ContentType.IsMimeType("message", "delivery-status") || p.ContentType.IsMimeType("message", "disposition-notification"))));

    private static string Short(string value)
    {
        var v = TextHygiene.Clean(value.Trim(), multiline: false);
        return v.Length <= 60 ? v : v[..60] + "…";
    }
}
