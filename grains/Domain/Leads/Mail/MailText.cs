using System.Text.RegularExpressions;

namespace SalesOrleans.Domain.Leads.Mail;

/// <summary>The original of an inline forward: who wrote it and what.</summary>
public sealed record InlineForward(string? FromName, string? FromAddress, string? Subject, string Text);

/// <summary>A mail's own text split in two: what the sender wrote, and their signature.</summary>
public sealed record MailBody(string Body, string Signature);

/// <summary>
/// Plain-text mail as people's mail programs write it: inline forwards, quoted history (Gmail, Outlook, Apple Mail,
/// Thunderbird, Yandex/Mail.ru; English, German, Russian) and signatures. Pure.
/// </summary>
public static partial class MailText
{
    private static readonly string[] FromLabels = ["from", "von", "от", "de", "van"];
    private static readonly string[] DateLabels = ["sent", "date", "gesendet", "datum", "отправлено", "дата", "envoyé", "verzonden"];
    private static readonly string[] SubjectLabels = ["subject", "betreff", "тема", "objet", "onderwerp"];

    // Closing phrases after which a hand-written mail's signature follows.
    private static readonly string[] Closings =
    [
        "mit freundlichen grüßen", "mit freundlichen grüssen", "freundliche grüße", "freundliche grüsse", "viele grüße", "viele grüsse",
        "beste grüße", "beste grüsse", "liebe grüße", "herzliche grüße", "schöne grüße", "gruß", "grüße", "mfg", "vg", "lg",
        "best regards", "kind regards", "regards", "best wishes", "best", "cheers", "thanks", "thank you", "many thanks", "sincerely", "yours sincerely",
        "с уважением", "с наилучшими пожеланиями", "спасибо", "заранее спасибо", "всего доброго", "всего хорошего", "с уважением и наилучшими пожеланиями",
    ];

