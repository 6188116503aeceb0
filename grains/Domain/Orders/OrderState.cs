using System.Text.Json.Serialization;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Domain.Orders;

/// <summary>
/// Everything an order grain persists, in one record: the order, its journal outbox, and the stock actions it has
/// decided on but not yet seen done (<see cref="PendingStock"/>) — so a node dying between the decision and the stock
/// call carries it out on reactivation. Stock actions are idempotent by their reservation, receipt and shipment ids.
/// </summary>
public sealed class OrderState : IWorkDue
{
    public Guid Id { get; set; }

    public string Customer { get; set; } = "";

    public string? Contact { get; set; }

    public string Responsible { get; set; } = "";

    public Guid? DealId { get; set; }

    /// <summary>The company record of the customer (from the deal, or given at creation); <see cref="Customer"/> stays the name.</summary>
    public Guid? CompanyId { get; set; }

    public string Warehouse { get; set; } = "";

    public string Currency { get; set; } = "EUR";

    public List<OrderLine> Lines { get; set; } = [];

    public OrderStatus Status { get; set; }

    public string? ContractNumber { get; set; }

    public string? PaymentTerms { get; set; }

    public string? RejectionReason { get; set; }

    public string? CancelReason { get; set; }

    /// <summary>Production split the approver asked for, per line (the rest comes from stock, then the SKU's route).</summary>
    public List<LineSplit> RequestedSplits { get; set; } = [];

    public List<Replenishment> Replenishments { get; set; } = [];

    public List<Shipment> Shipments { get; set; } = [];

    public List<Invoice> Invoices { get; set; } = [];

    public List<Payment> Payments { get; set; } = [];

    public List<StockAction> PendingStock { get; set; } = [];

    public int NextNumber { get; set; } = 1;

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Sequence number of the last activity; consumers dedupe on (order id, seq).</summary>
    public long Seq { get; set; }

    public List<OrderActivity> Outbox { get; set; } = [];

    /// <summary>Activities up to this seq are reflected in the linked deal (journal notes, stage); the outbox keeps the rest.</summary>
    public long DealSyncedSeq { get; set; }

    /// <summary>The approval rounds, oldest first; the last one runs while the order is OnApproval. Empty in orders stored before routes.</summary>
    public List<ApprovalRoundState> Approvals { get; set; } = [];

    [JsonIgnore]
    public bool Exists => Id != Guid.Empty;

    /// <summary>
    /// Work the order still owes after this write: stock actions, or activities its deal or the read model may not have
    /// (the outbox). Stored with the state, so if the node dies first a survivor's sweep wakes the order (FollowUpSweeper).
    /// </summary>
    [JsonIgnore]
    public bool WorkDue => PendingStock.Count > 0 || Outbox.Count > 0;

    [JsonIgnore]
    public decimal Total => Lines.Sum(l => l.Quantity * l.Price);

    [JsonIgnore]
    public decimal Paid => Payments.Sum(p => p.Amount);

    [JsonIgnore]
    public decimal Invoiced => Invoices.Sum(i => i.Amount);

    [JsonIgnore]
    public decimal BalanceDue => Total - Paid;
}

/// <summary>
/// The route: Draft → OnApproval → (Allocating →) Approved | Rejected → Execution → Shipped → Completed;
/// Rejected and Cancelled → Archived. Allocating lasts while stock is being reserved on approval.
/// </summary>
public enum OrderStatus
{
    Draft,
    OnApproval,
    Allocating,
    Approved,
    Rejected,
    Execution,
    Shipped,
    Completed,
    Cancelled,
    Archived,

    /// <summary>A step of the approval route rejected it: the responsible revises lines and terms, then resubmits (a new round).</summary>
    Revision,
}

/// <summary>An order line and how it is fulfilled (Allocation): held in stock, ordered from production or a supplier, shipped.</summary>
public sealed class OrderLine
{
    public int No { get; set; }

    public string Sku { get; set; } = "";

    public string Name { get; set; } = "";

    public string Unit { get; set; } = "";

    public SkuKind Kind { get; set; }

    public int LeadTimeDays { get; set; }

    public decimal Quantity { get; set; }

    public decimal Price { get; set; }

    public DateOnly? DueDate { get; set; }

    /// <summary>The catalog price when the line was made (0 in lines stored before): a lower price is a discount, which routes may look at.</summary>
    public decimal ListPrice { get; set; }

