using System.Globalization;
using SalesOrleans.Deals;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Documents;

/// <summary>Lays out a commercial proposal from a deal's parameters and lines (names and units from the catalogue).</summary>
public static class ProposalPdf
{
    private const float Left = 50;
    private const float Right = PdfWriter.PageWidth - 50;
    private const float Top = PdfWriter.PageHeight - 60;
    private const float Bottom = 70;

    public static byte[] Render(DealView deal, IReadOnlyDictionary<string, SkuDefinition> skus, DateTimeOffset now, string? fontPath = null)
    {
        var pdf = new PdfWriter(fontPath);
        var y = Top;
        var culture = CultureInfo.InvariantCulture;
        string Money(decimal value) => value.ToString("#,0.00", culture);

        pdf.Text(Left, y, "Commercial proposal", 20);
        pdf.Text(Right, y, $"{now:yyyy-MM-dd}", 10, alignRight: true);
        y -= 30;
        foreach (var line in new[] { $"For: {deal.Company}", deal.Contact is null ? null : $"Attention: {deal.Contact}", $"From: {deal.Owner}", $"Subject: {deal.Title}" })
        {
            if (line is not null)
            {
                pdf.Text(Left, y, line, 11);
                y -= 16;
            }
        }

        y -= 14;
        // No, SKU, item (to its end), quantity (right-aligned, unit after it), price and total (right-aligned).
        float[] columns = [Left, Left + 25, Left + 115, Right - 215, Right - 185, Right - 85, Right];
        void Header()
        {
            pdf.Text(columns[0], y, "No", 9);
            pdf.Text(columns[1], y, "SKU", 9);
            pdf.Text(columns[2], y, "Item", 9);
            pdf.Text(columns[4], y, "Qty", 9, alignRight: true);
            pdf.Text(columns[4] + 5, y, "Unit", 9);
            pdf.Text(columns[5], y, "Price", 9, alignRight: true);
            pdf.Text(columns[6], y, $"Total, {deal.Currency}", 9, alignRight: true);
            pdf.Line(Left, y - 4, Right, y - 4);
            y -= 18;
        }

        Header();
        var number = 0;
        foreach (var line in deal.Lines)
        {
            var sku = skus.GetValueOrDefault(Catalogue.NormalizeSkuCode(line.Sku));
            var name = sku?.Name ?? line.Name ?? line.Sku;
            var wrapped = pdf.Wrap(name, 10, columns[3] - columns[2]).ToList();
            if (y - 14 * wrapped.Count < Bottom)
            {
                pdf.NewPage();
                y = Top;
                Header();
            }

            pdf.Text(columns[0], y, $"{++number}", 10);
            pdf.Text(columns[1], y, line.Sku, 10);
            pdf.Text(columns[4], y, line.Quantity.ToString("0.###", culture), 10, alignRight: true);
            pdf.Text(columns[4] + 5, y, sku?.Unit ?? "", 10);
            pdf.Text(columns[5], y, Money(line.Price), 10, alignRight: true);
            pdf.Text(columns[6], y, Money(line.Quantity * line.Price), 10, alignRight: true);
            foreach (var part in wrapped)
            {
                pdf.Text(columns[2], y, part, 10);
                y -= 14;
            }
        }

        pdf.Line(Left, y + 8, Right, y + 8);
        y -= 8;
        pdf.Text(columns[5], y, "Total", 11, alignRight: true);
        pdf.Text(columns[6], y, $"{Money(deal.Lines.Count > 0 ? deal.Lines.Sum(l => l.Quantity * l.Price) : deal.Amount)} {deal.Currency}", 11, alignRight: true);
        y -= 30;

        if (deal.Parameters.Count > 0)
        {
            pdf.Text(Left, y, "Terms", 12);
            y -= 18;
            foreach (var (key, value) in deal.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                foreach (var part in pdf.Wrap($"{key}: {value}", 10, Right - Left))
                {
                    if (y < Bottom)
                    {
                        pdf.NewPage();
                        y = Top;
                    }

                    pdf.Text(Left, y, part, 10);
                    y -= 14;
                }
            }
        }

        pdf.Text(Left, Bottom - 30, "Prices without VAT. This proposal is valid for 30 days.", 8);
        return pdf.ToArray();
    }
}

/// <summary>Generates the proposal PDF of a deal and attaches it to the deal's current stage as a "proposal" document.</summary>
public sealed class ProposalService(IGrainFactory grains, DealDocuments documents, IStockCatalog catalog, TimeProvider clock)
{
    public async Task<(DealResult Result, Guid? DocumentId)> AttachProposalAsync(Guid dealId, ActorInfo actor, CancellationToken ct = default)
    {
        var deal = grains.GetGrain<IDealGrain>(dealId);
        var view = await deal.Get();
        if (view is null)
        {
            return (new DealResult(null, new CommandError(CommandErrorCode.NotFound, $"Deal {dealId} does not exist.", null, [])), null);
        }

        var skus = new Dictionary<string, SkuDefinition>(StringComparer.Ordinal);
        foreach (var code in view.Lines.Select(l => Catalogue.NormalizeSkuCode(l.Sku)).Distinct())
        {
            if (Catalogue.IsValidSkuCode(code) && await catalog.FindSkuAsync(code, ct) is { } sku)
            {
                skus[code] = sku;
            }
        }

        var now = clock.GetUtcNow();
        var content = ProposalPdf.Render(view, skus, now);
        var document = new StoredDocument(Guid.NewGuid(), dealId, "proposal", $"proposal-{now:yyyyMMdd-HHmm}.pdf", "application/pdf", content.Length, content);
        var (result, attached) = await documents.AttachAsync(document, actor, ct: ct);
        return (result, attached ? document.Id : null);
    }
}
