namespace SalesOrleans.Domain.Leads;

/// <summary>
/// A PBX's caller id as it arrives: a number, a SIP or tel URI ("sip:+79161234567@pbx.example;user=phone",
/// "tel:+7-916-123-45-67"), a name-addr ("\"Ivan\" &lt;sip:…&gt;") or percent-escaped ("+7%20916…", as Kamailio passes
/// it). Reduced to the number, or a withheld marker ("anonymous"); anything else is refused, never silently dropped. Pure.
/// </summary>
public static class CallerId
{
    private static readonly string[] Withheld = ["anonymous", "unknown", "restricted", "private", "unavailable", "withheld", "clip_no_screening"];

    /// <summary>The number (or withheld marker) in the caller id; null when it is neither.</summary>
    public static string? Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var value = raw.Trim();
        if (value.Contains('%'))
        {
            try
            {
                value = Uri.UnescapeDataString(value).Trim();
            }
            catch (UriFormatException)
            {
                return null;
            }
        }

        // name-addr: the URI between angle brackets.
        if (value.IndexOf('<') is var open and >= 0 && value.IndexOf('>', open) is var close and > 0)
        {
            value = value[(open + 1)..close].Trim();
        }

        foreach (var scheme in new[] { "sips:", "sip:", "tel:" })
        {
            if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                value = value[scheme.Length..];
                break;
            }
        }

        // URI parameters (";user=phone", ";phone-context=…") and the host of a SIP URI are not the number.
        value = value.Split(';')[0];
        if (value.IndexOf('@') is var at and >= 0)
        {
            value = value[..at];
        }

        value = value.Trim();
        if (Withheld.Contains(value.ToLowerInvariant()))
        {
            return value.ToLowerInvariant();
        }

        var digits = value.Count(char.IsAsciiDigit);
        return digits > 0 && value.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')' or '.' or '/') && value.IndexOf('+', 1) < 0
            ? value
            : null;
    }
}
