namespace SalesOrleans;

/// <summary>
/// A customer order (Заказ клиента): lines, the approval route, allocation of each line to stock, production and
/// suppliers, shipments, invoices and payments. Keyed by a Guid. Stock changes go through the stock item grains.
/// </summary>
[Alias("SalesOrleans.IOrderGrain")]
public interface IOrderGrain : IGrainWithGuidKey, IFollowUpGrain
{
    [Alias("Create")]
    Task<OrderResult> Create(CreateOrderCommand command, ActorInfo actor);

    [Alias("Get")]
    Task<OrderView?> Get();

    [Alias("Submit")]
    Task<OrderResult> Submit(ActorInfo actor);

    /// <summary>Approves and allocates: reserves what stock allows, the rest becomes production and supplier orders.</summary>
    [Alias("Approve")]
    Task<OrderResult> Approve(ApproveOrderCommand command, ActorInfo actor);

    [Alias("Reject")]
    Task<OrderResult> Reject(string reason, ActorInfo actor);

    [Alias("SetContract")]
    Task<OrderResult> SetContract(SetContractCommand command, ActorInfo actor);

    /// <summary>Approved → Execution; needs the contract number and payment terms.</summary>
    [Alias("StartExecution")]
    Task<OrderResult> StartExecution(ActorInfo actor);

    [Alias("StartProduction")]
    Task<OrderResult> StartProduction(string replenishmentId, ActorInfo actor);

    /// <summary>A production order done or a supplier order received: into stock, reserved for its line at once.</summary>
    [Alias("ReceiveReplenishment")]
    Task<OrderResult> ReceiveReplenishment(ReceiveReplenishmentCommand command, ActorInfo actor);

    /// <summary>Ships everything held for the order under one waybill.</summary>
    [Alias("Ship")]
    Task<OrderResult> Ship(ActorInfo actor);

    [Alias("IssueInvoice")]
    Task<OrderResult> IssueInvoice(IssueInvoiceCommand command, ActorInfo actor);

    [Alias("RecordPayment")]
    Task<OrderResult> RecordPayment(RecordPaymentCommand command, ActorInfo actor);

    [Alias("Cancel")]
    Task<OrderResult> Cancel(string reason, ActorInfo actor);

    [Alias("Archive")]
    Task<OrderResult> Archive(ActorInfo actor);

    /// <summary>Production reports how far a production order is (percent) and, if it moved, when it will be done.</summary>
    [Alias("ReportProduction")]
    Task<OrderResult> ReportProduction(ReportProductionCommand command, ActorInfo actor);

    /// <summary>Rejects a step of the approval route with a reason (<see cref="RejectOrderCommand.Step"/>: which one); the order goes back to revision.</summary>
    [Alias("RejectStep")]
    Task<OrderResult> RejectStep(RejectOrderCommand command, ActorInfo actor);

