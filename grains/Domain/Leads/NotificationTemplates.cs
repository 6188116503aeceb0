namespace SalesOrleans.Domain.Leads;

public enum NotificationKind
{
    NewLead,
    Assigned,
    Overdue,
    KnownCustomer,
    Task,
    MailQuarantined,
    Other,
}

/// <summary>
/// The e-mail templates of notifications (issue 3): new lead to the supervisor, assignment to the manager, overdue
/// escalation, a known customer's new inquiry. The in-app text is the message; the template adds subject and frame.
/// </summary>
public static partial class NotificationTemplates
{
    public static NotificationKind Classify(string text) => text switch
    {
        _ when text.StartsWith("New lead", StringComparison.Ordinal) || text.StartsWith("New unrouted lead", StringComparison.Ordinal) => NotificationKind.NewLead,
        _ when text.StartsWith("Lead assigned to you", StringComparison.Ordinal) => NotificationKind.Assigned,
        _ when text.Contains("still unassigned", StringComparison.Ordinal) || text.Contains("has not contacted", StringComparison.Ordinal)
            || text.StartsWith("Overdue:", StringComparison.Ordinal) || text.StartsWith("Escalated:", StringComparison.Ordinal) => NotificationKind.Overdue,
        _ when text.Contains("got in touch again", StringComparison.Ordinal) => NotificationKind.KnownCustomer,
        _ when text.StartsWith("New task", StringComparison.Ordinal) => NotificationKind.Task,
        _ when text.StartsWith(MailQuarantinedPrefix, StringComparison.Ordinal) => NotificationKind.MailQuarantined,
        _ => NotificationKind.Other,
    };

    public const string MailQuarantinedPrefix = "Mail quarantined";

    /// <summary>What the head of sales is told when a mail lands in quarantine: who, what about, why, and its first lines.</summary>
    public static string MailQuarantined(string? sender, string? subject, string reason, string? excerpt) =>
        $"{MailQuarantinedPrefix} from {sender ?? "an unknown sender"} ({(string.IsNullOrWhiteSpace(subject) ? "no subject" : subject)}): {reason}{(string.IsNullOrWhiteSpace(excerpt) ? "" : " They wrote" + Wrote(excerpt))}";

    /// <summary>": \"first lines of what they wrote\"" for a notification (at most 300 characters on one line), or ".".</summary>
    public static string Wrote(string? need)
    {
        if (string.IsNullOrWhiteSpace(need))
        {
            return ".";
        }

        var oneLine = string.Join(' ', need.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return $": \"{(oneLine.Length <= 300 ? oneLine : oneLine[..300].TrimEnd() + "…")}\"";
    }

    /// <summary>The page a notification is about: the deal it names, else the lead, else the contact's leads.</summary>
    public static string PagePath(string text, string source, Guid id)
    {
        if (DealMention().Match(text) is { Success: true } m)
        {
            return $"/deal.html?id={m.Groups[1].Value}";
        }

        return source switch
        {
            "deal" => $"/deal.html?id={id}",
            "lead" => $"/leads.html?id={id}",
            "mail" => $"/mail.html?id={id}",
            "order" => $"/orders.html?id={id}",
            _ => $"/leads.html?contact={id}",
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\bdeal ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")]
    private static partial System.Text.RegularExpressions.Regex DealMention();

    /// <summary>The mail of a notification in the recipient's language (<see cref="NotificationMailTexts"/>; English when none or another is set).</summary>
    public static (string Subject, string Body) Render(string recipientName, string text, string source, Guid id, string? baseUrl, string? language = null)
    {
        var t = NotificationMailTexts.For(language);
        var subject = t.Subject(Classify(text));
        var link = baseUrl is null ? $"{source} {id}" : baseUrl.TrimEnd('/') + PagePath(text, source, id);
        var body = $"""
            {string.Format(System.Globalization.CultureInfo.InvariantCulture, t.Greeting, recipientName)}

            {text}

            {t.Open} {link}

            -- 
            {t.Footer}
            """;
        return ($"[SalesOrleans] {subject}", body);
    }
}
