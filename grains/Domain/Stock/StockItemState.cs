using System.Text.Json.Serialization;

namespace SalesOrleans.Domain.Stock;

/// <summary>
/// Everything a stock item grain persists: batches, reservations, recently applied operation ids and the outbox of
/// movements, in one record so state and journal are written together (docs/architecture.md, "Storage and follow-up rules"). Batches, reservations and
/// movements are immutable records: the domain replaces them, so <see cref="Snapshot"/> is a cheap shallow copy that
/// a storage write can serialize while the grain goes on changing its live state. Derived properties are not stored
/// (<see cref="JsonIgnoreAttribute"/>): the whole state is rewritten on every flush, so every byte counts.
/// </summary>
public sealed class StockItemState : IWorkDue
{
    public string Sku { get; set; } = "";

    public string Warehouse { get; set; } = "";

    public List<StockBatch> Batches { get; set; } = [];

    [JsonConverter(typeof(ReservationsJsonConverter))]
    public Dictionary<string, StockReservation> Reservations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ids of recent receipts, releases, shipments and adjustments, so a retried command changes nothing.</summary>
    public List<AppliedOperation> Operations { get; set; } = [];

    /// <summary>Sequence number of the last movement; consumers dedupe on (stock item, seq).</summary>
    public long Seq { get; set; }

    /// <summary>Movements written but maybe not yet delivered to consumers; replayed on reactivation.</summary>
    public List<StockMovement> Outbox { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    [JsonIgnore]
    public bool Exists => Sku.Length > 0;

    /// <summary>
    /// Movements in the outbox may not have reached the read model: stored with the state, so if the node dies before
    /// publishing them a survivor's sweep wakes the item (FollowUpSweeper). Cleared by the write after they went out.
    /// </summary>
    [JsonIgnore]
    public bool WorkDue => Outbox.Count > 0;

    public StockItemState Snapshot() => new()
    {
        Sku = Sku,
        Warehouse = Warehouse,
        Batches = [.. Batches],
        Reservations = new Dictionary<string, StockReservation>(Reservations, StringComparer.Ordinal),
        Operations = [.. Operations],
        Seq = Seq,
        Outbox = [.. Outbox],
        CreatedAt = CreatedAt,
    };
}

/// <summary>A received lot. Invariant (kept by <see cref="StockItem"/>): 0 ≤ Reserved ≤ OnHand.</summary>
public sealed record StockBatch(string Number, DateTimeOffset ReceivedAt, DateOnly? Expiry, decimal OnHand, decimal Reserved)
{
    /// <summary>A batch is usable through its expiry date; from the next day on it is never reserved.</summary>
    public bool IsExpired(DateTimeOffset now) => Expiry is { } expiry && expiry < DateOnly.FromDateTime(now.UtcDateTime);

    [JsonIgnore]
    public decimal Free => OnHand - Reserved;
}

public sealed record BatchQuantity(string Batch, decimal Quantity);

/// <summary>
/// A hold for an order line. <see cref="Batches"/> is what it still holds, per batch; Quantity = held + shipped + released.
/// Closed once it holds nothing.
/// </summary>
public sealed record StockReservation(
    string Id,
    string Order,
    int? Line,
    decimal Quantity,
    IReadOnlyList<BatchQuantity> Batches,
    decimal Shipped,
    decimal Released,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    long UpdatedSeq)
{
    [JsonIgnore]
    public decimal Held => Batches.Sum(b => b.Quantity);

    [JsonIgnore]
    public bool IsOpen => ClosedAt is null;
}

public sealed record AppliedOperation(string Id, MovementKind Kind, long Seq);

public enum MovementKind
{
    Receipt,
    Reservation,
    Release,
    Shipment,
    Adjustment,
}

/// <summary>
/// One entry of the stock journal, for one batch: how on hand and reserved changed. Summing the deltas of all
/// movements gives the stock item exactly.
/// </summary>
public sealed record StockMovement(
    long Seq,
    DateTimeOffset At,
    MovementKind Kind,
    string Batch,
    decimal OnHandDelta,
    decimal ReservedDelta,
    string Actor,
    string? ReservationId = null,
    string? Reference = null,
    string? Reason = null,
    string? OperationId = null);