    /// <summary>Text with CRLF as LF and trailing spaces off each line (the "-- " separator keeps its meaning as "--").</summary>
    public static List<string> Lines(string text) =>
        text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.TrimEnd()).ToList();

    /// <summary>The original of an inline forward ("---------- Forwarded message ---------" and its kin), or null.</summary>
    public static InlineForward? FindInlineForward(string text)
    {
        var lines = Lines(text);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!ForwardMarker().IsMatch(lines[i].Trim()))
            {
                continue;
            }

            // The header block after the marker: From/Von/От, Date, Subject, To … until the first blank line after it.
            string? from = null, subject = null;
            var j = i + 1;
            while (j < lines.Count && lines[j].Trim().Length == 0)
            {
                j++;
            }

            for (; j < lines.Count; j++)
            {
                var line = lines[j].Trim().TrimStart('*');
                if (line.Length == 0)
                {
                    break;
                }

                if (HeaderLine().Match(line) is not { Success: true } m)
                {
                    break;
                }

                var label = m.Groups["key"].Value.Trim().TrimEnd('*').ToLowerInvariant();
                var value = m.Groups["value"].Value.Trim().Trim('*').Trim();
                if (FromLabels.Contains(label))
                {
                    from = value;
                }
                else if (SubjectLabels.Contains(label))
                {
                    subject = value;
                }
            }

            if (from is null)
            {
                continue;
            }

            var (name, address) = SplitMailbox(from);
            var rest = string.Join('\n', lines.Skip(j)).Trim();
            return new InlineForward(name, address, subject, rest);
        }

        return null;
    }

    /// <summary>The text the sender wrote now: everything from the first sign of quoted history on is cut.</summary>
    public static string StripQuoted(string text)
    {
        var lines = Lines(text);
        var kept = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            // Quoted lines are left out (a reply may be written between them); a quote header ends the sender's text.
            if (line.StartsWith('>'))
            {
                continue;
            }

            if (OriginalMessage().IsMatch(line) || QuoteHeader().IsMatch(line) || IsHeaderBlock(lines, i))
            {
                break;
            }

            // A quote header wrapped over two lines ("Am 12.03.2026 um 10:15 schrieb Anna Keller" / "<anna@…>:").
            if (i + 1 < lines.Count && line.Length > 0 && QuoteHeader().IsMatch(line + " " + lines[i + 1].Trim()) && lines[i + 1].Trim().EndsWith(':'))
            {
                break;
            }

            kept.Add(lines[i]);
        }

        return string.Join('\n', kept).Trim();
    }

    /// <summary>Splits off the signature: at "-- ", at a closing phrase ("Mit freundlichen Grüßen", "С уважением"), or at a trailing block of contact lines.</summary>
    public static MailBody SplitSignature(string text)
    {
        var lines = Lines(text);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            var bare = line.TrimEnd(',', '!', '.', ' ').ToLowerInvariant();
            if (line is "--" or "—" or "__" || line.StartsWith("___", StringComparison.Ordinal) || (i > 0 && Closings.Contains(bare)))
            {
                return new MailBody(string.Join('\n', lines.Take(i)).Trim(), string.Join('\n', lines.Skip(i + (line is "--" or "—" or "__" ? 1 : 0))).Trim());
            }
        }

        // No marker: a trailing run of short lines holding contact labels (Tel., Fax, E-Mail, USt-IdNr …) is a signature.
        var start = lines.Count;
        var contactLines = 0;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                if (contactLines > 0)
                {
                    start = i;
                    break;
                }

                continue;
            }

            if (line.Length > 90)
            {
                break;
            }

            if (SignatureLine().IsMatch(line))
            {
                contactLines++;
            }

            start = i;
        }

        return contactLines >= 1 && start > 0
            ? new MailBody(string.Join('\n', lines.Take(start)).Trim(), string.Join('\n', lines.Skip(start)).Trim())
            : new MailBody(text.Trim(), "");
    }

    /// <summary>"Anna Keller &lt;anna@x.de&gt;", "anna@x.de", "\"Keller, Anna\" [mailto:anna@x.de]" → name and address.</summary>
    public static (string? Name, string? Address) SplitMailbox(string value)
    {
        var address = EmailPattern().Match(value) is { Success: true } m ? m.Value : null;
        var name = value;
        if (address is not null)
        {
            name = name.Replace(address, "");
        }

        name = Regex.Replace(name, @"mailto:|[<>\[\]()""]", "").Trim().Trim(',', ';').Trim();
        return (name.Length == 0 ? null : name, address);
    }

    // "From: … Sent: …" (Outlook), "Von: … Gesendet: …", "От: … Отправлено: …": a From line with a date line within the next three.
    private static bool IsHeaderBlock(List<string> lines, int i)
    {
        if (HeaderLine().Match(lines[i].Trim().TrimStart('*')) is not { Success: true } m || !FromLabels.Contains(m.Groups["key"].Value.Trim().TrimEnd('*').ToLowerInvariant()))
        {
            return false;
        }

        for (var j = i + 1; j < Math.Min(lines.Count, i + 4); j++)
        {
            if (HeaderLine().Match(lines[j].Trim().TrimStart('*')) is { Success: true } n && DateLabels.Contains(n.Groups["key"].Value.Trim().TrimEnd('*').ToLowerInvariant()))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^-{2,}\s*(Forwarded message|Original Message|Weitergeleitete Nachricht|Пересылаемое сообщение|Пересланное сообщение|Message transféré|Begin forwarded message)\s*-{0,}$|^Begin forwarded message:$|^Anfang der weitergeleiteten Nachricht:$|^Начало переадресованного сообщения:$", RegexOptions.IgnoreCase)]
    private static partial Regex ForwardMarker();

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Исходное сообщение|Message d'origine|Oorspronkelijk bericht)\s*-{2,}$|^_{10,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    // Gmail "On … wrote:", German "Am … schrieb …:", Thunderbird "… schrieb:", Russian "… пишет:" / "… написал(а):", Apple "On … , at …, X wrote:".
    [GeneratedRegex(@"^(On\s.{4,200}\swrote:|Am\s.{4,200}\sschrieb.{0,200}:|.{4,200}\sschrieb:|.{0,200}\s(пишет|написал|написала|написал\(а\)):|Le\s.{4,200}\sa écrit\s?:|.{4,200}\s<[^>]+>\s?(wrote|schrieb|пишет):|.{0,200}<[^<>@\s]+@[^<>\s]+>:)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteHeader();

    [GeneratedRegex(@"^(?<key>[\p{L}*][\p{L}\- *]{0,20}):\s*(?<value>.*)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^(Tel|Tel\.|Telefon|Phone|Fon|Fax|Telefax|Mobil|Mobile|Handy|Mob|Cell|E-?Mail|Mail|Web|Internet|www\.|http|USt|UStId|USt-IdNr|Steuer|Amtsgericht|Registergericht|HRB|HRA|Geschäftsführ|Sitz|IBAN|BIC|Тел|Телефон|Факс|Моб|Сот|E-mail|Почта|ИНН|КПП|ОГРН|Адрес|Сайт|[+]?\d[\d\s\-()/.]{6,})", RegexOptions.IgnoreCase)]
    private static partial Regex SignatureLine();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();
}
