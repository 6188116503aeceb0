using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Stock;

/// <summary>
/// What a stock item publishes after a durable write: its totals and batches as written, the batches emptied since the
/// last publication, the reservations that changed and the new movements.
/// </summary>
public sealed record StockPublication(
    string Sku,
    string Warehouse,
    long Seq,
    IReadOnlyList<StockBatch> Batches,
    IReadOnlyList<string> EmptiedBatches,
    IReadOnlyList<StockReservation> ChangedReservations,
    IReadOnlyList<StockMovement> Movements);

/// <summary>Consumers of stock events on this node (the read-model projector). Must be idempotent by (stock item, seq).</summary>
public interface IStockEventSink
{
    Task PublishAsync(StockPublication publication, CancellationToken ct = default);
}
