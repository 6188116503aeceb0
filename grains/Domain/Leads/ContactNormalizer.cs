using System.Net.Mail;
using PhoneNumbers;

namespace SalesOrleans.Domain.Leads;

/// <summary>
/// Contact normalisation: phones to E.164 via libphonenumber with a default region for numbers written
/// nationally, e-mail addresses trimmed and lower-cased. "8 (916) 123-45-67", "+7 916 1234567" and "79161234567"
/// are one number in region RU. Pure and thread-safe.
/// </summary>
public sealed class ContactNormalizer
{
    public const int MaxEmailLength = 254;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public ContactNormalizer(string defaultRegion = "RU")
    {
        var region = (defaultRegion ?? "").Trim().ToUpperInvariant();
        if (!Phones.GetSupportedRegions().Contains(region))
        {
            throw new ArgumentException($"Unknown phone region '{defaultRegion}' (use an ISO 3166 code such as RU or DE).", nameof(defaultRegion));
        }

        DefaultRegion = region;
    }

    public string DefaultRegion { get; }

    /// <summary>The number in E.164 ("+79161234567"), or null when it cannot be a phone number.</summary>
    public string? NormalizePhone(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 40)
        {
            return null;
        }

        try
        {
            var number = Phones.Parse(raw.Trim(), DefaultRegion);
            // Possible, not valid: a brand-new number range must not be refused, but "12" must.
            return Phones.IsPossibleNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>The address trimmed and lower-cased, or null when it is not one address.</summary>
    public static string? NormalizeEmail(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var trimmed = raw.Trim();
        if (trimmed.Length > MaxEmailLength || trimmed.Any(char.IsWhiteSpace) || trimmed.Count(c => c == '@') != 1)
        {
            return null;
        }

        var at = trimmed.IndexOf('@');
        if (at == 0 || at == trimmed.Length - 1 || !trimmed[(at + 1)..].Contains('.'))
        {
            return null;
        }

        return MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed ? trimmed.ToLowerInvariant() : null;
    }

    /// <summary>The identity grain key of a normalised phone: never all digits (Orleans #9706).</summary>
    public static string PhoneIdentity(string e164) => "phone:" + e164;

    public static string EmailIdentity(string email) => "email:" + email;
}
