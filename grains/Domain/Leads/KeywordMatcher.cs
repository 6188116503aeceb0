using System.Globalization;
using System.Text;

namespace SalesOrleans.Domain.Leads;

/// <summary>A department's routing keywords in one language (en, ru, de), as an admin or the department's head keeps them.</summary>
public sealed record DepartmentKeywords(string Department, string Language, IReadOnlyList<string> Keywords);

/// <summary>
/// Finds routing keywords in an inquiry's text the way people write Russian and German: any case, a keyword matches
/// the beginning of a word ("Pumpe" → "Pumpen"), umlauts and ß fold to their base letters on both sides
/// ("Kühlschrank" → "Kühlschränke", "Kuehlschrank", "KÜHLSCHRANK"), ё is е, and a keyword's own inflectional ending
/// is optional ("обучение" → "обучения", "климатическая" → "климатический"). Pure and immutable.
/// </summary>
public sealed class KeywordMatcher
{
    public const int MaxKeywordLength = 60;
    public const int MaxKeywordsPerLanguage = 100;

    public static readonly IReadOnlyList<string> Languages = ["en", "ru", "de"];

    // Russian case and number endings, longest first; only trimmed while at least MinStem letters stay.
    private static readonly string[] RussianEndings =
    [
        "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией",
        "ие", "ия", "ий", "ый", "ой", "ая", "яя", "ое", "ее", "ые", "ых", "их", "ам", "ям", "ах", "ях", "ов", "ев", "ей", "ом", "ем", "ую", "юю", "ию",
        "а", "я", "ы", "и", "е", "о", "у", "ю", "ь", "й",
    ];

    // German plural and case endings (after folding); "e"/"en"/"n" only, so "Kurs" or "Kompressor" stay whole.
    private static readonly string[] GermanEndings = ["en", "e", "n"];

    private const int MinStem = 4;

    private readonly IReadOnlyList<Entry> _entries;

    private sealed record Entry(string Department, string Keyword, string Folded, string Stem);

