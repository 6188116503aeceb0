using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Leads.Mail;

public enum MailField
{
    Name,
    Phone,
    Email,
    Company,
    Need,
    Subject,
    Operator,
    Fax,
    Other,
}

/// <summary>
/// "Label: value" lines as forms and chat services write them, in German, Russian and English; a label alone on its
/// line takes the lines below it as its value (Contact Form 7's "Message Body:"). Pure.
/// </summary>
public static partial class MailFields
{
    private static readonly Dictionary<string, MailField> Labels = Build(
        (MailField.Name, ["name", "your name", "full name", "contact name", "contact person", "visitor", "client", "customer",
            "ihr name", "vor- und nachname", "vollständiger name", "ansprechpartner", "kontaktperson", "besucher", "kunde",
            "имя", "ваше имя", "фио", "ф.и.о", "контактное лицо", "посетитель", "клиент", "имя посетителя"]),
        (MailField.Phone, ["phone", "telephone", "tel", "phone number", "mobile", "mobile phone", "cell", "whatsapp",
            "telefon", "telefonnummer", "rufnummer", "mobil", "mobilnummer", "handy", "fon",
            "телефон", "тел", "номер телефона", "моб", "мобильный", "мобильный телефон", "контактный телефон", "ваш телефон"]),
        (MailField.Email, ["e-mail", "email", "mail", "email address", "e-mail address", "your email", "your e-mail",
            "e-mail-adresse", "emailadresse", "ihre e-mail", "ihre e-mail-adresse",
            "почта", "электронная почта", "эл. почта", "e-mail адрес", "ваш e-mail", "ваша почта", "email адрес"]),
        (MailField.Company, ["company", "company name", "organisation", "organization", "firma", "firmenname", "unternehmen",
            "компания", "организация", "название компании", "предприятие"]),
        (MailField.Need, ["message", "message body", "your message", "question", "comment", "comments", "request", "inquiry", "enquiry", "details",
            "nachricht", "ihre nachricht", "anfrage", "ihre anfrage", "kommentar", "bemerkung", "anliegen", "frage", "mitteilung",
            "сообщение", "ваше сообщение", "текст сообщения", "вопрос", "ваш вопрос", "комментарий", "запрос", "описание", "текст"]),
        (MailField.Subject, ["subject", "betreff", "тема", "topic", "thema"]),
        (MailField.Operator, ["operator", "agent", "оператор", "консультант", "mitarbeiter", "berater"]),
        (MailField.Fax, ["fax", "telefax", "факс"]));

    /// <summary>What kind of field a label is ("Telefon" → Phone), or Other.</summary>
    public static MailField Kind(string label) => Labels.GetValueOrDefault(Normalize(label), MailField.Other);

    /// <summary>The fields of the text in order (first value per label kind wins in <see cref="First"/>).</summary>
    public static List<(string Label, MailField Kind, string Value)> Read(string text)
    {
        var lines = MailText.Lines(text);
        var fields = new List<(string, MailField, string)>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (FieldLine().Match(lines[i].Trim()) is not { Success: true } m)
            {
                continue;
            }

            var label = m.Groups["key"].Value.Trim();
            var kind = Kind(label);
            var value = m.Groups["value"].Value.Trim();
            if (value.Length == 0)
            {
                // A label alone: its value is the lines below, up to the next label, a separator or the end.
                var below = new List<string>();
                var j = i + 1;
                for (; j < lines.Count; j++)
                {
                    var next = lines[j].Trim();
                    if (next is "--" or "—" || (FieldLine().Match(next) is { Success: true } n && Kind(n.Groups["key"].Value) != MailField.Other))
                    {
                        break;
                    }

                    below.Add(next);
                }

                value = string.Join('\n', below).Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                i = j - 1;
            }

            fields.Add((label, kind, value));
        }

        return fields;
    }

    public static string? First(IEnumerable<(string Label, MailField Kind, string Value)> fields, MailField kind) =>
        fields.Where(f => f.Kind == kind).Select(f => f.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string Normalize(string label) =>
        string.Join(' ', label.Trim().TrimEnd(':', '*', '.').Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Replace("ё", "е");

    private static Dictionary<string, MailField> Build(params (MailField Kind, string[] Labels)[] groups)
    {
        var map = new Dictionary<string, MailField>();
        foreach (var (kind, labels) in groups)
        {
            foreach (var label in labels)
            {
                map[Normalize(label)] = kind;
            }
        }

        return map;
    }

    // A label: up to four words of letters (with "-", ".", "*", "/"), then ":" — e.g. "E-Mail-Adresse*:", "Tel.:", "Эл. почта:".
    [GeneratedRegex(@"^(?<key>[\p{L}][\p{L}\-.*/ ]{0,35}?)\s*:\s*(?<value>.*)$")]
    private static partial Regex FieldLine();
}
