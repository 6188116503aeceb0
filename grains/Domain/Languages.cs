namespace SalesOrleans.Domain;

/// <summary>The languages the pages, processes and mails are written in. English is the neutral one (the fallback).</summary>
public static class Languages
{
    public const string Neutral = "en";

    public static readonly IReadOnlyList<string> Supported = [Neutral, "ru", "de"];

    /// <summary>
    /// The supported language a culture name asks for ("ru-RU" → "ru", "de" → "de"), or null for any other
    /// (the caller then falls back to English). Only the language part counts: one translation per language.
    /// </summary>
    public static string? Of(string? culture)
    {
        if (string.IsNullOrWhiteSpace(culture))
        {
            return null;
        }

        var language = culture.Trim().Split('-', '_')[0].ToLowerInvariant();
        return Supported.Contains(language) ? language : null;
    }

    /// <summary>Whether the text has the shape of a culture name (letters, digits, dashes; at most 35 characters, BCP 47's practical limit).</summary>
    public static bool IsCultureName(string? culture) =>
        culture is { Length: > 0 and <= 35 } && culture.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The text in the language when the translations hold it, otherwise the neutral text.</summary>
    public static string Pick(string neutral, IReadOnlyDictionary<string, string>? names, string? language) =>
        Of(language) is { } l && l != Neutral && names is not null && names.TryGetValue(l, out var text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : neutral;
}
