using SalesOrleans.Documents;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Tests.Domain.Documents;

[Trait("Category", "Unit")]
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
    public void A_proposal_prints_its_cyrillic_and_umlaut_text_in_an_embedded_font_subset()
    {
        var bytes = ProposalPdf.Render(Deal(3), Skus, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        var pdf = PdfText.Of(bytes);

        Assert.Equal(1, pdf.Pages);
        Assert.Contains("Commercial proposal", pdf.Text);
        Assert.Contains("2026-11-23", pdf.Text);
        Assert.Contains("For: ООО «Уралмаш Сервис»", pdf.Text);
        Assert.Contains("Subject: Прессовая линия для Уралмаш", pdf.Text);
        Assert.Contains("Гидравлический пресс", pdf.Text); // the catalog's name of SKU-100, wrapped in its column
        Assert.Contains("needs: Zwei Pressen für die Halle 3, Lieferung bis März", pdf.Text);
        Assert.Contains("Total, EUR", pdf.Text);
        PdfText.AssertEmbeddedSubsetOfDejaVuSans(bytes, pdf);
    }

    [Fact]
    public void Many_lines_flow_onto_more_pages_each_under_the_table_header()
    {
        var many = PdfText.Of(ProposalPdf.Render(Deal(120), Skus, DateTimeOffset.UtcNow));

        Assert.InRange(many.Pages, 3, 9);
        Assert.All(many.PageTexts, page => Assert.Contains("NoSKUItemQty", page));
        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "salesorleans-proposal-sample.pdf"), ProposalPdf.Render(Deal(3), Skus, DateTimeOffset.UtcNow));
    }
}
