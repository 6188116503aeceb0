using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SalesOrleans.Documents;

/// <summary>A generated paper of an order: an invoice or a waybill, named by its number on the order.</summary>
public sealed record OrderPaper(Guid OrderId, string Kind, string Number)
{
    public const string Invoice = "invoice";
    public const string Waybill = "waybill";

    /// <summary>
    /// Fixed by the order and the paper's number, so attaching it again (a sync repeated after a crash) finds the same
    /// document on the deal instead of making a second one.
    /// </summary>
    public Guid DocumentId => new(SHA256.HashData(Encoding.UTF8.GetBytes($"order-document:{OrderId:N}:{Kind}:{Number}")).AsSpan(0, 16));

    public string FileName => $"{Kind}-{Number}.pdf";

    /// <summary>The PDF from the order as it is now; null when the order has no such invoice or waybill.</summary>
    public byte[]? Render(OrderView order, string seller, string? fontPath = null) => Kind switch
    {
        Invoice => order.Invoices.FirstOrDefault(i => i.Number == Number) is { } invoice ? InvoicePdf.Render(order, invoice, seller, fontPath) : null,
        Waybill => order.Shipments.FirstOrDefault(s => s.Waybill == Number) is { } shipment ? WaybillPdf.Render(order, shipment, seller, fontPath) : null,
        _ => null,
    };
}

/// <summary>Lays out an invoice for part or all of an order: seller, buyer, the order's lines and the amount invoiced.</summary>
public static class InvoicePdf
{
    public static byte[] Render(OrderView order, InvoiceView invoice, string seller, string? fontPath = null)
    {
        var page = new OrderPage(fontPath);
        var money = page.Money;
        page.Title($"Invoice {invoice.Number}", $"Issued {invoice.IssuedAt:yyyy-MM-dd}");
        page.Parties(("Seller", seller), ("Buyer", order.Customer), ("Attention", order.Contact));
        page.References(order, $"Due date: {invoice.DueDate:yyyy-MM-dd}");

        page.Table(order.Currency, withPrices: true, order.Lines.Select(l => (l.No, l.Sku, l.Name, l.Quantity, l.Unit, (decimal?)l.Price, (decimal?)l.Total)));
        // Earlier invoices of the order, so a balance invoice shows what it covers.
        var before = order.Invoices.TakeWhile(i => i.Number != invoice.Number).Sum(i => i.Amount);
        page.Sum("Order total", $"{money(order.Total)} {order.Currency}");
        if (before > 0)
        {
            page.Sum("Invoiced before", $"{money(before)} {order.Currency}");
        }

        page.Sum("Amount due under this invoice", $"{money(invoice.Amount)} {order.Currency}", 12);
        page.Footer($"Please pay {money(invoice.Amount)} {order.Currency} by {invoice.DueDate:yyyy-MM-dd}, quoting invoice {invoice.Number}. Prices without VAT.");
        return page.ToArray();
    }
}

/// <summary>Lays out the waybill of one shipment: shipper, consignee and what left the warehouse per order line.</summary>
public static class WaybillPdf
{
    public static byte[] Render(OrderView order, ShipmentView shipment, string seller, string? fontPath = null)
    {
        var page = new OrderPage(fontPath);
        page.Title($"Waybill {shipment.Waybill}", $"{shipment.At:yyyy-MM-dd}");
        page.Parties(("Shipper", $"{seller}, warehouse {order.Warehouse}"), ("Consignee", order.Customer), ("Attention", order.Contact));
        page.References(order, null);

        var lines = order.Lines.ToDictionary(l => l.No);
        page.Table(null, withPrices: false, shipment.Lines.Where(s => lines.ContainsKey(s.Line))
            .Select(s => (s.Line, lines[s.Line].Sku, lines[s.Line].Name, s.Quantity, lines[s.Line].Unit, (decimal?)null, (decimal?)null)));
        page.Sum("Items shipped", page.Quantity(shipment.Lines.Sum(l => l.Quantity)));
        page.Footer($"Released by {shipment.By}.        Received by: ____________________        Date: __________");
        return page.ToArray();
    }
}

/// <summary>The common frame of order papers on A4: title, parties, order references, a line table flowing over pages, sums.</summary>
internal sealed class OrderPage(string? fontPath)
{
    private const float Left = 50;
    private const float Right = PdfWriter.PageWidth - 50;
    private const float Top = PdfWriter.PageHeight - 60;
    private const float Bottom = 70;

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private readonly PdfWriter _pdf = new(fontPath);
    private float _y = Top;

