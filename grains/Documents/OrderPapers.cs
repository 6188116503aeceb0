namespace SalesOrleans.Documents;

/// <summary>Renders <see cref="OrderPaper"/>s (the record is a contract in grain-interfaces; the PDF is laid out here).</summary>
public static class OrderPaperRendering
{
    /// <summary>The PDF from the order as it is now, in <paramref name="language"/> (<see cref="PaperTexts"/>); null when the order has no such invoice or waybill.</summary>
    public static byte[]? Render(this OrderPaper paper, OrderView order, string seller, string? language = null) => paper.Kind switch
    {
        OrderPaper.Invoice => order.Invoices.FirstOrDefault(i => i.Number == paper.Number) is { } invoice ? InvoicePdf.Render(order, invoice, seller, language) : null,
        OrderPaper.Waybill => order.Shipments.FirstOrDefault(s => s.Waybill == paper.Number) is { } shipment ? WaybillPdf.Render(order, shipment, seller, language) : null,
        _ => null,
    };
}

/// <summary>The port web renders order papers through.</summary>
public sealed class OrderPaperRenderer : IOrderPapers
{
    public byte[]? Render(OrderPaper paper, OrderView order, string seller, string? language = null) => paper.Render(order, seller, language);
}

/// <summary>Lays out an invoice for part or all of an order: seller, buyer, the order's lines and the amount invoiced.</summary>
public static class InvoicePdf
{
    public static byte[] Render(OrderView order, InvoiceView invoice, string seller, string? language = null)
    {
        var t = PaperTexts.For(language);
        var page = new PaperLayout(t.Say(t.Invoice, invoice.Number));
        page.Title(t.Say(t.Invoice, invoice.Number), t.Say(t.Issued, t.Date(invoice.IssuedAt)));
        OrderFrame.Parties(page, (t.Seller, seller), (t.Buyer, order.Customer), (t.Attention, order.Contact));
        OrderFrame.References(page, order, t.Say(t.DueDate, t.Date(invoice.DueDate)), t);

        page.Table(PaperLayout.LineColumns(order.Currency, t), order.Lines.Select(l => (IReadOnlyList<string>)
            [$"{l.No}", l.Sku, OrderFrame.NameOf(l.Name, l.Sku), PaperLayout.Quantity(l.Quantity), l.Unit, PaperLayout.Money(l.Price), PaperLayout.Money(l.Total)]));
        // Earlier invoices of the order, so a balance invoice shows what it covers.
        var before = order.Invoices.TakeWhile(i => i.Number != invoice.Number).Sum(i => i.Amount);
        page.Sum(t.OrderTotal, $"{PaperLayout.Money(order.Total)} {order.Currency}");
        if (before > 0)
        {
            page.Sum(t.InvoicedBefore, $"{PaperLayout.Money(before)} {order.Currency}");
        }

        page.Sum(t.AmountDue, $"{PaperLayout.Money(invoice.Amount)} {order.Currency}", 12);
        page.Footer(t.Say(t.PayFooter, $"{PaperLayout.Money(invoice.Amount)} {order.Currency}", t.Date(invoice.DueDate), invoice.Number));
        return page.ToArray();
    }
}

/// <summary>Lays out the waybill of one shipment: shipper, consignee and what left the warehouse per order line.</summary>
public static class WaybillPdf
{
    public static byte[] Render(OrderView order, ShipmentView shipment, string seller, string? language = null)
    {
        var t = PaperTexts.For(language);
        var page = new PaperLayout(t.Say(t.Waybill, shipment.Waybill));
        page.Title(t.Say(t.Waybill, shipment.Waybill), t.Date(shipment.At));
        OrderFrame.Parties(page, (t.Shipper, t.Say(t.Warehouse, seller, order.Warehouse)), (t.Consignee, order.Customer), (t.Attention, order.Contact));
        OrderFrame.References(page, order, null, t);

        var lines = order.Lines.ToDictionary(l => l.No);
        page.Table(PaperLayout.LineColumns(null, t), shipment.Lines.Where(s => lines.ContainsKey(s.Line)).Select(s => (IReadOnlyList<string>)
            [$"{s.Line}", lines[s.Line].Sku, OrderFrame.NameOf(lines[s.Line].Name, lines[s.Line].Sku), PaperLayout.Quantity(s.Quantity), lines[s.Line].Unit]));
        page.Sum(t.ItemsShipped, PaperLayout.Quantity(shipment.Lines.Sum(l => l.Quantity)));
        page.Footer(t.Say(t.WaybillFooter, shipment.By));
        return page.ToArray();
    }
}

/// <summary>What invoice and waybill share above their table: the parties and the order's references.</summary>
internal static class OrderFrame
{
    public static string NameOf(string? name, string sku) => string.IsNullOrWhiteSpace(name) ? sku : name;

    public static void Parties(PaperLayout page, params (string Label, string? Name)[] parties)
    {
        foreach (var (label, name) in parties.Where(p => !string.IsNullOrWhiteSpace(p.Name)))
        {
            page.Paragraph($"{label}: {name}", 11, 16);
        }

        page.Gap(6);
    }

    /// <summary>The order's reference and contract, which the customer's accounts match the paper against.</summary>
    public static void References(PaperLayout page, OrderView order, string? extra, PaperTexts t)
    {
        page.Paragraph(t.Say(t.Order, order.Id.ToString("N")));
        if (order.ContractNumber is not null)
        {
            page.Paragraph(t.Say(t.Contract, order.ContractNumber));
        }

        if (order.PaymentTerms is not null)
        {
            page.Paragraph(t.Say(t.PaymentTerms, order.PaymentTerms));
        }

        if (extra is not null)
        {
            page.Paragraph(extra);
        }

        page.Gap(14);
    }
}
