using System.Text;
using SalesOrleans.Documents;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Tests.Domain.Documents;

public class ProposalPdfTests
{
    private static DealView Deal(int lines) => new(
        Guid.NewGuid(), "Прессовая линия для Уралмаш", "industrial-equipment", 1, "ООО «Уралмаш Сервис»", "Иван Петров", "i.petrov", "industrial",
        0, "EUR",
        Enumerable.Range(0, lines).Select(i => new DealLineView(i % 2 == 0 ? "SKU-100" : "SKU-104", null, 1 + i, 1000 + i)).ToList(),
        new Dictionary<string, string> { ["equipmentType"] = "press", ["needs"] = "Zwei Pressen für die Halle 3, Lieferung bis März" },
        "proposal", "Proposal", DateTimeOffset.UnixEpoch, 0.4, "Open", null, [], [], null, [], [], 7, DateTimeOffset.UnixEpoch, null, []);

    private static readonly Dictionary<string, SkuDefinition> Skus = new()
    {
        ["SKU-100"] = new("SKU-100", "Гидравлический пресс HP-40 with a rather long name that has to wrap in its column", "шт", 48_000, "EUR", SkuKind.Manufactured, 45),
    };

    [Fact]
    public void A_proposal_is_a_well_formed_pdf_whose_text_includes_cyrillic_when_a_font_is_embedded()
    {
        var bytes = ProposalPdf.Render(Deal(3), Skus, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        var text = Encoding.Latin1.GetString(bytes);

        Assert.StartsWith("%PDF-1.4", text);
        Assert.EndsWith("%%EOF\n", text);
        Assert.Contains("/Count 1", text);
        // Every object the cross-reference table points at starts where it says.
        var xref = int.Parse(text[(text.LastIndexOf("startxref\n", StringComparison.Ordinal) + 10)..].Split('\n')[0]);
        var entries = text[xref..].Split('\n').Skip(3).TakeWhile(l => l.EndsWith(" n ", StringComparison.Ordinal)).ToList();
        Assert.All(entries.Select((e, i) => (Offset: int.Parse(e[..10]), Id: i + 1)), x => Assert.StartsWith($"{x.Id} 0 obj", text[x.Offset..]));

        if (new PdfWriter().EmbedsFont)
        {
            Assert.Contains("/FontFile2", text);
            // The ToUnicode map (stored uncompressed) maps glyphs back to the Cyrillic letters used, e.g. 'Г' (U+0413).
            Assert.Contains("<0413>", text);
        }
    }

    [Fact]
    public void Many_lines_flow_onto_more_pages_and_without_a_font_it_falls_back_to_helvetica()
    {
        var many = Encoding.Latin1.GetString(ProposalPdf.Render(Deal(120), Skus, DateTimeOffset.UtcNow));
        Assert.Matches(@"/Count [3-9]", many);

        var fallback = Encoding.Latin1.GetString(ProposalPdf.Render(Deal(2), Skus, DateTimeOffset.UtcNow, fontPath: "/nonexistent.ttf"));
        Assert.Contains("/BaseFont /Helvetica", fallback);
        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "salesorleans-proposal-sample.pdf"), ProposalPdf.Render(Deal(3), Skus, DateTimeOffset.UtcNow));
    }
}