    /// <summary>Reserved from stock at approval (FromStock).</summary>
    public decimal FromStock { get; set; }

    /// <summary>Ordered from production (manufactured SKUs) and from suppliers (purchased ones).</summary>
    public decimal ToProduce { get; set; }

    public decimal ToPurchase { get; set; }

    /// <summary>Stock reservations held for this line: the one made at approval and one per replenishment receipt.</summary>
    public List<LineReservation> Reservations { get; set; } = [];

    [JsonIgnore]
    public decimal Held => Reservations.Sum(r => r.Quantity - r.Shipped);

    [JsonIgnore]
    public decimal Shipped => Reservations.Sum(r => r.Shipped);
}

public sealed record LineReservation(string Id, decimal Quantity, decimal Shipped);

public sealed record LineSplit(int Line, decimal Production, decimal Supplier);

public enum ReplenishmentKind
{
    /// <summary>A production order: Planned → InProduction → Done.</summary>
    Production,

    /// <summary>A supplier purchase order: Ordered → Received.</summary>
    Supplier,
}

public enum ReplenishmentStatus
{
    Planned,
    InProduction,
    Done,
    Ordered,
    Received,
    Cancelled,
}

/// <summary>A production or supplier order for the part of a line stock could not cover; its receipt is reserved for the line.</summary>
public sealed record Replenishment(
    string Id,
    ReplenishmentKind Kind,
    int Line,
    string Sku,
    decimal Quantity,
    ReplenishmentStatus Status,
    DateOnly ExpectedOn,
    string? Supplier,
    string? Batch = null,
    DateTimeOffset? ReceivedAt = null,
    int? Progress = null)
{
    [JsonIgnore]
    public bool IsOpen => Status is ReplenishmentStatus.Planned or ReplenishmentStatus.InProduction or ReplenishmentStatus.Ordered;
}

/// <summary>A shipment from the warehouse (its waybill number), with what it took per line.</summary>
public sealed record Shipment(string Waybill, DateTimeOffset At, string By, IReadOnlyList<ShippedLine> Lines);

public sealed record ShippedLine(int Line, decimal Quantity);

public sealed record Invoice(string Number, decimal Amount, DateOnly DueDate, DateTimeOffset IssuedAt, string IssuedBy);

public sealed record Payment(string Id, decimal Amount, DateTimeOffset At, string? Invoice, string RecordedBy);

public enum StockActionKind
{
    /// <summary>Reserve up to the quantity (what stock allows) for a line.</summary>
    Reserve,

    /// <summary>Release everything a reservation still holds.</summary>
    Release,

    /// <summary>Receive a replenishment into stock and reserve it for its line in the same write.</summary>
    Receive,

    /// <summary>Ship everything a reservation still holds, under a waybill.</summary>
    Ship,
}

/// <summary>
/// A change the order asks of a stock item, carried out by the grain after the order's write. Ids are fixed when the
/// action is decided, so carrying it out twice changes nothing.
/// </summary>
public sealed record StockAction(
    StockActionKind Kind,
    int Line,
    string Sku,
    string ReservationId,
    decimal Quantity,
    string? Replenishment = null,
    string? Batch = null,
    DateOnly? Expiry = null,
    string? Waybill = null,
    string? By = null);

/// <summary>What came of a <see cref="StockAction"/>: how much was reserved, received-and-reserved or shipped.</summary>
public sealed record StockOutcome(StockAction Action, decimal Quantity, string? Refusal = null);

public enum OrderActivityKind
{
    Created,
    Submitted,
    Approved,
    Rejected,
    Allocated,
    ReplenishmentOrdered,
    ProductionStarted,
    Received,
    ContractSet,
    ExecutionStarted,
    Shipped,
    Invoiced,
    Paid,
    Completed,
    Cancelled,
    Archived,
    ApprovalRequested,
    StepApproved,
    Revised,
}

/// <summary>One entry of the order's journal and the event consumers receive (invoices, payments and waybills show in the deal journal).</summary>
public sealed record OrderActivity(
    long Seq,
    DateTimeOffset At,
    string Actor,
    OrderActivityKind Kind,
    OrderStatus Status,
    string Text,
    string? Document = null,
    decimal? Amount = null,
    string? Notify = null);
