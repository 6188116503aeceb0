namespace SalesOrleans.Domain.Orders;

/// <summary>
/// The order a deal makes at its link stage: the agreed lines (at their discounted unit price), customer, contact,
/// owner, currency, the company record, and the contract number and payment terms typed once on the deal. Pure.
/// </summary>
public static class DealOrderCommand
{
    public static CreateOrderCommand For(DealView deal, string warehouse) =>
        new(deal.Company, deal.Contact, deal.Owner, warehouse, deal.Currency,
            deal.Lines.Select(l => new NewOrderLineView(l.Sku, l.Quantity, NetPrice(l))).ToList(), deal.Id,
            deal.Parameters.GetValueOrDefault("contractNumber"), deal.Parameters.GetValueOrDefault("paymentTerms"))
        { CompanyId = deal.CompanyId };

    public static decimal NetPrice(DealLineView line) =>
        line.Discount == 0 ? line.Price : decimal.Round(line.Price * (100 - line.Discount) / 100, 2, MidpointRounding.AwayFromZero);

    /// <summary>The order's refusal in the deal's words: which line, which SKU.</summary>
    public static string Problem(CommandError error, DealView deal)
    {
        if (error.Field is { } field && field.StartsWith("lines[", StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(6, Math.Max(0, field.IndexOf(']') - 6)), out var index) && index < deal.Lines.Count)
        {
            return $"line {index + 1} ({deal.Lines[index].Sku}): {error.Message}";
        }

        return error.Message;
    }
}