    public string Money(decimal value) => value.ToString("#,0.00", Culture);

    public string Quantity(decimal value) => value.ToString("0.###", Culture);

    public void Title(string title, string date)
    {
        _pdf.Text(Left, _y, title, 20);
        _pdf.Text(Right, _y, date, 10, alignRight: true);
        _y -= 30;
    }

    public void Parties(params (string Label, string? Name)[] parties)
    {
        foreach (var (label, name) in parties.Where(p => !string.IsNullOrWhiteSpace(p.Name)))
        {
            Paragraph($"{label}: {name}", 11, 16);
        }

        _y -= 6;
    }

    /// <summary>The order's reference and contract, which the customer's accounts match the paper against.</summary>
    public void References(OrderView order, string? extra)
    {
        Paragraph($"Order: {order.Id:N}", 10, 14);
        if (order.ContractNumber is not null)
        {
            Paragraph($"Contract: {order.ContractNumber}", 10, 14);
        }

        if (order.PaymentTerms is not null)
        {
            Paragraph($"Payment terms: {order.PaymentTerms}", 10, 14);
        }

        if (extra is not null)
        {
            Paragraph(extra, 10, 14);
        }

        _y -= 14;
    }

    /// <summary>No, SKU, item (wrapped), quantity and unit, and with prices the price and line total.</summary>
    public void Table(string? currency, bool withPrices, IEnumerable<(int No, string Sku, string Name, decimal Quantity, string Unit, decimal? Price, decimal? Total)> rows)
    {
        float[] columns = withPrices
            ? [Left, Left + 25, Left + 115, Right - 215, Right - 185, Right - 85, Right]
            : [Left, Left + 25, Left + 115, Right - 90, Right - 60, Right, Right];
        void Header()
        {
            _pdf.Text(columns[0], _y, "No", 9);
            _pdf.Text(columns[1], _y, "SKU", 9);
            _pdf.Text(columns[2], _y, "Item", 9);
            _pdf.Text(columns[4], _y, "Qty", 9, alignRight: true);
            _pdf.Text(columns[4] + 5, _y, "Unit", 9);
            if (withPrices)
            {
                _pdf.Text(columns[5], _y, "Price", 9, alignRight: true);
                _pdf.Text(columns[6], _y, $"Total, {currency}", 9, alignRight: true);
            }

            _pdf.Line(Left, _y - 4, Right, _y - 4);
            _y -= 18;
        }

        Header();
        foreach (var row in rows)
        {
            var wrapped = _pdf.Wrap(string.IsNullOrWhiteSpace(row.Name) ? row.Sku : row.Name, 10, columns[3] - columns[2]).ToList();
            if (_y - 14 * wrapped.Count < Bottom)
            {
                _pdf.NewPage();
                _y = Top;
                Header();
            }

            _pdf.Text(columns[0], _y, $"{row.No}", 10);
            _pdf.Text(columns[1], _y, row.Sku, 10);
            _pdf.Text(columns[4], _y, Quantity(row.Quantity), 10, alignRight: true);
            _pdf.Text(columns[4] + 5, _y, row.Unit, 10);
            if (row.Price is { } price && row.Total is { } total)
            {
                _pdf.Text(columns[5], _y, Money(price), 10, alignRight: true);
                _pdf.Text(columns[6], _y, Money(total), 10, alignRight: true);
            }

            foreach (var part in wrapped)
            {
                _pdf.Text(columns[2], _y, part, 10);
                _y -= 14;
            }
        }

        _pdf.Line(Left, _y + 8, Right, _y + 8);
        _y -= 8;
    }

    public void Sum(string label, string value, float size = 11)
    {
        if (_y < Bottom)
        {
            _pdf.NewPage();
            _y = Top;
        }

        _pdf.Text(Right - 120, _y, label, size, alignRight: true);
        _pdf.Text(Right, _y, value, size, alignRight: true);
        _y -= size + 7;
    }

    public void Footer(string text) => _pdf.Text(Left, Bottom - 30, text, 8);

    public byte[] ToArray() => _pdf.ToArray();

    private void Paragraph(string text, float size, float leading)
    {
        foreach (var part in _pdf.Wrap(text, size, Right - Left))
        {
            if (_y < Bottom)
            {
                _pdf.NewPage();
                _y = Top;
            }

            _pdf.Text(Left, _y, part, size);
            _y -= leading;
        }
    }
}
