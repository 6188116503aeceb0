namespace SalesOrleans.Domain.Orders;

/// <summary>
/// How far an order's production is: the share of the quantity its production orders make that is done (a production
/// order in work counts with the progress reported on it), and when the last open one is expected. Null when the order
/// produces nothing. Pure.
/// </summary>
public static class ProductionReadiness
{
    public static (int Percent, DateOnly? ExpectedOn)? Of(OrderState order)
    {
        var production = order.Replenishments
            .Where(r => r.Kind == ReplenishmentKind.Production && r.Status != ReplenishmentStatus.Cancelled)
            .ToList();
        var total = production.Sum(r => r.Quantity);
        if (total <= 0)
        {
            return null;
        }

        var ready = production.Sum(r => r.Status == ReplenishmentStatus.Done ? r.Quantity : r.Quantity * (r.Progress ?? 0) / 100m);
        var open = production.Where(r => r.Status != ReplenishmentStatus.Done).ToList();
        var percent = (int)Math.Floor(ready * 100 / total);
        return (Math.Clamp(percent, 0, 100), open.Count == 0 ? null : open.Max(r => r.ExpectedOn));
    }
}
