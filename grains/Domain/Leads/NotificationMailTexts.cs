namespace SalesOrleans.Domain.Leads;

/// <summary>
/// The frame of a notification mail (subject, greeting, link, footer) in English, Russian and German: a domain-side
/// text table, since the mailer runs in the silo without the web's resource files. The notification's own text is the
/// in-app message and stays as the domain wrote it.
/// </summary>
public sealed record NotificationMailTexts(
    string NewLead, string Assigned, string Overdue, string KnownCustomer, string Task, string MailQuarantined, string Other,
    string Greeting, string Open, string Footer)
{
    public static readonly NotificationMailTexts English = new(
        "New lead", "Lead assigned to you", "Overdue: escalated to you", "A known customer got in touch", "New task", "A mail waits in quarantine",
        "Notification", "Hello {0},", "Open:", "SalesOrleans (this message repeats an in-app notification; reply is not read)");

    public static readonly NotificationMailTexts Russian = new(
        "Новый лид", "Вам назначен лид", "Просрочено: передано вам", "Знакомый клиент снова обратился", "Новая задача", "Письмо ждёт в карантине",
        "Уведомление", "Здравствуйте, {0}!", "Открыть:", "SalesOrleans (это письмо повторяет уведомление в приложении; ответы не читаются)");

    public static readonly NotificationMailTexts German = new(
        "Neuer Lead", "Lead Ihnen zugewiesen", "Überfällig: an Sie eskaliert", "Ein bekannter Kunde hat sich gemeldet", "Neue Aufgabe", "Eine E-Mail wartet in der Quarantäne",
        "Benachrichtigung", "Hallo {0},", "Öffnen:", "SalesOrleans (diese Nachricht wiederholt eine Benachrichtigung in der App; Antworten werden nicht gelesen)");

    /// <summary>The texts for a person's language (app_user.language); English for none or another.</summary>
    public static NotificationMailTexts For(string? language) => Languages.Of(language) switch
    {
        "ru" => Russian,
        "de" => German,
        _ => English,
    };

    public string Subject(NotificationKind kind) => kind switch
    {
        NotificationKind.NewLead => NewLead,
        NotificationKind.Assigned => Assigned,
        NotificationKind.Overdue => Overdue,
        NotificationKind.KnownCustomer => KnownCustomer,
        NotificationKind.Task => Task,
        NotificationKind.MailQuarantined => MailQuarantined,
        _ => Other,
    };
}
