using System.Text.RegularExpressions;
using SalesOrleans.Documents;

namespace SalesOrleans.Tests.Domain.Documents;

/// <summary>Invoice, waybill and proposal headings in the reader's language (ru, de, en); the data stays as entered.</summary>
[Trait("Category", "Unit")]
public class PaperLanguageTests
{
    private static readonly OrderLineView Seat = new(1, "SKU-EXCEL", "Курс Excel für Einsteiger", "pcs", "Stocked", 12, 400, 4800, null, 12, 0, 0, 12, 0, 0, []);

    private static readonly InvoiceView Advance = new("INV-7C1", 2400, new DateOnly(2026, 12, 7), new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), "k.weber");

    private static readonly ShipmentView Shipment = new("WB-7C1-1", new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), "w.lager", [new ShippedLineView(1, 12)]);

    private static OrderView Order() => new(Guid.Parse("7c1a9c1e-0000-4000-8000-000000000001"), "ООО «Уралмаш»", "Frau Krüger", "k.weber", Guid.NewGuid(), "main", "EUR",
        "Approved", "УМ-2026-7", "50 % аванс", null, null, [Seat], [], [Shipment], [Advance], [], 4800, 2400, 0, 4800, 0, 3,
        new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), null);

    private static string Text(byte[] pdf) => PdfText.Of(pdf).Text;

    [Theory]
    [InlineData("ru", "Счёт INV-7C1", "Выставлен 23.11.2026", "Покупатель: ООО «Уралмаш»", "Наименование", "Просим оплатить 2")]
    [InlineData("de-DE", "Rechnung INV-7C1", "Ausgestellt am 23.11.2026", "Käufer: ООО «Уралмаш»", "Bezeichnung", "Bitte zahlen Sie 2")]
    [InlineData(null, "Invoice INV-7C1", "Issued 2026-11-23", "Buyer: ООО «Уралмаш»", "Item", "Please pay 2")]
    public void An_invoice_speaks_the_readers_language(string? language, string title, string issued, string buyer, string column, string footer)
    {
        var text = Text(InvoicePdf.Render(Order(), Advance, "SalesOrleans GmbH", language));

        Assert.Contains(title, text);
        Assert.Contains(issued, text);
        Assert.Contains(buyer, text);
        Assert.Contains(column, text);
        Assert.Contains(footer, text);
        Assert.Contains("Курс Excel für Einsteiger", text);
    }

    [Fact]
    public void A_waybill_in_German_and_the_paper_of_an_order_in_Russian()
    {
        var german = Text(WaybillPdf.Render(Order(), Shipment, "SalesOrleans GmbH", "de"));
        Assert.Contains("Lieferschein WB-7C1-1", german);
        Assert.Contains("Versender: SalesOrleans GmbH, Lager main", german);
        Assert.Contains("Empfänger: ООО «Уралмаш»", german);
        Assert.Contains("Ausgegeben von w.lager.", german);

        var russian = Text(new OrderPaper(Order().Id, OrderPaper.Waybill, "WB-7C1-1").Render(Order(), "SalesOrleans", "ru")!);
        Assert.Contains("Накладная WB-7C1-1", russian);
        Assert.Contains("Грузополучатель: ООО «Уралмаш»", russian);
        Assert.Contains("Договор: УМ-2026-7", russian);
    }

    [Fact]
    public void Every_paper_text_is_in_all_three_languages_with_the_same_placeholders()
    {
        static string Placeholders(string text) => string.Join(",", Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).Order());

        var texts = typeof(PaperTexts).GetProperties().Where(p => p.PropertyType == typeof(string) && p.Name != nameof(PaperTexts.Language)).ToList();
        Assert.True(texts.Count > 30);
        foreach (var text in texts)
        {
            var (en, ru, de) = ((string)text.GetValue(PaperTexts.English)!, (string)text.GetValue(PaperTexts.Russian)!, (string)text.GetValue(PaperTexts.German)!);
            Assert.All(new[] { en, ru, de }, t => Assert.False(string.IsNullOrWhiteSpace(t), text.Name));
            Assert.Equal((Placeholders(en), Placeholders(en)), (Placeholders(ru), Placeholders(de)));
        }

        Assert.Equal(("en", "ru", "de", "de"), (PaperTexts.For(null).Language, PaperTexts.For("ru-RU").Language, PaperTexts.For("de-AT").Language, PaperTexts.German.Language));
    }
}
