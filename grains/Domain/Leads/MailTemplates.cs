using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Leads;

/// <summary>A received mail as the templates see it: plain text (HTML already turned to text by the reader).</summary>
public sealed record MailInfo(string? FromAddress, string? FromName, string? ToAddress, string Subject, string Text);

public enum MailTemplate
{
    /// <summary>A website chat transcript (JivoSite) mailed by the chat service.</summary>
    ChatTranscript,

    /// <summary>The website's feedback form, mailed by the site with one "Field: value" per line.</summary>
    FeedbackForm,

    /// <summary>A mail a prospect wrote themselves.</summary>
    HandWritten,
}

public sealed record ParsedMail(MailTemplate Template, string? Name, string? Phone, string? Email, string? Company, string? Need);

/// <summary>Why a mail cannot become an inquiry; the watcher moves it to quarantine with this reason.</summary>
public sealed class MailParseException(string reason) : Exception(reason);

/// <summary>
/// The three mail templates of the industrial survey: chat transcript, website feedback form, hand-written mail.
/// Extracts name, phone, e-mail, company and need; refuses (for quarantine) what has no way to reach the sender.
/// Pure; phones and addresses are normalised later by the intake.
/// </summary>
public static partial class MailTemplates
{
    public const int MaxNeedLength = 4000;

    private static readonly string[] NameKeys = ["name", "your name", "имя", "фио", "контактное лицо", "visitor", "посетитель"];
    private static readonly string[] PhoneKeys = ["phone", "telephone", "tel", "телефон", "тел"];
    private static readonly string[] EmailKeys = ["e-mail", "email", "mail", "почта", "электронная почта"];
    private static readonly string[] CompanyKeys = ["company", "organisation", "organization", "компания", "организация", "firma"];
    private static readonly string[] NeedKeys = ["message", "question", "comment", "request", "сообщение", "вопрос", "комментарий", "запрос"];
    private static readonly string[] Operators = ["operator", "оператор", "agent", "manager", "менеджер"];
    private static readonly string[] RobotPrefixes = ["mailer-daemon@", "postmaster@"];

    public static ParsedMail Parse(MailInfo mail)
    {
        if (mail.FromAddress is { } from && RobotPrefixes.Any(p => from.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            throw new MailParseException($"A delivery report from {from}, not an inquiry.");
        }

        var text = (mail.Text ?? "").Replace("\r\n", "\n").Trim();
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var chat = lines.Select(l => ChatLine().Match(l)).Where(m => m.Success).ToList();
        var fields = Fields(lines);

        if (chat.Count > 0 && (Contains(mail.Subject, "chat") || Contains(mail.Subject, "чат") || Contains(mail.Subject, "jivo")))
        {
            // The visitor is whoever speaks and is not the operator; their lines are the need.
            var visitorLines = chat.Where(m => !Operators.Any(o => m.Groups["who"].Value.Contains(o, StringComparison.OrdinalIgnoreCase))).ToList();
            var name = Field(fields, NameKeys) ?? visitorLines.Select(m => m.Groups["who"].Value.Trim()).FirstOrDefault();
            var said = string.Join(" ", visitorLines.Select(m => m.Groups["text"].Value.Trim()));
            return Checked(new ParsedMail(MailTemplate.ChatTranscript, name, Field(fields, PhoneKeys) ?? FindPhone(said), Field(fields, EmailKeys) ?? FindEmail(said),
                Field(fields, CompanyKeys), Limit(said)), "chat transcript");
        }

        if (fields.Count >= 2 && (Field(fields, PhoneKeys) is not null || Field(fields, EmailKeys) is not null))
        {
            return Checked(new ParsedMail(MailTemplate.FeedbackForm, Field(fields, NameKeys), Field(fields, PhoneKeys), Field(fields, EmailKeys),
                Field(fields, CompanyKeys), Limit(Field(fields, NeedKeys) ?? mail.Subject)), "feedback form");
        }

        if (Contains(mail.Subject, "feedback") || Contains(mail.Subject, "обратная связь") || Contains(mail.Subject, "website form"))
        {
            throw new MailParseException("A feedback form without a phone or e-mail field.");
        }

        // Hand-written: the sender is the prospect. The body before a signature marker or a quoted reply is the need.
        var body = new List<string>();
        foreach (var line in lines)
        {
            if (line is "--" or "-- " || line.StartsWith('>') || QuoteHeader().IsMatch(line))
            {
                break;
            }

            body.Add(line);
        }

        var need = string.Join(" ", new[] { mail.Subject.Trim() }.Concat(body.Where(l => l.Length > 0))).Trim();
        if (need.Length == 0)
        {
            throw new MailParseException("An empty mail: no subject and no text.");
        }

        return Checked(new ParsedMail(MailTemplate.HandWritten, Clean(mail.FromName) ?? Field(fields, NameKeys), FindPhone(text), mail.FromAddress,
            Field(fields, CompanyKeys) ?? FindCompany(lines), Limit(need)), "hand-written mail");
    }

    private static ParsedMail Checked(ParsedMail parsed, string what) =>
        parsed.Phone is null && parsed.Email is null
            ? throw new MailParseException($"A {what} without a phone number or an e-mail address.")
            : parsed;

    /// <summary>"Key: value" lines (first occurrence of each key, keys lower-cased).</summary>
    private static Dictionary<string, string> Fields(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            var m = FieldLine().Match(line);
            if (m.Success)
            {
                fields.TryAdd(m.Groups["key"].Value.Trim().ToLowerInvariant(), m.Groups["value"].Value.Trim());
            }
        }

        return fields;
    }

    private static string? Field(Dictionary<string, string> fields, string[] keys) =>
        keys.Select(k => fields.GetValueOrDefault(k)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string? FindPhone(string text) => PhonePattern().Match(text) is { Success: true } m ? m.Value.Trim() : null;

    private static string? FindEmail(string text) => EmailPattern().Match(text) is { Success: true } m ? m.Value : null;

    private static string? FindCompany(IEnumerable<string> lines) =>
        lines.FirstOrDefault(l => l.Length < 120 && CompanyPattern().IsMatch(l));

    private static bool Contains(string? text, string word) => text?.Contains(word, StringComparison.OrdinalIgnoreCase) == true;

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().Trim('"');

    private static string? Limit(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= MaxNeedLength ? text.Trim() : text[..MaxNeedLength].Trim();

    [GeneratedRegex(@"^\[(?:\d{1,2}\.\d{1,2}\.\d{2,4}\s+)?\d{1,2}:\d{2}(?::\d{2})?\]\s*(?<who>[^:]{1,60}):\s*(?<text>.+)$")]
    private static partial Regex ChatLine();

    [GeneratedRegex(@"^(?<key>[\p{L}][\p{L}\- ]{0,30}):\s*(?<value>\S.*)$")]
    private static partial Regex FieldLine();

    // Loose on purpose: the intake's libphonenumber check decides whether it is a number.
    [GeneratedRegex(@"(?<![\w+])(?:\+\d|8)[\d \-\(\)]{7,18}\d(?!\d)")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(^|\s)(ООО|OOO|АО|AO|ЗАО|ZAO|ПАО|PAO|ИП|GmbH|AG|LLC|Ltd|Inc)(\s|$|[""«])")]
    private static partial Regex CompanyPattern();

    [GeneratedRegex(@"^On .{5,100} wrote:$|^Am .{5,100} schrieb .{1,100}:$|^\d{1,2}\.\d{1,2}\.\d{4}.{0,40}пишет:$")]
    private static partial Regex QuoteHeader();
}
