using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Deals;

/// <summary>An e-mail template (1C:CRM project: the manager's outgoing mail from the deal): one language, subject and body with placeholders.</summary>
public sealed record MailTemplateText(string Name, string Language, string Subject, string Body);

/// <summary>
/// What a template's placeholders are filled with, from the deal, its customer and its manager. Any of them may be
/// missing (a deal without a contact record, a manager without an extension); the filled text then leaves them out.
/// </summary>
public sealed record DealMailFacts(
    string? Company,
    string? ContactName,
    string? DealTitle,
    decimal? Amount,
    string? Currency,
    string? ManagerName,
    string? ManagerPhone,
    string? ManagerEmail,
    string? OurCompany);

/// <summary>A filled template: what the manager sees in the preview, and the placeholders that had no value.</summary>
public sealed record FilledMail(string Subject, string Body, IReadOnlyList<string> Missing);

/// <summary>
/// Outgoing mail from a deal: templates with <c>{{placeholder}}</c>s filled from the deal (one pass, so a value that
/// itself holds <c>{{…}}</c> stays as typed), the amount formatted for the mail's language, and the rules a mail must
/// keep before it is queued (one-line subject — no header injection —, bounded body, a real recipient). The mail is
/// plain text: a name with HTML in it reaches the customer as those characters, never as markup. Pure.
/// </summary>
public static partial class DealMail
{
    public const int MaxNameLength = 100;
    public const int MaxSubjectLength = 200;
    public const int MaxBodyLength = 20_000;

    /// <summary>The placeholders a template may use, in the order the admin page lists them.</summary>
    public static readonly IReadOnlyList<string> Placeholders =
        ["contact", "company", "deal", "amount", "manager", "manager.phone", "manager.email", "our.company"];

    /// <summary>Fills <paramref name="text"/>: known placeholders get their value (or nothing when missing); unknown ones stay as written.</summary>
    public static string Fill(string text, DealMailFacts facts, string? language, ISet<string>? missing = null) =>
        Placeholder().Replace(text, m =>
        {
            var name = m.Groups[1].Value.ToLowerInvariant();
            if (!Placeholders.Contains(name))
            {
                return m.Value;
            }

            var value = ValueOf(name, facts, language);
            if (string.IsNullOrWhiteSpace(value))
            {
                missing?.Add(name);
                return "";
            }

            return value;
        });

    /// <summary>The template filled for the deal; a subject never carries a line break, whatever a value held.</summary>
    public static FilledMail Fill(MailTemplateText template, DealMailFacts facts)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var subject = OneLine(Fill(template.Subject, facts, template.Language, missing));
        var body = Fill(template.Body, facts, template.Language, missing);
        return new FilledMail(subject, body, missing.ToList());
    }

    /// <summary>The amount as the customer reads it in <paramref name="language"/>: "12 400,00 RUB", "12.400,00 EUR", "12,400.00 USD".</summary>
    public static string? FormatAmount(decimal? amount, string? currency, string? language)
    {
        if (amount is not { } value)
        {
            return null;
        }

        var culture = CultureInfo.GetCultureInfo(Languages.Of(language) switch
        {
            "ru" => "ru-RU",
            "de" => "de-DE",
            _ => "en-GB",
        });
        var number = value.ToString("N2", culture);
        return string.IsNullOrWhiteSpace(currency) ? number : $"{number} {currency.Trim().ToUpperInvariant()}";
    }

    /// <summary>Our switchboard with the manager's extension, as the language writes it ("+7 495 223-32-11, доб. 101").</summary>
    public static string? Phone(string? switchboard, string? extension, string? language)
    {
        var main = string.IsNullOrWhiteSpace(switchboard) ? null : switchboard.Trim();
        var ext = string.IsNullOrWhiteSpace(extension) ? null : extension.Trim();
        if (main is null)
        {
            return ext;
        }

        if (ext is null)
        {
            return main;
        }

        var word = Languages.Of(language) switch
        {
            "ru" => "доб.",
            "de" => "Durchwahl",
            _ => "ext.",
        };
        return $"{main}, {word} {ext}";
    }

    /// <summary>Checks a template before it is stored; throws naming the field.</summary>
    public static MailTemplateText ValidateTemplate(string? name, string? language, string? subject, string? body)
    {
        var n = Required("name", name, MaxNameLength, multiline: false);
        if (Languages.Of(language) is not { } l || language!.Trim().Length != 2)
        {
            throw Rejection.Invalid("language", $"'language' is one of {string.Join(", ", Languages.Supported)}.");
        }

        var s = Required("subject", subject, MaxSubjectLength, multiline: false);
        var b = Required("body", body, MaxBodyLength, multiline: true);
        foreach (var (field, text) in new[] { ("subject", s), ("body", b) })
        {
            if (Placeholder().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).FirstOrDefault(p => !Placeholders.Contains(p)) is { } unknown)
            {
                throw Rejection.Invalid(field, $"Unknown placeholder {{{{{unknown}}}}}: use one of {string.Join(", ", Placeholders.Select(p => $"{{{{{p}}}}}"))}.");
            }
        }

        return new MailTemplateText(n, l, s, b);
    }

    /// <summary>Checks the mail a manager sends (after editing the preview); throws naming the field.</summary>
    public static (string Subject, string Body) ValidateMail(string? subject, string? body)
    {
        if (subject is not null && (subject.Contains('\r') || subject.Contains('\n')))
        {
            throw Rejection.Invalid("subject", "The subject is one line: it must not hold a line break.");
        }

        return (Required("subject", subject, MaxSubjectLength, multiline: false), Required("body", body, MaxBodyLength, multiline: true));
    }

    /// <summary>The line the deal's journal keeps for a mail that went out.</summary>
    public static string JournalText(string to, string subject, string? attachment) =>
        attachment is null ? $"E-mail sent to {to}: {subject}" : $"E-mail sent to {to}: {subject} (attached: {attachment})";

    private static string? ValueOf(string name, DealMailFacts f, string? language) => name switch
    {
        "contact" => f.ContactName,
        "company" => f.Company,
        "deal" => f.DealTitle,
        "amount" => FormatAmount(f.Amount, f.Currency, language),
        "manager" => f.ManagerName,
        "manager.phone" => f.ManagerPhone,
        "manager.email" => f.ManagerEmail,
        "our.company" => f.OurCompany,
        _ => null,
    };

    private static string Required(string field, string? value, int max, bool multiline)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw Rejection.Invalid(field, $"'{field}' is required.");
        }

        if (text.Length > max)
        {
            throw Rejection.Invalid(field, $"'{field}' is longer than {max} characters ({text.Length}).");
        }

        if (!multiline && (text.Contains('\r') || text.Contains('\n')))
        {
            throw Rejection.Invalid(field, $"'{field}' is one line: it must not hold a line break.");
        }

        if (TextHygiene.FirstForbidden(text, multiline) is var bad and >= 0)
        {
            throw Rejection.Invalid(field, $"'{field}' holds a control character at position {bad + 1}.");
        }

        return text;
    }

    private static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb.ToString().Trim();
    }

    // {{ name }}: letters, digits and dots; spaces inside the braces allowed.
    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9.]*)\s*\}\}")]
    private static partial Regex Placeholder();
}
