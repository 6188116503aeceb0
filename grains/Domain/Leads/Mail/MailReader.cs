using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace SalesOrleans.Domain.Leads.Mail;

/// <summary>What became of a mail.</summary>
public enum MailKind
{
    /// <summary>A person's inquiry: becomes a lead or joins a known customer's history.</summary>
    Inquiry,

    /// <summary>Sent by a program on its own (auto-reply, delivery report, list mail): filed, not a lead.</summary>
    Automatic,

    /// <summary>Sent from our own notification address: a mail loop, never read.</summary>
    Loop,

    /// <summary>Cannot become an inquiry (no way to reach the sender, empty, our own colleague): quarantined with its reason.</summary>
    Unreadable,
}

/// <summary>Configuration "Mail" as the reader needs it.</summary>
public sealed class MailReaderOptions
{
    public OwnIdentities OwnIdentities { get; set; } = new();

    /// <summary>Region for national numbers ("030 1234567") when the mailbox has none of its own.</summary>
    public string DefaultRegion { get; set; } = "RU";

    /// <summary>Region per receiving mailbox address (a German mailbox reads 030 1234567 as +49 30 1234567).</summary>
    public Dictionary<string, string> MailboxRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Region per department, for a mailbox that belongs to one (a Mailbox routing rule) and has no region of its own.</summary>
    public Dictionary<string, string> DepartmentRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The department each of our mailboxes belongs to (from the Mailbox routing rules).</summary>
    public Dictionary<string, string> MailboxDepartments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Need texts longer than this become a summary; the whole text is kept as a document.</summary>
    public int MaxNeedLength { get; set; } = 3000;

    public int SummaryLength { get; set; } = 1000;
}

/// <summary>A mail as the intake uses it. Phone in E.164, e-mail lower-cased; neither is ever one of ours or a robot's.</summary>
public sealed record MailReading(
    MailKind Kind,
    string? Reason,
    MailTemplate? Template = null,
    string? Name = null,
    string? Phone = null,
    string? Email = null,
    string? Company = null,
    string? Need = null,
    string? Mailbox = null,
    string? Region = null,
    IReadOnlyDictionary<string, string>? Fields = null,
    string? FullText = null,
    IReadOnlyList<MimeEntity>? Attachments = null);

/// <summary>
/// Reads real mail: automatic mail and loops are recognised first; a forward (attached or inline) is read as its
/// original; quoted history is cut and the signature split off before anything is taken from the text; forms, chat
/// transcripts and hand-written mail are told apart; our own identities and robot addresses never become a
/// customer's; national numbers are read in the mailbox's region. Pure (MimeKit objects in, a record out).
/// </summary>
public sealed partial class MailReader
{
    public const int MaxKeyIdLength = 200;

    private static readonly string[] ChatWords = ["chat", "чат", "jivo", "диалог", "transcript", "gespräch", "livechat"];
    private static readonly string[] OperatorWords = ["operator", "оператор", "agent", "manager", "менеджер", "консультант", "mitarbeiter", "support"];

    private readonly MailReaderOptions _options;
    private readonly MailIdentities _identities;
    private readonly Dictionary<string, ContactNormalizer> _normalizers = new(StringComparer.OrdinalIgnoreCase);

    public MailReader(MailReaderOptions options)
    {
        _options = options;
        _identities = new MailIdentities(options.OwnIdentities, Normalizer(options.DefaultRegion));
    }

    public MailIdentities Identities => _identities;

