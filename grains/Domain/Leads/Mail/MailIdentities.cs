namespace SalesOrleans.Domain.Leads.Mail;

/// <summary>
/// Our own identities (configuration "Mail:OwnIdentities"): the domains, addresses and phones of our company. They
/// appear in quoted replies, forwarded mail and our sellers' signatures, and never become a customer's.
/// <see cref="SenderAddresses"/> are the addresses our notifications go out from: mail from them is never read (a loop).
/// </summary>
public sealed class OwnIdentities
{
    public List<string> Domains { get; set; } = [];

    public List<string> Addresses { get; set; } = [];

    public List<string> Phones { get; set; } = [];

    /// <summary>Names of our chat operators (a chat transcript's speaker with one of them is not the visitor).</summary>
    public List<string> Operators { get; set; } = [];

    public List<string> SenderAddresses { get; set; } = [];
}

/// <summary>Decides whether an address or phone is ours, or a robot's. Pure; built once from the options.</summary>
public sealed class MailIdentities
{
    // Local parts that website plugins, form services and notification systems send from; never a person.
    private static readonly string[] RobotLocalParts =
    [
        "wordpress", "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "forms", "form", "formular",
        "mailer", "mailer-daemon", "postmaster", "robot", "notifications", "notification", "notify", "bounce", "bounces", "webmaster",
        "website", "site", "contactform", "kontaktformular", "auto", "autoreply", "daemon", "system", "tilda", "bitrix", "jivo", "jivosite",
    ];

    // Services whose every address is a robot (form builders, site builders, chat widgets).
    private static readonly string[] RobotDomains =
    [
        "tilda.ws", "tildacdn.com", "bitrix24.ru", "bitrix24.de", "bitrix24.com", "1c-bitrix.ru", "jivosite.com", "jivo.ru", "jivochat.com",
        "wix.com", "wixforms.com", "formspree.io", "typeform.com", "jotform.com", "livetex.ru", "talk-me.ru", "carrotquest.io",
    ];

    private readonly HashSet<string> _domains;
    private readonly HashSet<string> _addresses;
    private readonly HashSet<string> _senders;
    private readonly HashSet<string> _phones;

    public MailIdentities(OwnIdentities own, ContactNormalizer normalizer)
    {
        Own = own;
        _domains = own.Domains.Select(d => d.Trim().TrimStart('@').ToLowerInvariant()).Where(d => d.Length > 0).ToHashSet();
        _senders = own.SenderAddresses.Select(Address).OfType<string>().ToHashSet();
        _addresses = own.Addresses.Select(Address).OfType<string>().Concat(_senders).ToHashSet();
        _phones = own.Phones.Select(normalizer.NormalizePhone).OfType<string>().ToHashSet();
        Operators = own.Operators.Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
    }

    public OwnIdentities Own { get; }

    public IReadOnlyList<string> Operators { get; }

    /// <summary>An address of ours: a listed address or any address in one of our domains (subdomains too).</summary>
    public bool IsOwnAddress(string? address)
    {
        if (Address(address) is not { } a)
        {
            return false;
        }

        if (_addresses.Contains(a))
        {
            return true;
        }

        var domain = a[(a.IndexOf('@') + 1)..];
        return _domains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal));
    }

    /// <summary>The address our notifications are sent from: mail from it is a loop.</summary>
    public bool IsOurSender(string? address) => Address(address) is { } a && _senders.Contains(a);

    /// <summary>A normalised (E.164) phone of ours.</summary>
    public bool IsOwnPhone(string? e164) => e164 is not null && _phones.Contains(e164);

    /// <summary>An address that a program sends from, not a person (a form plugin, a chat service, a no-reply).</summary>
    public static bool IsRobot(string? address)
    {
        if (Address(address) is not { } a)
        {
            return false;
        }

        var at = a.IndexOf('@');
        var local = a[..at];
        var domain = a[(at + 1)..];
        return RobotLocalParts.Contains(local) || local.StartsWith("noreply", StringComparison.Ordinal) || local.StartsWith("no-reply", StringComparison.Ordinal)
            || local.StartsWith("wordpress", StringComparison.Ordinal)
            || RobotDomains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal));
    }

    /// <summary>A person's address we may attach to a customer: a valid address, not ours and not a robot's.</summary>
    public bool IsCustomerAddress(string? address) => Address(address) is { } a && !IsOwnAddress(a) && !IsRobot(a);

    private static string? Address(string? raw) => ContactNormalizer.NormalizeEmail(raw);
}
