using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Stock;

/// <summary>Maps the stock domain to the views and errors grains return.</summary>
public static class StockViews
{
    public static StockItemView ToView(this StockItem item, DateTimeOffset now) => new(
        item.Sku,
        item.Warehouse,
        item.OnHand,
        item.Reserved,
        item.Available(now),
        item.ExpiredFree(now),
        item.BatchesFifo().Select(b => b.ToView(now)).ToList(),
        item.OpenReservations,
        item.State.Seq);

    public static StockBatchView ToView(this StockBatch b, DateTimeOffset now)
    {
        var expired = b.IsExpired(now);
        return new StockBatchView(b.Number, b.ReceivedAt, b.Expiry, b.OnHand, b.Reserved, expired ? 0 : b.Free, expired);
    }

    public static StockReservationView ToView(this StockReservation r, string sku, string warehouse) => new(
        r.Id,
        sku,
        warehouse,
        r.Order,
        r.Line,
        r.Quantity,
        r.Held,
        r.Shipped,
        r.Released,
        r.IsOpen ? "Open" : "Closed",
        r.Batches.Select(b => new ReservedBatchView(b.Batch, b.Quantity)).ToList(),
        r.CreatedAt,
        r.ClosedAt);
}
