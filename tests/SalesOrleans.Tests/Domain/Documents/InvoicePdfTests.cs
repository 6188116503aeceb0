using SalesOrleans.Documents;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Orders;

namespace SalesOrleans.Tests.Domain.Documents;

[Trait("Category", "Unit")]
public class InvoicePdfTests
{
    private static readonly Guid OrderId = Guid.Parse("3f2a9c1e-0000-4000-8000-000000000001");

    private static OrderLineView Line(int no, string sku, string name, decimal quantity, decimal price) =>
        new(no, sku, name, "pcs", "Stocked", quantity, price, quantity * price, null, quantity, 0, 0, quantity, 0, 0, []);

    private static OrderView Order(IReadOnlyList<InvoiceView> invoices, IReadOnlyList<ShipmentView>? shipments = null, int lines = 2)
    {
        var orderLines = Enumerable.Range(1, lines).Select(i => i == 1 ? Line(1, "SKU-EXCEL", "Excel course seat", 12, 400) : Line(i, $"SKU-{i}", $"Workbook {i}", 1, 25.5m)).ToList();
        var total = orderLines.Sum(l => l.Total);
        return new OrderView(OrderId, "Hansa Print GmbH", "Frau Krüger", "k.weber", Guid.NewGuid(), "main", "EUR", "Approved", "HP-2026-7", "50 % advance",
            null, null, orderLines, [], shipments ?? [], invoices, [], total, invoices.Sum(i => i.Amount), 0, total, 0, 3,
            new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), null);
    }

    private static readonly InvoiceView Advance = new("INV-3F2A9C1E-4", 2400, new DateOnly(2026, 12, 7), new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), "k.weber");

    private static string TextOf(byte[] pdf) => PdfText.Of(pdf).Text;

    [Fact]
    public void An_invoice_shows_its_number_dates_seller_buyer_lines_total_and_the_amount_invoiced()
    {
        var text = TextOf(InvoicePdf.Render(Order([Advance]), Advance, "Muster Trainings AG"));

        Assert.Contains("Invoice INV-3F2A9C1E-4", text);
        Assert.Contains("Issued 2026-11-23", text);
        Assert.Contains("Due date: 2026-12-07", text);
        Assert.Contains("Seller: Muster Trainings AG", text);
        Assert.Contains("Buyer: Hansa Print GmbH", text);
        Assert.Contains("Attention: Frau Krüger", text);
        Assert.Contains($"Order: {OrderId:N}", text);
        Assert.Contains("Contract: HP-2026-7", text);
        Assert.Contains("Excel course seat", text);
        Assert.Contains("4,800.00", text); // line 1: 12 × 400
        Assert.Contains("4,825.50 EUR", text); // order total
        Assert.Contains("2,400.00 EUR", text); // this invoice
        Assert.DoesNotContain("Invoiced before", text);
    }

    [Fact]
    public void A_balance_invoice_names_what_was_invoiced_before_it()
    {
        var balance = new InvoiceView("INV-3F2A9C1E-5", 2425.5m, new DateOnly(2026, 12, 20), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "k.weber");
        var text = TextOf(InvoicePdf.Render(Order([Advance, balance]), balance, "SalesOrleans"));

        Assert.Contains("Invoiced before", text);
        Assert.Contains("2,400.00 EUR", text);
        Assert.Contains("2,425.50 EUR", text);
    }

    [Fact]
    public void Cyrillic_and_umlauts_print_in_an_embedded_font_subset_and_many_lines_flow_onto_more_pages()
    {
        var bytes = InvoicePdf.Render(Order([Advance], lines: 120), Advance, "ООО «Продажи» für Müller");
        var pdf = PdfText.Of(bytes);

        Assert.InRange(pdf.Pages, 3, 9);
        // Read back through the font's ToUnicode map by an independent reader: the letters themselves, not '?'.
        Assert.Contains("Seller: ООО «Продажи» für Müller", pdf.Text);
        Assert.Contains("Attention: Frau Krüger", pdf.Text);
        Assert.Contains("Workbook 120", pdf.Text); // the last line, on the last page
        PdfText.AssertEmbeddedSubsetOfDejaVuSans(bytes, pdf);

        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "salesorleans-invoice-sample.pdf"), InvoicePdf.Render(Order([Advance]), Advance, "SalesOrleans"));
    }

    [Fact]
    public void A_waybill_shows_the_shipment_lines_the_shipper_and_the_consignee()
    {
        var shipment = new ShipmentView("WB-3F2A9C1E-6", new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), "w.lager", [new ShippedLineView(1, 12)]);
        var order = Order([Advance], [shipment]);
        var text = TextOf(WaybillPdf.Render(order, shipment, "SalesOrleans"));

        Assert.Contains("Waybill WB-3F2A9C1E-6", text);
        Assert.Contains("Shipper: SalesOrleans, warehouse main", text);
        Assert.Contains("Consignee: Hansa Print GmbH", text);
        Assert.Contains("Excel course seat", text);
        Assert.DoesNotContain("Workbook 2", text); // not in this shipment
        Assert.Contains("Released by w.lager.", text);
    }

    [Fact]
    public void Papers_have_fixed_document_ids_and_come_from_invoice_and_waybill_activities_only()
    {
        var invoice = new OrderPaper(OrderId, OrderPaper.Invoice, Advance.Number);
        Assert.Equal(invoice.DocumentId, new OrderPaper(OrderId, OrderPaper.Invoice, Advance.Number).DocumentId);
        Assert.NotEqual(invoice.DocumentId, new OrderPaper(OrderId, OrderPaper.Invoice, "INV-3F2A9C1E-5").DocumentId);
        Assert.NotEqual(invoice.DocumentId, new OrderPaper(Guid.NewGuid(), OrderPaper.Invoice, Advance.Number).DocumentId);
        Assert.Equal("invoice-INV-3F2A9C1E-4.pdf", invoice.FileName);
        Assert.Null(new OrderPaper(OrderId, OrderPaper.Invoice, "INV-NONE-1").Render(Order([Advance]), "SalesOrleans"));

        OrderActivity Activity(OrderActivityKind kind, string? document) => new(1, DateTimeOffset.UnixEpoch, "k.weber", kind, OrderStatus.Execution, "…", document);
        Assert.Equal(invoice, OrderDocuments.PaperOf(OrderId, Activity(OrderActivityKind.Invoiced, Advance.Number)));
        Assert.Equal(new OrderPaper(OrderId, OrderPaper.Waybill, "WB-1"), OrderDocuments.PaperOf(OrderId, Activity(OrderActivityKind.Shipped, "WB-1")));
        Assert.Null(OrderDocuments.PaperOf(OrderId, Activity(OrderActivityKind.Shipped, null))); // "Everything shipped."
        Assert.Null(OrderDocuments.PaperOf(OrderId, Activity(OrderActivityKind.Paid, "pay-1")));
    }
}
