namespace SalesOrleans.Domain;

/// <summary>
/// Which characters text from outside may hold. PostgreSQL refuses NUL in text columns and lone surrogates cannot be
/// encoded as UTF-8, so one such character would stall a projection; other C0 controls hide text from people.
/// Input from people and programs (JSON, forms, query strings, imports) is refused when it holds one; text we only
/// read (mail) is cleaned instead.
/// </summary>
public static class TextHygiene
{
    /// <summary>The index of the first character text may not hold, or -1. Tab is allowed everywhere, CR and LF only in multi-line text.</summary>
    public static int FirstForbidden(string? text, bool multiline = true)
    {
        if (text is null)
        {
            return -1;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (!IsAllowed(c, multiline))
            {
                return i;
            }
        }

        return -1;
    }

    public static bool IsClean(string? text, bool multiline = true) => FirstForbidden(text, multiline) < 0;

    /// <summary>Drops what <see cref="FirstForbidden"/> refuses (a lone surrogate becomes U+FFFD; in single-line text CR/LF become a space).</summary>
    public static string Clean(string? text, bool multiline = true)
    {
        if (text is null || IsClean(text, multiline))
        {
            return text ?? "";
        }

        var sb = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append('\uFFFD');
            }
            else if (!multiline && c is '\r' or '\n')
            {
                sb.Append(' ');
            }
            else if (IsAllowed(c, multiline))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool IsAllowed(char c, bool multiline) => c switch
    {
        '\t' => true,
        '\r' or '\n' => multiline,
        < ' ' or '\u007F' => false,
        _ => !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF'),
    };
}
