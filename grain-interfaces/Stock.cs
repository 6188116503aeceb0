namespace SalesOrleans;

/// <summary>
/// The stock of one SKU in one warehouse (StockItem): batches, on hand, reserved, available. Keyed
/// <c>"SKU@warehouse"</c> (see <see cref="StockKeys"/>), never all digits. Replies come only once the change is durable.
/// </summary>
[Alias("SalesOrleans.IStockItemGrain")]
public interface IStockItemGrain : IGrainWithStringKey, IFollowUpGrain
{
    [Alias("Receive")]
    Task<StockResult> Receive(ReceiveStockCommand command, ActorInfo actor);

    /// <summary>Reserves for an order line, FIFO by expiry then receipt; idempotent by reservation id.</summary>
    [Alias("Reserve")]
    Task<StockResult> Reserve(ReserveStockCommand command, ActorInfo actor);

    [Alias("Release")]
    Task<StockResult> Release(ReleaseStockCommand command, ActorInfo actor);

    /// <summary>Ships from a reservation, consuming its batches FIFO.</summary>
    [Alias("Ship")]
    Task<StockResult> Ship(ShipStockCommand command, ActorInfo actor);

    /// <summary>A count adjustment of one batch, with a reason.</summary>
    [Alias("Adjust")]
    Task<StockResult> Adjust(AdjustStockCommand command, ActorInfo actor);

    /// <summary>The stock item as durably stored; null when nothing was ever received or reserved here.</summary>
    [Alias("Get")]
    Task<StockItemView?> Get();

    [Alias("GetReservation")]
    Task<StockReservationView?> GetReservation(string reservationId);
}

/// <summary>Stock item grain keys: "SKU-100@main". SKU codes are upper case, warehouse ids lower case, neither holds '@'.</summary>
public static class StockKeys
{
    public static string Of(string sku, string warehouse) => $"{sku}@{warehouse}";

    public static (string Sku, string Warehouse) Parse(string key)
    {
        var at = key.LastIndexOf('@');
        if (at <= 0 || at == key.Length - 1)
        {
            throw new ArgumentException($"'{key}' is not a stock item key (SKU@warehouse).", nameof(key));
        }

        return (key[..at], key[(at + 1)..]);
    }
}

/// <summary>With a receipt: reserve (part of) it for a waiting order line in the same write, before anyone else can.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ReserveReceiptFor")]
public sealed record ReserveReceiptFor(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] string Order,
    [property: Id(2)] int? Line,
    [property: Id(3)] decimal Quantity);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReceiveStockCommand")]
public sealed record ReceiveStockCommand(
    [property: Id(0)] string Batch,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] DateOnly? Expiry = null,
    [property: Id(3)] DateTimeOffset? ReceivedAt = null,
    [property: Id(4)] string? ReceiptId = null,
    [property: Id(5)] string? Source = null,
    [property: Id(6)] ReserveReceiptFor? ReserveFor = null);

/// <summary><see cref="AllowPartial"/>: reserve what is available (maybe nothing) instead of refusing when short.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ReserveStockCommand")]
public sealed record ReserveStockCommand(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] string Order,
    [property: Id(3)] int? Line = null,
    [property: Id(4)] bool AllowPartial = false);

/// <summary>No quantity: release everything still reserved. <see cref="OperationId"/> makes a partial release retryable.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ReleaseStockCommand")]
public sealed record ReleaseStockCommand(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] decimal? Quantity = null,
    [property: Id(2)] string? OperationId = null,
    [property: Id(3)] string? Reason = null);

/// <summary>No quantity: ship everything still reserved. <see cref="ShipmentId"/> (the waybill) makes it retryable.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ShipStockCommand")]
public sealed record ShipStockCommand(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] decimal? Quantity = null,
    [property: Id(2)] string? ShipmentId = null);

/// <summary>Exactly one of <see cref="Counted"/> (the count's result) or <see cref="Delta"/> (found or written off).</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.AdjustStockCommand")]
public sealed record AdjustStockCommand(
    [property: Id(0)] string Batch,
    [property: Id(1)] decimal? Counted,
    [property: Id(2)] decimal? Delta,
    [property: Id(3)] string Reason,
    [property: Id(4)] string? AdjustmentId = null,
    [property: Id(5)] DateOnly? Expiry = null);

/// <summary>The stock item after the command (and the reservation it touched), or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.StockResult")]
public sealed record StockResult(
    [property: Id(0)] StockItemView? Item,
    [property: Id(1)] StockReservationView? Reservation,
    [property: Id(2)] CommandError? Error)
{
    public bool Ok => Error is null;
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.StockBatchView")]
public sealed record StockBatchView(
    [property: Id(0)] string Batch,
    [property: Id(1)] DateTimeOffset ReceivedAt,
    [property: Id(2)] DateOnly? Expiry,
    [property: Id(3)] decimal OnHand,
    [property: Id(4)] decimal Reserved,
    [property: Id(5)] decimal Available,
    [property: Id(6)] bool Expired);

/// <summary><see cref="Expired"/>: unreserved quantity in expired batches, on hand but never available.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.StockItemView")]
public sealed record StockItemView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] decimal OnHand,
    [property: Id(3)] decimal Reserved,
    [property: Id(4)] decimal Available,
    [property: Id(5)] decimal Expired,
    [property: Id(6)] IReadOnlyList<StockBatchView> Batches,
    [property: Id(7)] int OpenReservations,
    [property: Id(8)] long Seq);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReservedBatchView")]
public sealed record ReservedBatchView([property: Id(0)] string Batch, [property: Id(1)] decimal Quantity);

/// <summary>A hold for an order line. <see cref="Reserved"/> is what it still holds: quantity − shipped − released.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.StockReservationView")]
public sealed record StockReservationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Sku,
    [property: Id(2)] string Warehouse,
    [property: Id(3)] string Order,
    [property: Id(4)] int? Line,
    [property: Id(5)] decimal Quantity,
    [property: Id(6)] decimal Reserved,
    [property: Id(7)] decimal Shipped,
    [property: Id(8)] decimal Released,
    [property: Id(9)] string Status,
    [property: Id(10)] IReadOnlyList<ReservedBatchView> Batches,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset? ClosedAt);
