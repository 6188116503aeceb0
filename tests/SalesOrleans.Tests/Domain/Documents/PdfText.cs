using System.Text;
using UglyToad.PdfPig;

namespace SalesOrleans.Tests.Domain.Documents;

/// <summary>A generated paper read back by PdfPig, a reader independent of the writer: its pages' text and fonts.</summary>
public sealed record PdfText(int Pages, IReadOnlyList<string> PageTexts, IReadOnlyList<string> FontNames)
{
    /// <summary>Every page's text, one page a line (within a page, separately drawn strings run together).</summary>
    public string Text => string.Join('\n', PageTexts);

    public static PdfText Of(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var pages = document.GetPages().ToList();
        return new PdfText(document.NumberOfPages, pages.Select(p => p.Text).ToList(),
            pages.SelectMany(p => p.Letters).Select(l => l.FontName ?? "").Distinct().ToList());
    }

    /// <summary>
    /// Text is set in DejaVu Sans embedded as a subset (the "ABCDEF+" name prefix marks one), with the ToUnicode map
    /// that made the text above readable; a whole embedded DejaVu Sans would alone be about 760 KB.
    /// </summary>
    public static void AssertEmbeddedSubsetOfDejaVuSans(byte[] bytes, PdfText pdf)
    {
        Assert.StartsWith("%PDF-", Encoding.Latin1.GetString(bytes, 0, 5));
        var font = Assert.Single(pdf.FontNames);
        Assert.Matches("^[A-Z]{6}\\+DejaVu ?Sans$", font);
        var raw = Encoding.Latin1.GetString(bytes);
        Assert.Contains("/FontFile2", raw);
        Assert.Contains("/ToUnicode", raw);
        Assert.InRange(bytes.Length, 1, 120_000);
    }
}
