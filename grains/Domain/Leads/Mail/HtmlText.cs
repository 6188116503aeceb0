using System.Text;
using MimeKit.Text;

namespace SalesOrleans.Domain.Leads.Mail;

/// <summary>
/// HTML mail as structured text: block elements become lines, a table row of a label cell and a value cell becomes
/// "Label: value" (how form services lay out their mail), style, script and head are dropped, and quoted history
/// (blockquote, Gmail's and Outlook's quote containers) is left out. Uses MimeKit's HTML tokenizer. Pure.
/// </summary>
public static class HtmlText
{
    private static readonly HashSet<HtmlTagId> Blocks =
    [
        HtmlTagId.P, HtmlTagId.Div, HtmlTagId.Br, HtmlTagId.LI, HtmlTagId.UL, HtmlTagId.OL, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3,
        HtmlTagId.H4, HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.Table, HtmlTagId.HR, HtmlTagId.Pre, HtmlTagId.Address, HtmlTagId.DL,
        HtmlTagId.DT, HtmlTagId.DD, HtmlTagId.Section, HtmlTagId.Article, HtmlTagId.Header, HtmlTagId.Footer, HtmlTagId.Body,
    ];

    private static readonly HashSet<HtmlTagId> Dropped = [HtmlTagId.Style, HtmlTagId.Script, HtmlTagId.Head, HtmlTagId.Title, HtmlTagId.NoScript];

    // Containers mail programs put the quoted earlier message in.
    private static readonly string[] QuoteMarkers = ["gmail_quote", "divRplyFwdMsg", "moz-cite-prefix", "yahoo_quoted", "OLK_SRC_BODY_SECTION", "appendonsend"];

    public static string Convert(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return "";
        }

        var output = new StringBuilder();
        var line = new StringBuilder();
        List<string>? cells = null;
        StringBuilder? cell = null;
        var dropped = 0;
        var quoted = 0;
        var quoteStack = new Stack<HtmlTagId>();
        var tokenizer = new HtmlTokenizer(new StringReader(html));

        void Flush()
        {
            var text = Squash(line.ToString());
            if (text.Length > 0)
            {
                output.Append(text).Append('\n');
            }

            line.Clear();
        }

        while (tokenizer.ReadNextToken(out var token))
        {
            if (token is HtmlTagToken tag)
            {
                if (Dropped.Contains(tag.Id))
                {
                    dropped = Math.Max(0, dropped + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                    continue;
                }

                // Quoted history: a blockquote, or a div carrying a mail program's quote marker, and everything inside it.
                if (!tag.IsEndTag && !tag.IsEmptyElement && (tag.Id == HtmlTagId.BlockQuote || (quoted > 0 && tag.Id == HtmlTagId.Div)
                    || (tag.Id == HtmlTagId.Div && tag.Attributes.Any(a => (a.Id is HtmlAttributeId.Class or HtmlAttributeId.Id) && QuoteMarkers.Any(m => a.Value?.Contains(m, StringComparison.OrdinalIgnoreCase) == true)))))
                {
                    quoted++;
                    continue;
                }

                if (quoted > 0)
                {
                    if (tag.IsEndTag && (tag.Id == HtmlTagId.BlockQuote || tag.Id == HtmlTagId.Div))
                    {
                        quoted--;
                    }

                    continue;
                }

                if (dropped > 0)
                {
                    continue;
                }

                switch (tag.Id)
                {
                    case HtmlTagId.TR when !tag.IsEndTag:
                        Flush();
                        cells = [];
                        break;
                    case HtmlTagId.TD or HtmlTagId.TH when !tag.IsEndTag:
                        cell = new StringBuilder();
                        break;
                    case HtmlTagId.TD or HtmlTagId.TH when tag.IsEndTag:
                        if (cell is not null)
                        {
                            (cells ??= []).Add(Squash(cell.ToString()));
                        }

                        cell = null;
                        break;
                    case HtmlTagId.TR when tag.IsEndTag:
                        if (cell is not null)
                        {
                            (cells ??= []).Add(Squash(cell.ToString()));
                            cell = null;
                        }

                        if (cells is not null)
                        {
                            line.Append(Row(cells));
                            Flush();
                        }

                        cells = null;
                        break;
                    case HtmlTagId.Br when cell is not null:
                        cell.Append('\n');
                        break;
                    default:
                        if (Blocks.Contains(tag.Id) && cell is null)
                        {
                            Flush();
                        }
                        else if (Blocks.Contains(tag.Id))
                        {
                            cell!.Append(' ');
                        }

                        break;
                }

                continue;
            }

            if (dropped > 0 || quoted > 0 || token is not HtmlDataToken data || token.Kind == HtmlTokenKind.ScriptData)
            {
                continue;
            }

            // Line breaks in the HTML source are spaces; only elements break lines.
            var words = data.Data.Replace('\r', ' ').Replace('\n', ' ');
            if (cell is not null)
            {
                cell.Append(words);
            }
            else if (cells is null)
            {
                line.Append(words);
            }
        }

        if (cells is { Count: > 0 })
        {
            line.Append(Row(cells));
        }

        Flush();
        return output.ToString().TrimEnd('\n');
    }

    // A two-cell row is a label and its value; longer rows keep their cells apart.
    private static string Row(List<string> cells)
    {
        var filled = cells.Where(c => c.Length > 0).ToList();
        if (filled.Count == 2 && filled[0].Length <= 40 && !filled[0].Contains('\n'))
        {
            var label = filled[0].TrimEnd(':', ' ');
            return $"{label}: {filled[1].Replace('\n', ' ')}";
        }

        return string.Join(" | ", filled.Select(c => c.Replace('\n', ' ')));
    }

    private static string Squash(string text)
    {
        var lines = text.Replace('\u00A0', ' ').Split('\n').Select(l => string.Join(' ', l.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)));
        return string.Join('\n', lines.Where(l => l.Length > 0)).Trim();
    }
}
