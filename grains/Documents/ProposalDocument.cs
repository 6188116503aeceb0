using SalesOrleans.Deals;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Documents;

/// <summary>Lays out a commercial proposal from a deal's parameters and lines (names and units from the catalog).</summary>
public static class ProposalPdf
{
    public static byte[] Render(DealView deal, IReadOnlyDictionary<string, SkuDefinition> skus, DateTimeOffset now, string? language = null)
    {
        var t = PaperTexts.For(language);
        var page = new PaperLayout($"{t.Proposal}: {deal.Title}");
        page.Title(t.Proposal, t.Date(now));
        foreach (var line in new[] { $"{t.ForWhom}: {deal.Company}", deal.Contact is null ? null : $"{t.Attention}: {deal.Contact}", $"{t.From}: {deal.Owner}", $"{t.Subject}: {deal.Title}" })
        {
            if (line is not null)
            {
                page.Paragraph(line, 11, 16);
            }
        }

        page.Gap(14);
        page.Table(PaperLayout.LineColumns(deal.Currency, t), deal.Lines.Select((line, i) =>
        {
            var sku = skus.GetValueOrDefault(Catalog.NormalizeSkuCode(line.Sku));
            return (IReadOnlyList<string>)
            [
                $"{i + 1}", line.Sku, sku?.Name ?? line.Name ?? line.Sku, PaperLayout.Quantity(line.Quantity), sku?.Unit ?? "",
                PaperLayout.Money(SalesOrleans.Domain.Orders.DealOrderCommand.NetPrice(line)), PaperLayout.Money(line.Quantity * SalesOrleans.Domain.Orders.DealOrderCommand.NetPrice(line)),
            ];
        }));
        page.Sum(t.Total, $"{PaperLayout.Money(deal.Lines.Count > 0 ? deal.Lines.Sum(l => l.Quantity * SalesOrleans.Domain.Orders.DealOrderCommand.NetPrice(l)) : deal.Amount)} {deal.Currency}");
        page.Gap(12);

        if (deal.Parameters.Count > 0)
        {
            page.Paragraph(t.Terms, 12, 18);
            foreach (var (key, value) in deal.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                page.Paragraph($"{key}: {value}");
            }
        }

        page.Footer(t.ProposalFooter);
        return page.ToArray();
    }
}

/// <summary>Generates the proposal PDF of a deal and attaches it to the deal's current stage as a "proposal" document.</summary>
public sealed class ProposalService(IGrainFactory grains, DealDocuments documents, IStockCatalog catalog, TimeProvider clock, UserLanguageStore? languages = null) : IProposalService
{
    public async Task<(DealResult Result, Guid? DocumentId)> AttachProposalAsync(Guid dealId, ActorInfo actor, CancellationToken ct = default)
    {
        var deal = grains.GetGrain<IDealGrain>(dealId);
        var view = await deal.Get();
        if (view is null)
        {
            return (new DealResult(null, new CommandError(RejectionCode.NotFound, $"Deal {dealId} does not exist.", null, [])), null);
        }

        var skus = new Dictionary<string, SkuDefinition>(StringComparer.Ordinal);
        foreach (var code in view.Lines.Select(l => Catalog.NormalizeSkuCode(l.Sku)).Distinct())
        {
            if (Catalog.IsValidSkuCode(code) && await catalog.FindSkuAsync(code, ct) is { } sku)
            {
                skus[code] = sku;
            }
        }

        var now = clock.GetUtcNow();
        // In the language of whoever makes it (they send it to the customer they know).
        var content = ProposalPdf.Render(view, skus, now, languages is null ? null : await languages.GetAsync(actor.User, ct));
        var document = new StoredDocument(Guid.NewGuid(), dealId, "proposal", $"proposal-{now:yyyyMMdd-HHmm}.pdf", "application/pdf", content.Length, content);
        var (result, attached) = await documents.AttachAsync(document, actor, ct: ct);
        return (result, attached ? document.Id : null);
    }
}