    public KeywordMatcher(IEnumerable<DepartmentKeywords> keywords)
    {
        _entries = keywords
            .SelectMany(d => d.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => new Entry(d.Department, k.Trim(), Fold(k.Trim()), Stem(Fold(k.Trim())))))
            .Where(e => e.Stem.Length > 0)
            .ToList();
    }

    public static KeywordMatcher Empty { get; } = new([]);

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>
    /// The department whose keywords the text holds: most distinct keywords found wins, then the longest keyword
    /// (the more specific), then the department id; null when none matches.
    /// </summary>
    public (string Department, string Keyword)? Match(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || _entries.Count == 0)
        {
            return null;
        }

        var words = Words(Fold(text));
        var hits = _entries.Where(e => words.Any(w => w.StartsWith(e.Stem, StringComparison.Ordinal))).ToList();
        if (hits.Count == 0)
        {
            return null;
        }

        // A keyword found whole ("Pumpe" in "Pumpen") is a better witness than one found by its stem ("pump").
        int Quality(Entry e) => words.Any(w => w.StartsWith(e.Folded, StringComparison.Ordinal)) ? 1000 + e.Folded.Length : e.Stem.Length;
        var best = hits.GroupBy(h => h.Department)
            .Select(g => (Department: g.Key, Count: g.Select(h => h.Stem).Distinct().Count(),
                Best: g.OrderByDescending(Quality).ThenBy(h => h.Keyword, StringComparer.Ordinal).First()))
            .OrderByDescending(x => x.Count).ThenByDescending(x => Quality(x.Best)).ThenBy(x => x.Department, StringComparer.Ordinal)
            .First();
        return (best.Department, best.Best.Keyword);
    }

    /// <summary>True when <paramref name="keyword"/> starts a word of <paramref name="text"/> (with the same folding and endings as <see cref="Match"/>).</summary>
    public static bool ContainsWord(string text, string keyword)
    {
        var stem = Stem(Fold(keyword.Trim()));
        return stem.Length > 0 && Words(Fold(text)).Any(w => w.StartsWith(stem, StringComparison.Ordinal));
    }

    /// <summary>Lower case, umlauts and ß to base letters (ä/ae → a, ö/oe → o, ü/ue → u, ß → ss), ё → е, other accents dropped.</summary>
    public static string Fold(string text)
    {
        var lower = text.ToLowerInvariant()
            .Replace("ä", "a").Replace("ö", "o").Replace("ü", "u").Replace("ß", "ss").Replace("ẞ", "ss")
            .Replace("ae", "a").Replace("oe", "o").Replace("ue", "u")
            .Replace('ё', 'е');
        var decomposed = lower.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            // Drop combining marks (é → e), but keep the breve of й, which is a letter of its own in Russian.
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark && !(c == '\u0306' && sb.Length > 0 && sb[^1] == 'и'))
            {
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The keyword without an inflectional ending, so every form of the word starts with it.</summary>
    public static string Stem(string folded)
    {
        if (folded.Any(char.IsWhiteSpace))
        {
            // A phrase is matched on its first word's beginning only if all of it appears: keep it whole.
            return folded;
        }

        var endings = folded.Any(IsCyrillic) ? RussianEndings : GermanEndings;
        foreach (var ending in endings)
        {
            if (folded.EndsWith(ending, StringComparison.Ordinal) && folded.Length - ending.Length >= MinStem)
            {
                return folded[..^ending.Length];
            }
        }

        return folded;
    }

    /// <summary>The problems of one language's list (empty, too long, not plain text, duplicates after folding), each naming the field.</summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(IReadOnlyDictionary<string, string[]?> byLanguage)
    {
        var problems = new List<(string, string)>();
        foreach (var (language, list) in byLanguage)
        {
            var field = $"keywords.{language}";
            if (!Languages.Contains(language))
            {
                problems.Add((field, $"'{language}' is not a language here (en, ru, de)."));
                continue;
            }

            var keywords = list ?? [];
            if (keywords.Length > MaxKeywordsPerLanguage)
            {
                problems.Add((field, $"At most {MaxKeywordsPerLanguage} keywords per language ({keywords.Length} given)."));
                continue;
            }

            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < keywords.Length; i++)
            {
                var keyword = keywords[i]?.Trim() ?? "";
                var where = $"{field}[{i}]";
                if (keyword.Length == 0)
                {
                    problems.Add((where, $"{where}: a keyword is empty."));
                }
                else if (keyword.Length > MaxKeywordLength)
                {
                    problems.Add((where, $"{where}: '{keyword[..20]}…' is longer than {MaxKeywordLength} characters."));
                }
                else if (!TextHygiene.IsClean(keyword, multiline: false) || !keyword.Any(char.IsLetterOrDigit))
                {
                    problems.Add((where, $"{where}: '{keyword}' is not a word (plain letters or digits)."));
                }
                else if (Stem(Fold(keyword)).Length < 2)
                {
                    problems.Add((where, $"{where}: '{keyword}' is too short to route by (two letters at least)."));
                }
                else if (!seen.TryAdd(Fold(keyword), keyword))
                {
                    problems.Add((where, $"{where}: '{keyword}' is a duplicate of '{seen[Fold(keyword)]}'."));
                }
            }
        }

        return problems;
    }

    private static bool IsCyrillic(char c) => c is >= '\u0400' and <= '\u04FF';

    private static List<string> Words(string folded)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var letter = i < folded.Length && (char.IsLetterOrDigit(folded[i]) || folded[i] == '\u0306');
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                words.Add(folded[start..i]);
                start = -1;
            }
        }

        // A phrase keyword ("ERP system") is matched against the text from each word's beginning.
        return words.Count == 0 ? words : [.. words, .. Suffixes(folded)];
    }

    private static IEnumerable<string> Suffixes(string folded)
    {
        for (var i = 0; i < folded.Length; i++)
        {
            if (char.IsLetterOrDigit(folded[i]) && (i == 0 || !char.IsLetterOrDigit(folded[i - 1])) && folded.IndexOf(' ', i) > 0)
            {
                yield return folded[i..];
            }
        }
    }
}