    /// <summary>In revision: new quantities or prices of lines and new payment terms, before resubmitting.</summary>
    [Alias("Revise")]
    Task<OrderResult> Revise(ReviseOrderCommand command, ActorInfo actor);
}

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReportProductionCommand")]
public sealed record ReportProductionCommand(
    [property: Id(0)] string ReplenishmentId,
    [property: Id(1)] int Percent,
    [property: Id(2)] DateOnly? ExpectedOn = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.RejectOrderCommand")]
public sealed record RejectOrderCommand([property: Id(0)] string Reason, [property: Id(1)] string? Step = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.LineRevisionView")]
public sealed record LineRevisionView([property: Id(0)] int Line, [property: Id(1)] decimal? Quantity = null, [property: Id(2)] decimal? Price = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReviseOrderCommand")]
public sealed record ReviseOrderCommand([property: Id(0)] IReadOnlyList<LineRevisionView>? Lines, [property: Id(1)] string? PaymentTerms = null);

/// <summary>One step of an approval round: who is asked, and how it was decided (who, when, why).</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ApprovalStepView")]
public sealed record ApprovalStepView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Role,
    [property: Id(2)] bool DepartmentHead,
    [property: Id(3)] int Group,
    [property: Id(4)] string? Condition,
    [property: Id(5)] IReadOnlyDictionary<string, string> Names,
    [property: Id(6)] string Status,
    [property: Id(7)] string? Assignee,
    [property: Id(8)] string? DecidedBy,
    [property: Id(9)] DateTimeOffset? DecidedAt,
    [property: Id(10)] string? Reason);

/// <summary>One round of the route: started by a submit, ended by approval of every step (Approved), a rejection or a cancellation.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.ApprovalRoundView")]
public sealed record ApprovalRoundView(
    [property: Id(0)] int Round,
    [property: Id(1)] string? Route,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] string StartedBy,
    [property: Id(4)] DateTimeOffset? EndedAt,
    [property: Id(5)] string? Outcome,
    [property: Id(6)] IReadOnlyList<ApprovalStepView> Steps);

[GenerateSerializer, Immutable, Alias("SalesOrleans.NewOrderLineView")]
public sealed record NewOrderLineView(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] decimal? Price = null,
    [property: Id(3)] DateOnly? DueDate = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.CreateOrderCommand")]
public sealed record CreateOrderCommand(
    [property: Id(0)] string Customer,
    [property: Id(1)] string? Contact,
    [property: Id(2)] string Responsible,
    [property: Id(3)] string Warehouse,
    [property: Id(4)] string? Currency,
    [property: Id(5)] IReadOnlyList<NewOrderLineView> Lines,
    [property: Id(6)] Guid? DealId = null,
    [property: Id(7)] string? ContractNumber = null,
    [property: Id(8)] string? PaymentTerms = null,
    [property: Id(40)] Guid? CompanyId = null);

/// <summary>Per line, how much the approver sends to production and to suppliers outright; the rest comes from stock first.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.LineSplitView")]
public sealed record LineSplitView([property: Id(0)] int Line, [property: Id(1)] decimal Production, [property: Id(2)] decimal Supplier);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ApproveOrderCommand")]
public sealed record ApproveOrderCommand(
    [property: Id(0)] IReadOnlyList<LineSplitView>? Splits = null,
    [property: Id(1)] string? Step = null,
    [property: Id(2)] string? Comment = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.SetContractCommand")]
public sealed record SetContractCommand([property: Id(0)] string? ContractNumber, [property: Id(1)] string? PaymentTerms);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReceiveReplenishmentCommand")]
public sealed record ReceiveReplenishmentCommand(
    [property: Id(0)] string ReplenishmentId,
    [property: Id(1)] string Batch,
    [property: Id(2)] DateOnly? Expiry = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.IssueInvoiceCommand")]
public sealed record IssueInvoiceCommand([property: Id(0)] decimal? Amount, [property: Id(1)] DateOnly? DueDate);

/// <summary><see cref="PaymentId"/> (the bank transaction) makes a repeated payment change nothing.</summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.RecordPaymentCommand")]
public sealed record RecordPaymentCommand(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string? Invoice = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.OrderResult")]
public sealed record OrderResult([property: Id(0)] OrderView? Order, [property: Id(1)] CommandError? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// A line and its allocation. <see cref="Reserved"/> is held in stock now; <see cref="Waiting"/> is neither held nor
/// shipped yet (waiting for production or a supplier).
/// </summary>
[GenerateSerializer, Immutable, Alias("SalesOrleans.OrderLineView")]
public sealed record OrderLineView(
    [property: Id(0)] int No,
    [property: Id(1)] string Sku,
    [property: Id(2)] string Name,
    [property: Id(3)] string Unit,
    [property: Id(4)] string Kind,
    [property: Id(5)] decimal Quantity,
    [property: Id(6)] decimal Price,
    [property: Id(7)] decimal Total,
    [property: Id(8)] DateOnly? DueDate,
    [property: Id(9)] decimal FromStock,
    [property: Id(10)] decimal ToProduce,
    [property: Id(11)] decimal ToPurchase,
    [property: Id(12)] decimal Reserved,
    [property: Id(13)] decimal Shipped,
    [property: Id(14)] decimal Waiting,
    [property: Id(15)] IReadOnlyList<string> Reservations);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ReplenishmentView")]
public sealed record ReplenishmentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] int Line,
    [property: Id(3)] string Sku,
    [property: Id(4)] decimal Quantity,
    [property: Id(5)] string Status,
    [property: Id(6)] DateOnly ExpectedOn,
    [property: Id(7)] string? Supplier,
    [property: Id(8)] string? Batch,
    [property: Id(9)] DateTimeOffset? ReceivedAt,
    [property: Id(10)] int? Progress = null);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ShipmentView")]
public sealed record ShipmentView(
    [property: Id(0)] string Waybill,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string By,
    [property: Id(3)] IReadOnlyList<ShippedLineView> Lines);

[GenerateSerializer, Immutable, Alias("SalesOrleans.ShippedLineView")]
public sealed record ShippedLineView([property: Id(0)] int Line, [property: Id(1)] decimal Quantity);

[GenerateSerializer, Immutable, Alias("SalesOrleans.InvoiceView")]
public sealed record InvoiceView(
    [property: Id(0)] string Number,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] DateOnly DueDate,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] string IssuedBy);

[GenerateSerializer, Immutable, Alias("SalesOrleans.PaymentView")]
public sealed record PaymentView(
    [property: Id(0)] string Id,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string? Invoice,
    [property: Id(4)] string RecordedBy);

[GenerateSerializer, Immutable, Alias("SalesOrleans.OrderView")]
public sealed record OrderView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Customer,
    [property: Id(2)] string? Contact,
    [property: Id(3)] string Responsible,
    [property: Id(4)] Guid? DealId,
    [property: Id(5)] string Warehouse,
    [property: Id(6)] string Currency,
    [property: Id(7)] string Status,
    [property: Id(8)] string? ContractNumber,
    [property: Id(9)] string? PaymentTerms,
    [property: Id(10)] string? RejectionReason,
    [property: Id(11)] string? CancelReason,
    [property: Id(12)] IReadOnlyList<OrderLineView> Lines,
    [property: Id(13)] IReadOnlyList<ReplenishmentView> Replenishments,
    [property: Id(14)] IReadOnlyList<ShipmentView> Shipments,
    [property: Id(15)] IReadOnlyList<InvoiceView> Invoices,
    [property: Id(16)] IReadOnlyList<PaymentView> Payments,
    [property: Id(17)] decimal Total,
    [property: Id(18)] decimal Invoiced,
    [property: Id(19)] decimal Paid,
    [property: Id(20)] decimal BalanceDue,
    [property: Id(21)] int PendingStockActions,
    [property: Id(22)] long Seq,
    [property: Id(23)] DateTimeOffset CreatedAt,
    [property: Id(24)] DateTimeOffset? ClosedAt,
    [property: Id(25)] IReadOnlyList<string>? Allowed = null,
    [property: Id(26)] int? ProductionPercent = null,
    [property: Id(27)] DateOnly? ProductionExpectedOn = null,
    [property: Id(28)] IReadOnlyList<ApprovalRoundView>? Approval = null,
    [property: Id(29)] string? CreatedBy = null,
    [property: Id(40)] Guid? CompanyId = null);