    /// <summary>Makes the legacy code pages (koi8-r, windows-1251, iso-8859-*) known to .NET, so MimeKit decodes them. Idempotent.</summary>
    public static void RegisterLegacyCharsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The inquiry key: the Message-Id, hashed when longer than a key may be (RFC 5322 sets no limit).</summary>
    public static string KeyOf(string? messageId, string fallback)
    {
        var id = TextHygiene.Clean(messageId?.Trim(), multiline: false).Trim();
        if (id.Length == 0)
        {
            return "mail:" + fallback;
        }

        return id.Length <= MaxKeyIdLength
            ? "mail:" + id
            : "mail:sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    /// <summary>Files worth keeping: attachments, without S/MIME signatures; a forwarded mail's own attachments too.</summary>
    public static List<MimeEntity> Documents(MimeMessage message)
    {
        var files = new List<MimeEntity>();
        foreach (var entity in message.Attachments)
        {
            if (entity is MessagePart { Message: { } inner })
            {
                files.Add(entity);
                files.AddRange(Documents(inner));
            }
            else if (entity is MimePart part && !IsSignature(part))
            {
                files.Add(part);
            }
        }

        return files;
    }

    private static bool IsSignature(MimePart part) =>
        part is MimeKit.Cryptography.ApplicationPkcs7Signature
        || part.ContentType.IsMimeType("application", "pkcs7-signature") || part.ContentType.IsMimeType("application", "x-pkcs7-signature")
        || part.ContentType.IsMimeType("application", "pgp-signature")
        || string.Equals(part.FileName, "smime.p7s", StringComparison.OrdinalIgnoreCase);

    /// <param name="message">The mail as received.</param>
    /// <param name="mailboxFallback">The watched mailbox's address, when the mail names none of ours.</param>
    /// <param name="byPerson">
    /// A person decided this quarantined or filed mail is an inquiry: it is read as one whatever its headers say, and a
    /// missing phone and address is left for the person to give (still never one of ours).
    /// </param>
    public MailReading Read(MimeMessage message, string? mailboxFallback = null, bool byPerson = false)
    {
        var outerFrom = message.From.Mailboxes.FirstOrDefault();
        if (!byPerson && (_identities.IsOurSender(outerFrom?.Address) || _identities.IsOurSender(message.Sender?.Address)))
        {
            return new MailReading(MailKind.Loop, $"mail from our own sender {outerFrom?.Address}: never read (a mail loop)");
        }

        if (!byPerson && AutomaticMail.Classify(message) is { } automatic)
        {
            return new MailReading(MailKind.Automatic, automatic);
        }

        var mailbox = Mailbox(message) ?? mailboxFallback;
        var region = RegionOf(mailbox);
        var normalizer = Normalizer(region);
        var attachments = Documents(message);

        // Forward as attachment: the attached mail is the inquiry, its sender the customer.
        var inquiry = message.Attachments.OfType<MessagePart>().Select(p => p.Message).FirstOrDefault(m => m is not null) ?? message;
        var from = inquiry.From.Mailboxes.FirstOrDefault();
        var replyTo = inquiry.ReplyTo.Mailboxes.FirstOrDefault();
        var subject = Clean(inquiry.Subject) ?? "";
        var fullText = Clean(Text(inquiry)) ?? "";

        // Inline forward: the original sender and text, wherever the forward sits in the mail.
        var text = fullText;
        var fromName = from?.Name;
        var fromAddress = from?.Address;
        // Outlook writes the same "-----Original Message-----" block under a reply as under a forward: a reply ("RE:",
        // "AW:", "Ответ:") or a block that quotes our own address is the customer answering us, not a forward.
        if (MailText.FindInlineForward(text) is { } forward && (forward.FromAddress is not null || forward.FromName is not null)
            && !ReplySubject().IsMatch(subject) && !_identities.IsOwnAddress(forward.FromAddress))
        {
            (fromName, fromAddress, text) = (forward.FromName, forward.FromAddress, forward.Text);
            subject = forward.Subject ?? subject;
        }

        var robot = fromAddress is null || MailIdentities.IsRobot(fromAddress);
        if (!byPerson && !robot && _identities.IsOwnAddress(fromAddress))
        {
            return new MailReading(MailKind.Unreadable, $"mail from our own address {fromAddress} that forwards nothing", Mailbox: mailbox, Region: region);
        }

        var stripped = MailText.StripQuoted(text);
        var (body, signature) = robot ? (RobotBody(stripped), "") : MailText.SplitSignature(stripped) switch { var s => (s.Body, s.Signature) };
        var fields = MailFields.Read(body);
        var routingFields = fields.Where(f => f.Kind == MailField.Other || f.Kind == MailField.Subject)
            .GroupBy(f => f.Label.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First().Value);

        MailTemplate template;
        string? name, email, need, phone, company;
        var chat = body.Split('\n').Select(l => ChatLine().Match(l.Trim())).Where(m => m.Success).ToList();
        if (chat.Count > 0 && (robot || ChatWords.Any(w => subject.Contains(w, StringComparison.OrdinalIgnoreCase))))
        {
            template = MailTemplate.ChatTranscript;
            var operators = fields.Where(f => f.Kind == MailField.Operator).Select(f => f.Value).Concat(_identities.Operators).ToList();
            bool IsOperator(string who) => OperatorWords.Any(o => who.Contains(o, StringComparison.OrdinalIgnoreCase))
                || operators.Any(o => who.Contains(o, StringComparison.OrdinalIgnoreCase) || o.Contains(who, StringComparison.OrdinalIgnoreCase));
            var visitor = chat.Where(m => !IsOperator(m.Groups["who"].Value.Trim())).ToList();
            var said = string.Join(" ", visitor.Select(m => m.Groups["text"].Value.Trim()));
            name = MailFields.First(fields, MailField.Name) ?? visitor.Select(m => m.Groups["who"].Value.Trim()).FirstOrDefault(w => !IsGeneric(w));
            phone = PhoneFrom(MailFields.First(fields, MailField.Phone), normalizer) ?? FindPhone(said, normalizer);
            email = EmailFrom(MailFields.First(fields, MailField.Email)) ?? EmailFrom(replyTo?.Address) ?? FindEmail(said);
            company = MailFields.First(fields, MailField.Company);
            need = said.Length > 0 ? said : MailFields.First(fields, MailField.Need);
        }
        else if (IsForm(fields, robot))
        {
            template = MailTemplate.FeedbackForm;
            var labelledName = MailFields.First(fields, MailField.Name);
            // Contact Form 7 writes "From: Anna Schmidt <anna@example.de>" into the body.
            var (cf7Name, cf7Address) = fields.Where(f => f.Label.Equals("from", StringComparison.OrdinalIgnoreCase) || f.Label.Equals("von", StringComparison.OrdinalIgnoreCase) || f.Label.Equals("от", StringComparison.OrdinalIgnoreCase))
                .Select(f => MailText.SplitMailbox(f.Value)).FirstOrDefault();
            name = labelledName ?? cf7Name ?? (robot ? null : fromName);
            phone = PhoneFrom(MailFields.First(fields, MailField.Phone), normalizer) ?? FindPhone(body, normalizer);
            email = EmailFrom(MailFields.First(fields, MailField.Email)) ?? EmailFrom(cf7Address) ?? EmailFrom(replyTo?.Address)
                ?? (robot ? null : EmailFrom(fromAddress)) ?? FindEmail(body);
            company = MailFields.First(fields, MailField.Company);
            need = MailFields.First(fields, MailField.Need) ?? MailFields.First(fields, MailField.Subject) ?? subject;
        }
        else
        {
            template = MailTemplate.HandWritten;
            name = robot ? MailFields.First(fields, MailField.Name) : Clean(fromName?.Trim().Trim('"', '\''));
            email = robot ? EmailFrom(replyTo?.Address) ?? FindEmail(body) : EmailFrom(fromAddress) ?? EmailFrom(replyTo?.Address);
            var own = $"{body}\n{signature}";
            phone = PhoneFrom(MailFields.First(MailFields.Read(signature), MailField.Phone), normalizer) ?? FindPhone(own, normalizer);
            company = MailFields.First(fields, MailField.Company) ?? FindCompany(signature) ?? FindCompany(body);
            var words = string.Join(" ", body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
            need = string.Join(" ", new[] { subject.Trim(), words }.Where(p => p.Length > 0));
            if (need.Length == 0)
            {
                return new MailReading(MailKind.Unreadable, "An empty mail: no subject and no text.", Mailbox: mailbox, Region: region);
            }
        }

        name = Limit(Clean(name)?.Replace('\n', ' '), 200);
        company = Limit(Clean(company)?.Replace('\n', ' '), 200);
        need = Clean(need);
        if (phone is null && email is null && !byPerson)
        {
            var what = template switch { MailTemplate.ChatTranscript => "chat transcript", MailTemplate.FeedbackForm => "form", _ => "hand-written mail" };
            return new MailReading(MailKind.Unreadable, $"A {what} without a phone number or an e-mail address of the sender" + (robot ? $" (sent by the robot address {fromAddress})." : "."),
                template, name, Mailbox: mailbox, Region: region);
        }

        // Long text: a summary as the need, the whole mail as a document (notes and needs have limits, documents do not).
        string? whole = null;
        if (need is not null && (need.Length > _options.MaxNeedLength || fullText.Length > _options.MaxNeedLength))
        {
            whole = fullText.Length > 0 ? fullText : need;
            if (need.Length > _options.MaxNeedLength)
            {
                need = need[.._options.SummaryLength].TrimEnd() + $" … ({need.Length:N0} characters; the whole mail is attached as a document)";
            }
        }

        return new MailReading(MailKind.Inquiry, null, template, name, phone, email, company, need, mailbox, region, routingFields, whole, attachments);
    }

    /// <summary>The region national numbers in a mail to <paramref name="mailbox"/> are read in: the mailbox's own, else its department's, else the default.</summary>
    public string RegionOf(string? mailbox)
    {
        if (mailbox is null)
        {
            return _options.DefaultRegion;
        }

        if (_options.MailboxRegions.TryGetValue(mailbox, out var own))
        {
            return own;
        }

        return _options.MailboxDepartments.TryGetValue(mailbox, out var department) && _options.DepartmentRegions.TryGetValue(department, out var region)
            ? region
            : _options.DefaultRegion;
    }

    /// <summary>A phone a person typed for a mail, read in that mail's region ("0711 123456" in a German mailbox); null when it is no number.</summary>
    public string? NormalizePhone(string raw, string? region) =>
        raw.Count(char.IsDigit) < 7 ? null : Normalizer(region ?? _options.DefaultRegion).NormalizePhone(raw.Replace("(0)", ""));

    /// <summary>The first lines a person reads to judge a mail: its own text without quotes, cleaned, at most <paramref name="max"/> characters.</summary>
    public static string Excerpt(MimeMessage message, int lines = 6, int max = 600)
    {
        var text = TextHygiene.Clean(MailText.StripQuoted(Text(message)));
        var first = string.Join('\n', MailText.Lines(text).Select(l => l.Trim()).Where(l => l.Length > 0).Take(lines));
        return first.Length <= max ? first : first[..max].TrimEnd() + "…";
    }

    /// <summary>The text of a mail: the plain part, else its HTML as structured text.</summary>
    public static string Text(MimeMessage message)
    {
        var plain = message.TextBody;
        if (!string.IsNullOrWhiteSpace(plain))
        {
            return plain;
        }

        return HtmlText.Convert(message.HtmlBody);
    }

    // A robot's body up to its footer ("-- \nThis e-mail was sent from a contact form on …").
    private static string RobotBody(string text)
    {
        var lines = MailText.Lines(text);
        var end = lines.FindIndex(l => l.Trim() is "--" or "—");
        return string.Join('\n', end < 0 ? lines : lines.Take(end)).Trim();
    }

    // A form: a robot sent it with some field, or its own text has a contact field and a name or message field.
    private static bool IsForm(List<(string Label, MailField Kind, string Value)> fields, bool robot)
    {
        var kinds = fields.Select(f => f.Kind).ToHashSet();
        var contact = kinds.Contains(MailField.Phone) || kinds.Contains(MailField.Email);
        return robot ? kinds.Overlaps([MailField.Name, MailField.Phone, MailField.Email, MailField.Need, MailField.Company]) || fields.Any(f => f.Label.Equals("from", StringComparison.OrdinalIgnoreCase))
            : contact && (kinds.Contains(MailField.Name) || kinds.Contains(MailField.Need)) && fields.Count >= 3;
    }

    private string? Mailbox(MimeMessage message) =>
        message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address).FirstOrDefault(_identities.IsOwnAddress)
        ?? message.To.Mailboxes.FirstOrDefault()?.Address;

    private string? PhoneFrom(string? raw, ContactNormalizer normalizer)
    {
        if (raw is null)
        {
            return null;
        }

        return FindPhone(raw, normalizer);
    }

    /// <summary>The first phone in the text that is a number in the region and not ours; fax and register lines are skipped.</summary>
    private string? FindPhone(string text, ContactNormalizer normalizer)
    {
        foreach (var line in MailText.Lines(text))
        {
            if (NotPhoneLine().IsMatch(line.Trim()))
            {
                continue;
            }

            foreach (Match m in PhonePattern().Matches(line))
            {
                var candidate = m.Value.Trim();
                if (DatePattern().IsMatch(candidate) || candidate.Count(char.IsDigit) < 7)
                {
                    continue;
                }

                // "+49 (0)30 …": the trunk zero in brackets is not dialled from abroad.
                var e164 = normalizer.NormalizePhone(candidate.Replace("(0)", ""));
                if (e164 is not null && !_identities.IsOwnPhone(e164))
                {
                    return e164;
                }
            }
        }

        return null;
    }

    private string? EmailFrom(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var address = EmailPattern().Match(raw) is { Success: true } m ? m.Value : raw.Trim();
        return _identities.IsCustomerAddress(address) ? ContactNormalizer.NormalizeEmail(address) : null;
    }

    private string? FindEmail(string text) =>
        EmailPattern().Matches(text).Select(m => m.Value).Where(_identities.IsCustomerAddress).Select(ContactNormalizer.NormalizeEmail).FirstOrDefault();

    private static string? FindCompany(string text) =>
        MailText.Lines(text).Select(l => l.Trim()).FirstOrDefault(l => l.Length is > 0 and < 120 && CompanyPattern().IsMatch(l));

    private static bool IsGeneric(string who) => who.Trim().ToLowerInvariant() is "visitor" or "посетитель" or "клиент" or "client" or "besucher" or "gast" or "guest";

    private ContactNormalizer Normalizer(string region)
    {
        lock (_normalizers)
        {
            if (!_normalizers.TryGetValue(region, out var normalizer))
            {
                normalizer = new ContactNormalizer(region);
                _normalizers[region] = normalizer;
            }

            return normalizer;
        }
    }

    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var cleaned = TextHygiene.Clean(value).Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    private static string? Limit(string? value, int max) => value is null || value.Length <= max ? value : value[..max].TrimEnd();

    [GeneratedRegex(@"^\[(?:\d{1,2}\.\d{1,2}\.\d{2,4},?\s+)?\d{1,2}:\d{2}(?::\d{2})?\]\s*(?<who>[^:]{1,60}):\s*(?<text>.+)$|^(?<who>[^:\[\]]{1,60})\s\(\d{1,2}:\d{2}(?::\d{2})?\):\s*(?<text>.+)$|^\d{1,2}:\d{2}(?::\d{2})?\s+(?<who>[^:]{1,60}):\s*(?<text>.+)$")]
    private static partial Regex ChatLine();

    // Loose on purpose: libphonenumber in the mailbox's region decides whether it is a number.
    [GeneratedRegex(@"(?<![\w+@.])(?:\+|00)?\d[\d \-()/.]{5,22}\d(?![\w@])")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^\s*(RE|AW|Antw|Ответ|SV|VS|R)\s*(\[\d+\])?\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex ReplySubject();

    [GeneratedRegex(@"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(Fax|Telefax|Факс|USt|UStId|USt-IdNr|Steuer|St\.-?Nr|IBAN|BIC|BLZ|Konto|HRB|HRA|Amtsgericht|Registergericht|ИНН|КПП|ОГРН|ОКПО|БИК|Р/с|р/с|К/с|к/с|Расч|VAT|Reg)", RegexOptions.IgnoreCase)]
    private static partial Regex NotPhoneLine();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(^|\s)(ООО|OOO|АО|AO|ЗАО|ZAO|ПАО|PAO|ИП|GmbH|AG|KG|OHG|UG|e\.K\.|LLC|Ltd|Inc|SE)(\s|$|[""«,.&])")]
    private static partial Regex CompanyPattern();
}
