using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace SalesOrleans.Documents;

/// <summary>One column of a paper's table: its header, its left and right edge in points, and how its text sits.</summary>
public sealed record PaperColumn(string Header, float Left, float Right, bool AlignRight = false, bool Wraps = false);

/// <summary>
/// The one layout of generated papers (invoice, waybill, proposal) on A4 through PDFsharp: a title with its date,
/// paragraphs, a table whose rows flow onto new pages under a repeated header, right-aligned sums and a footer.
/// Positions are points from the top left; text is set in <see cref="PaperFonts"/>' DejaVu Sans, embedded as a subset
/// with a ToUnicode map, so Cyrillic and umlauts print, and can be searched and copied.
/// </summary>
public sealed class PaperLayout
{
    public const float PageWidth = 595;
    public const float PageHeight = 842;
    public const float Left = 50;
    public const float Right = PageWidth - 50;
    private const float Top = 60;
    private const float Bottom = PageHeight - 70;
    private const float FooterLine = PageHeight - 40;

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    private readonly PdfDocument _document = new();
    private readonly Dictionary<float, XFont> _fonts = [];
    private XGraphics _page = null!;
    private float _y;

    public PaperLayout(string title)
    {
        PaperFonts.EnsureInstalled();
        _document.Info.Title = title;
        _document.Info.Creator = "SalesOrleans";
        _document.Options.CompressContentStreams = true;
        // PDF 1.4 has all a paper uses (CID fonts, compressed streams) and is what clients checked for before.
        _document.Version = 14;
        NewPage();
    }

    public int PageCount => _document.PageCount;

    public static string Money(decimal value) => value.ToString("#,0.00", Culture);

    public static string Quantity(decimal value) => value.ToString("0.###", Culture);

    /// <summary>The columns of an order's or a deal's lines: No, SKU, item (wrapped), quantity, unit, and with a currency the price and line total.</summary>
    public static PaperColumn[] LineColumns(string? currency, PaperTexts? texts = null)
    {
        var t = texts ?? PaperTexts.English;
        return currency is null
            ? [new(t.No, Left, Left + 25), new(t.Sku, Left + 25, Left + 115), new(t.Item, Left + 115, Right - 95, Wraps: true),
                new(t.Qty, Right - 95, Right - 60, AlignRight: true), new(t.Unit, Right - 55, Right)]
            : [new(t.No, Left, Left + 25), new(t.Sku, Left + 25, Left + 115), new(t.Item, Left + 115, Right - 220, Wraps: true),
                new(t.Qty, Right - 220, Right - 185, AlignRight: true), new(t.Unit, Right - 180, Right - 150),
                new(t.Price, Right - 150, Right - 85, AlignRight: true), new(t.Say(t.TotalIn, currency), Right - 85, Right, AlignRight: true)];
    }

    public void Title(string title, string date)
    {
        Text(Left, title, 20);
        Text(Right, date, 10, alignRight: true);
        _y += 30;
    }

    /// <summary>Text wrapped to the page's width, a new page when this one is full.</summary>
    public void Paragraph(string text, float size = 10, float leading = 14)
    {
        foreach (var part in Wrap(text, size, Right - Left))
        {
            Room();
            Text(Left, part, size);
            _y += leading;
        }
    }

    public void Gap(float points) => _y += points;

    /// <summary>The rows under the columns' headers; a row's wrapping cell sets its height, and a row never splits over pages.</summary>
    public void Table(IReadOnlyList<PaperColumn> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        const float Header = 9, Cell = 10, Leading = 14;
        void Headers()
        {
            foreach (var column in columns)
            {
                Text(column.AlignRight ? column.Right : column.Left, column.Header, Header, column.AlignRight);
            }

            Line(Left, _y + 4, Right, _y + 4);
            _y += 18;
        }

        Headers();
        foreach (var row in rows)
        {
            var cells = columns.Select((column, i) => column.Wraps
                ? Wrap(row[i], Cell, column.Right - column.Left).DefaultIfEmpty("").ToList()
                : [row[i]]).ToList();
            var height = cells.Max(c => c.Count) * Leading;
            if (_y + height > Bottom)
            {
                NewPage();
                Headers();
            }

            for (var i = 0; i < columns.Count; i++)
            {
                for (var line = 0; line < cells[i].Count; line++)
                {
                    var column = columns[i];
                    _page.DrawString(cells[i][line], Font(Cell), XBrushes.Black,
                        column.AlignRight ? column.Right - Width(cells[i][line], Cell) : column.Left, _y + line * Leading);
                }
            }

            _y += height;
        }

        Line(Left, _y - 8, Right, _y - 8);
        _y += 8;
    }

    /// <summary>A label and its value, both ending at fixed right edges under the table's last columns.</summary>
    public void Sum(string label, string value, float size = 11)
    {
        Room();
        Text(Right - 120, label, size, alignRight: true);
        Text(Right, value, size, alignRight: true);
        _y += size + 7;
    }

    /// <summary>Small print at the foot of the last page.</summary>
    public void Footer(string text) => _page.DrawString(text, Font(8), XBrushes.Black, Left, FooterLine);

    public byte[] ToArray()
    {
        _page.Dispose();
        using var stream = new MemoryStream();
        _document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private void NewPage()
    {
        _page?.Dispose();
        var page = _document.AddPage();
        page.Width = XUnit.FromPoint(PageWidth);
        page.Height = XUnit.FromPoint(PageHeight);
        _page = XGraphics.FromPdfPage(page);
        _y = Top;
    }

    /// <summary>A new page when the current line is already past the bottom margin.</summary>
    private void Room()
    {
        if (_y > Bottom)
        {
            NewPage();
        }
    }

    /// <summary>Text with its baseline at the current line; right-aligned text ends at <paramref name="x"/>.</summary>
    private void Text(float x, string text, float size, bool alignRight = false) =>
        _page.DrawString(text, Font(size), XBrushes.Black, alignRight ? x - Width(text, size) : x, _y);

    private void Line(float x1, float y1, float x2, float y2) => _page.DrawLine(new XPen(XColors.Black, 0.5), x1, y1, x2, y2);

    private double Width(string text, float size) => _page.MeasureString(text, Font(size)).Width;

    private XFont Font(float size)
    {
        if (!_fonts.TryGetValue(size, out var font))
        {
            _fonts[size] = font = new XFont(PaperFonts.Family, size, XFontStyleEx.Regular, Unicode);
        }

        return font;
    }

    /// <summary>Breaks text into lines no wider than <paramref name="width"/> at spaces.</summary>
    private IEnumerable<string> Wrap(string text, float size, float width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : $"{line} {word}";
            if (line.Length > 0 && Width(candidate, size) > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = candidate;
            }
        }

        if (line.Length > 0)
        {
            yield return line;
        }
    }
}
