using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Stock;

/// <summary>
/// What a stock item publishes after a durable write: its totals and batches as written, the batches emptied since the
/// last publication, the reservations that changed and the new movements. <paramref name="Projected"/>: the storage wrote
/// the read-model rows in the same commit as the state (<see cref="SalesOrleans.ReadModel.StockRowsInCommit"/>), so
/// only the live push is left to do.
/// </summary>
public sealed record StockPublication(
    string Sku,
    string Warehouse,
    long Seq,
    IReadOnlyList<StockBatch> Batches,
    IReadOnlyList<string> EmptiedBatches,
    IReadOnlyList<StockReservation> ChangedReservations,
    IReadOnlyList<StockMovement> Movements,
    bool Projected = false);

/// <summary>Consumers of stock events on this node (the read-model projector). Must be idempotent by (stock item, seq).</summary>
public interface IStockEventSink
{
    Task PublishAsync(StockPublication publication, CancellationToken ct = default);
}
