using System.Globalization;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Domain.Orders;

public sealed record NewOrderLine(string Sku, decimal Quantity, decimal? Price, DateOnly? DueDate);

public sealed record NewOrder(
    string Customer,
    string? Contact,
    string Responsible,
    string Warehouse,
    string? Currency,
    IReadOnlyList<NewOrderLine> Lines,
    Guid? DealId,
    string? ContractNumber,
    string? PaymentTerms,
    Guid? CompanyId = null);

/// <summary>
/// The customer order aggregate over its <see cref="OrderState"/>. Commands check everything first and then mutate,
/// journaling activities. Stock is never touched here: commands that need stock add <see cref="StockAction"/>s, the
/// grain carries them out and hands the outcomes back to <see cref="ApplyStock"/>.
/// </summary>
public sealed partial class Order
{
    public const int MaxLines = 200;

    private readonly OrderState _state;
    private readonly IDealDirectory _directory;

    public Order(OrderState state, IDealDirectory directory)
    {
        _state = state;
        _directory = directory;
    }

    public OrderState State => _state;

    /// <summary>The order reference stock reservations carry.</summary>
    public string Reference => _state.Id.ToString("N");

    // ---------------------------------------------------------------- commands

    /// <summary>Creates the order in Draft. <paramref name="skus"/> holds the catalog entries of the lines' SKUs that exist.</summary>
    public void Start(Guid id, NewOrder command, IReadOnlyDictionary<string, SkuDefinition> skus, bool warehouseExists, Actor actor, DateTimeOffset now)
    {
        if (_state.Exists)
        {
            throw new Rejection(RejectionCode.Conflict, $"Order {_state.Id} already exists.");
        }

        if (id == Guid.Empty)
        {
            throw Rejection.Invalid("id", "The order id must not be empty.");
        }

        if (!actor.Roles.Any(r => r is Roles.Manager or Roles.Supervisor or Roles.Admin or Roles.System))
        {
            throw new Rejection(RejectionCode.Forbidden, "Only managers and supervisors create orders.");
        }

        var customer = RequireText("customer", command.Customer, 200);
        var contact = OptionalText("contact", command.Contact, 200);
        var responsible = RequireText("responsible", command.Responsible, 100);
        if (!_directory.UserExists(responsible))
        {
            throw Rejection.Invalid("responsible", $"Unknown user '{responsible}'.");
        }

        var warehouse = Catalog.NormalizeWarehouseId(command.Warehouse);
        if (warehouse.Length == 0 || !warehouseExists)
        {
            throw Rejection.Invalid("warehouse", warehouse.Length == 0 ? "'warehouse' is required." : $"Unknown warehouse '{command.Warehouse}'.");
        }

        var currency = (command.Currency ?? "").Trim().ToUpperInvariant();
        currency = currency.Length == 0 ? "EUR" : currency;
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw Rejection.Invalid("currency", "The currency must be a three-letter ISO 4217 code.");
        }

        if (command.Lines is not { Count: > 0 })
        {
            throw Rejection.Invalid("lines", "An order needs at least one line.");
        }

        if (command.Lines.Count > MaxLines)
        {
            throw Rejection.Invalid("lines", $"An order has at most {MaxLines} lines.");
        }

        var lines = new List<OrderLine>();
        for (var i = 0; i < command.Lines.Count; i++)
        {
            var line = command.Lines[i];
            var path = $"lines[{i}]";
            var code = Catalog.NormalizeSkuCode(line.Sku);
            if (code.Length == 0)
            {
                throw Rejection.Invalid($"{path}.sku", "'sku' is required.");
            }

            if (!skus.TryGetValue(code, out var sku))
            {
                throw Rejection.Invalid($"{path}.sku", $"Unknown SKU '{line.Sku}'.");
            }

            RequireAmount($"{path}.quantity", line.Quantity, positive: true, decimals: StockItem.MaxDecimals);
            var price = line.Price ?? sku.Price;
            RequireAmount($"{path}.price", price, positive: false, decimals: 2);
            if (ColumnRanges.LineTotalProblem($"{path}.price", line.Quantity, price) is { } tooLarge)
            {
                throw Rejection.Invalid($"{path}.price", tooLarge);
            }
            lines.Add(new OrderLine
            {
                No = i + 1,
                Sku = sku.Code,
                Name = sku.Name,
                Unit = sku.Unit,
                Kind = sku.Kind,
                LeadTimeDays = sku.LeadTimeDays,
                Quantity = line.Quantity,
                Price = price,
                DueDate = line.DueDate,
                ListPrice = sku.Price,
            });
        }

        _state.Id = id;
        _state.Customer = customer;
        _state.Contact = contact;
        _state.Responsible = responsible;
        _state.Warehouse = warehouse;
        _state.Currency = currency;
        _state.DealId = command.DealId;
        _state.CompanyId = command.CompanyId;
        _state.ContractNumber = OptionalText("contractNumber", command.ContractNumber, 100);
        _state.PaymentTerms = OptionalText("paymentTerms", command.PaymentTerms, 400);
        _state.Lines = lines;
        _state.Status = OrderStatus.Draft;
        _state.CreatedAt = now;
        _state.CreatedBy = actor.User;
        Record(OrderActivityKind.Created, actor, now,
            $"Order for {customer}: {lines.Count} line(s), {Money(_state.Total)} {currency}, responsible {responsible}.", amount: _state.Total);
    }

    /// <summary>Sends the order along the default route (orders of no process with a route of its own).</summary>
    public void Submit(Actor actor, DateTimeOffset now) => Submit(ApprovalRoute.Default, actor, now);

    /// <summary>
    /// Approves and starts allocation: each line reserves what stock allows (less what the approver sends straight to
    /// production or suppliers). The order stays Allocating until the stock outcomes are applied.
    /// </summary>
    public void Approve(IReadOnlyList<LineSplit>? splits, Actor actor, DateTimeOffset now) => Approve(splits, null, null, actor, now);

    /// <summary>
    /// Approves a step of the running route (<paramref name="stepId"/>, or the first pending step the actor decides);
    /// the last step's approval starts allocation with the splits given now or at an earlier step.
    /// </summary>
    public void Approve(IReadOnlyList<LineSplit>? splits, string? stepId, string? comment, Actor actor, DateTimeOffset now)
    {
        RequireStatus("approve", OrderStatus.OnApproval);
        var byLine = new Dictionary<int, LineSplit>();
        foreach (var split in splits ?? [])
        {
            var line = _state.Lines.FirstOrDefault(l => l.No == split.Line)
                ?? throw Rejection.Invalid("splits", $"The order has no line {split.Line}.");
            RequireAmount($"splits[{split.Line}].production", split.Production, positive: false, decimals: StockItem.MaxDecimals);
            RequireAmount($"splits[{split.Line}].supplier", split.Supplier, positive: false, decimals: StockItem.MaxDecimals);
            if (split.Production + split.Supplier > line.Quantity)
            {
                throw Rejection.Invalid("splits", $"Line {line.No} has {Money(line.Quantity)}; cannot send {Money(split.Production + split.Supplier)} to production and suppliers.");
            }

            if (!byLine.TryAdd(split.Line, split))
            {
                throw Rejection.Invalid("splits", $"Line {split.Line} is split twice.");
            }
        }

        var note = OptionalText("comment", comment, 400);
        var complete = ApproveStep(stepId, note, actor, now);
        if (splits is not null)
        {
            _state.RequestedSplits = [.. byLine.Values];
        }

        if (!complete)
        {
            return;
        }

        StartAllocation(actor, now, "Approved; allocating stock.");
    }

    /// <summary>The route is through (or needs no approval): reserve what stock allows, the rest goes to production or suppliers.</summary>
    private void StartAllocation(Actor actor, DateTimeOffset now, string text)
    {
        _state.Status = OrderStatus.Allocating;
        Record(OrderActivityKind.Approved, actor, now, text);
        foreach (var line in _state.Lines)
        {
            var s = _state.RequestedSplits.FirstOrDefault(x => x.Line == line.No);
            var fromStock = line.Quantity - (s is null ? 0 : s.Production + s.Supplier);
            if (fromStock > 0 && line.Kind != SkuKind.Service)
            {
                _state.PendingStock.Add(new StockAction(StockActionKind.Reserve, line.No, line.Sku, $"{Reference}-L{line.No}", fromStock));
            }
        }

        if (_state.PendingStock.Count == 0)
        {
            FinishAllocation(actor, now);
        }
    }

    /// <summary>Rejects a step of the running route with a reason: the round ends and the order goes back to revision.</summary>
    public void Reject(string? reason, Actor actor, DateTimeOffset now) => Reject(reason, null, actor, now);

    public void SetContract(string? contractNumber, string? paymentTerms, Actor actor, DateTimeOffset now)
    {
        RequireStatus("set the contract of", OrderStatus.Draft, OrderStatus.OnApproval, OrderStatus.Allocating, OrderStatus.Approved, OrderStatus.Execution, OrderStatus.Revision);
        RequireResponsibleOrSupervisor(actor);
        var contract = OptionalText("contractNumber", contractNumber, 100);
        var terms = OptionalText("paymentTerms", paymentTerms, 400);
        if (contract is null && terms is null)
        {
            throw Rejection.Invalid("contractNumber", "Give 'contractNumber', 'paymentTerms' or both.");
        }

        _state.ContractNumber = contract ?? _state.ContractNumber;
        _state.PaymentTerms = terms ?? _state.PaymentTerms;
        Record(OrderActivityKind.ContractSet, actor, now, $"Contract {_state.ContractNumber ?? "—"}, payment terms: {_state.PaymentTerms ?? "—"}.", _state.ContractNumber);
    }

    /// <summary>Approved → Execution. The gate: the contract number and the payment terms are known.</summary>
    public void StartExecution(Actor actor, DateTimeOffset now)
    {
        RequireStatus("start executing", OrderStatus.Approved);
        RequireResponsibleOrSupervisor(actor);
        var missing = MissingForExecution();
        if (missing.Count > 0)
        {
            throw new Rejection(RejectionCode.GateUnmet, $"Execution needs {string.Join(" and ", missing)}.", null, missing);
        }

        _state.Status = OrderStatus.Execution;
        Record(OrderActivityKind.ExecutionStarted, actor, now, $"In execution under contract {_state.ContractNumber} ({_state.PaymentTerms}).", _state.ContractNumber);
    }

    public IReadOnlyList<string> MissingForExecution()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(_state.ContractNumber))
        {
            missing.Add("contract number");
        }

        if (string.IsNullOrWhiteSpace(_state.PaymentTerms))
        {
            missing.Add("payment terms");
        }

        return missing;
    }

    public void StartProduction(string? replenishmentId, Actor actor, DateTimeOffset now)
    {
        RequireStatus("produce for", OrderStatus.Approved, OrderStatus.Execution);
        RequireWarehouseOrSupervisor(actor, "start production");
        var order = FindReplenishment(replenishmentId);
        if (order.Kind != ReplenishmentKind.Production || order.Status != ReplenishmentStatus.Planned)
        {
            throw new Rejection(RejectionCode.Conflict, $"{order.Id} is a {order.Kind.ToString().ToLowerInvariant()} order in status {order.Status}; only planned production starts.");
        }

        Replace(order, order with { Status = ReplenishmentStatus.InProduction });
        Record(OrderActivityKind.ProductionStarted, actor, now, $"Production order {order.Id} started: {Money(order.Quantity)} × {order.Sku} for line {order.Line}.", order.Id);
    }

    /// <summary>A production order done or a supplier order received: the goods go into stock and are reserved for the line.</summary>
    public void Receive(string? replenishmentId, string? batch, DateOnly? expiry, Actor actor, DateTimeOffset now)
    {
        RequireStatus("receive for", OrderStatus.Approved, OrderStatus.Execution);
        RequireWarehouseOrSupervisor(actor, "receive goods");
        var order = FindReplenishment(replenishmentId);
        var batchNumber = RequireText("batch", batch, 64);
        if (!order.IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"{order.Id} is {order.Status.ToString().ToLowerInvariant()}.");
        }

        if (_state.PendingStock.Any(a => a.Replenishment == order.Id))
        {
            throw new Rejection(RejectionCode.Conflict, $"{order.Id} is being received.");
        }

        var line = Line(order.Line);
        _state.PendingStock.Add(new StockAction(StockActionKind.Receive, line.No, line.Sku, $"{Reference}-L{line.No}-{order.Id}", order.Quantity,
            order.Id, batchNumber, expiry, By: actor.User));
    }

    /// <summary>Ships everything held in stock for the order under one new waybill.</summary>
    public string Ship(Actor actor, DateTimeOffset now)
    {
        RequireStatus("ship", OrderStatus.Execution);
        RequireWarehouseOrSupervisor(actor, "ship");
        if (_state.PendingStock.Count > 0)
        {
            throw new Rejection(RejectionCode.Conflict, "Stock changes of this order are still being carried out; try again shortly.");
        }

        var held = _state.Lines.SelectMany(l => l.Reservations.Where(r => r.Quantity > r.Shipped).Select(r => (Line: l, Reservation: r))).ToList();
        if (held.Count == 0 && ServicesOnlyLeft())
        {
            // Services are rendered, not shipped: nothing to take from stock, the order is delivered.
            _state.Status = OrderStatus.Shipped;
            Record(OrderActivityKind.Shipped, actor, now, "Services rendered; nothing to ship from stock.");
            CompleteIfDone(actor, now);
            return "";
        }

        if (held.Count == 0)
        {
            var waiting = Waiting();
            throw new Rejection(RejectionCode.GateUnmet, "Nothing is reserved to ship.", null, waiting);
        }

        var waybill = $"WB-{Reference[..8].ToUpperInvariant()}-{_state.NextNumber++}";
        foreach (var (line, reservation) in held)
        {
            _state.PendingStock.Add(new StockAction(StockActionKind.Ship, line.No, line.Sku, reservation.Id, reservation.Quantity - reservation.Shipped, Waybill: waybill, By: actor.User));
        }

        return waybill;
    }

    public Invoice IssueInvoice(decimal? amount, DateOnly? dueDate, Actor actor, DateTimeOffset now)
    {
        RequireStatus("invoice", OrderStatus.Approved, OrderStatus.Execution, OrderStatus.Shipped);
        RequireResponsibleOrSupervisor(actor);
        var open = _state.Total - _state.Invoiced;
        var value = amount ?? open;
        RequireAmount("amount", value, positive: true, decimals: 2);
        if (value > open)
        {
            throw Rejection.Invalid("amount", $"Only {Money(open)} {_state.Currency} of the order is not invoiced yet.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var due = dueDate ?? today.AddDays(14);
        if (due < today)
        {
            throw Rejection.Invalid("dueDate", "The due date must not be in the past.");
        }

        var invoice = new Invoice($"INV-{Reference[..8].ToUpperInvariant()}-{_state.NextNumber++}", value, due, now, actor.User);
        _state.Invoices.Add(invoice);
        Record(OrderActivityKind.Invoiced, actor, now, $"Invoice {invoice.Number}: {Money(value)} {_state.Currency}, due {due:yyyy-MM-dd}.", invoice.Number, value);
        return invoice;
    }

    /// <summary>A payment (partial allowed, advance allowed once approved); repeating a payment id changes nothing.</summary>
    public void RecordPayment(string? paymentId, decimal amount, string? invoice, Actor actor, DateTimeOffset now)
    {
        var id = RequireId("paymentId", paymentId);
        // A repeated payment is answered as done, even once the order has completed.
        if (_state.Payments.FirstOrDefault(p => p.Id == id) is { } known)
        {
            if (known.Amount != amount)
            {
                throw new Rejection(RejectionCode.Conflict, $"Payment {id} was recorded with {Money(known.Amount)}.", "paymentId");
            }

            return;
        }

        RequireStatus("take payment for", OrderStatus.Approved, OrderStatus.Execution, OrderStatus.Shipped);
        RequireResponsibleOrSupervisor(actor);

        RequireAmount("amount", amount, positive: true, decimals: 2);
        if (amount > _state.BalanceDue)
        {
            throw Rejection.Invalid("amount", $"The balance due is {Money(_state.BalanceDue)} {_state.Currency}.");
        }

        var invoiceNumber = invoice is null ? null : _state.Invoices.FirstOrDefault(i => i.Number == invoice.Trim())?.Number
            ?? throw Rejection.Invalid("invoice", $"The order has no invoice '{invoice}'.");
        _state.Payments.Add(new Payment(id, amount, now, invoiceNumber, actor.User));
        Record(OrderActivityKind.Paid, actor, now, $"Payment {id}: {Money(amount)} {_state.Currency}; balance due {Money(_state.BalanceDue)}.", invoiceNumber ?? id, amount);
        CompleteIfDone(actor, now);
    }

    /// <summary>Cancels an order that has shipped nothing: its reservations are released and open replenishments cancelled.</summary>
    public void Cancel(string? reason, Actor actor, DateTimeOffset now)
    {
        RequireStatus("cancel", OrderStatus.Draft, OrderStatus.OnApproval, OrderStatus.Approved, OrderStatus.Execution, OrderStatus.Revision);
        RequireResponsibleOrSupervisor(actor);
        var why = RequireText("reason", reason, 400);
        if (_state.Lines.Any(l => l.Shipped > 0))
        {
            throw new Rejection(RejectionCode.Conflict, "Goods of this order have been shipped; it can no longer be cancelled.");
        }

        if (_state.PendingStock.Count > 0)
        {
            throw new Rejection(RejectionCode.Conflict, "Stock changes of this order are still being carried out; try again shortly.");
        }

        _state.CancelReason = why;
        EndRunningRound("Cancelled", now);
        _state.Status = OrderStatus.Cancelled;
        _state.ClosedAt = now;
        foreach (var order in _state.Replenishments.Where(r => r.IsOpen).ToList())
        {
            Replace(order, order with { Status = ReplenishmentStatus.Cancelled });
        }

        foreach (var line in _state.Lines)
        {
            foreach (var reservation in line.Reservations.Where(r => r.Quantity > r.Shipped))
            {
                _state.PendingStock.Add(new StockAction(StockActionKind.Release, line.No, line.Sku, reservation.Id, reservation.Quantity - reservation.Shipped));
            }
        }

        Record(OrderActivityKind.Cancelled, actor, now, $"Cancelled: {why}");
    }

    public void Archive(Actor actor, DateTimeOffset now)
    {
        RequireStatus("archive", OrderStatus.Rejected, OrderStatus.Cancelled);
        RequireResponsibleOrSupervisor(actor);
        if (_state.PendingStock.Count > 0)
        {
            throw new Rejection(RejectionCode.Conflict, "Reservations of this order are still being released; try again shortly.");
        }

        _state.Status = OrderStatus.Archived;
        Record(OrderActivityKind.Archived, actor, now, "Archived.");
    }

    /// <summary>How far a production order in work is (0–99; done is its receipt), and a new expected date if it moved.</summary>
    public void ReportProduction(string? replenishmentId, int percent, DateOnly? expectedOn, Actor actor, DateTimeOffset now)
    {
        RequireStatus("report production of", OrderStatus.Approved, OrderStatus.Execution);
        RequireWarehouseOrSupervisor(actor, "report production");
        var order = FindReplenishment(replenishmentId);
        if (order.Kind != ReplenishmentKind.Production || !order.IsOpen)
        {
            throw new Rejection(RejectionCode.Conflict, $"{order.Id} is a {order.Kind.ToString().ToLowerInvariant()} order in status {order.Status}; only open production reports progress.");
        }

        if (percent is < 0 or > 99)
        {
            throw Rejection.Invalid("percent", "'percent' goes from 0 to 99 (100 % is the receipt of the goods).");
        }

        if (expectedOn is { } on && on < DateOnly.FromDateTime(now.UtcDateTime))
        {
            throw Rejection.Invalid("expectedOn", "The expected date must not be in the past.");
        }

        Replace(order, order with { Progress = percent, ExpectedOn = expectedOn ?? order.ExpectedOn });
        Record(OrderActivityKind.ProductionStarted, actor, now,
            $"Production order {order.Id}: {percent}% ready, expected {expectedOn ?? order.ExpectedOn:yyyy-MM-dd}.", order.Id);
    }

    // ---------------------------------------------------------------- stock outcomes

    /// <summary>Applies what the stock items did for the order's pending actions, and moves the order on where that completes a step.</summary>
    public void ApplyStock(IReadOnlyList<StockOutcome> outcomes, DateTimeOffset now)
    {
        var shipments = new Dictionary<string, (string By, List<ShippedLine> Lines)>();
        foreach (var outcome in outcomes)
        {
            var action = outcome.Action;
            if (!_state.PendingStock.Remove(action))
            {
                continue; // Applied before (a replayed outcome).
            }

            var line = Line(action.Line);
            var actor = action.By is null ? Actor.System : new Actor(action.By, []);
            switch (action.Kind)
            {
                case StockActionKind.Reserve:
                    line.FromStock = outcome.Quantity;
                    if (outcome.Quantity > 0)
                    {
                        line.Reservations.Add(new LineReservation(action.ReservationId, outcome.Quantity, 0));
                    }

                    break;
                case StockActionKind.Release:
                    var released = line.Reservations.FindIndex(r => r.Id == action.ReservationId);
                    if (released >= 0)
                    {
                        line.Reservations[released] = line.Reservations[released] with { Quantity = line.Reservations[released].Shipped };
                    }

                    break;
                case StockActionKind.Receive:
                    var order = FindReplenishment(action.Replenishment);
                    if (outcome.Refusal is not null)
                    {
                        Record(OrderActivityKind.Received, actor, now, $"Receipt of {order.Id} refused by stock: {outcome.Refusal}", order.Id);
                        break;
                    }

                    Replace(order, order with
                    {
                        Status = order.Kind == ReplenishmentKind.Production ? ReplenishmentStatus.Done : ReplenishmentStatus.Received,
                        Batch = action.Batch,
                        ReceivedAt = now,
                    });
                    line.Reservations.Add(new LineReservation(action.ReservationId, outcome.Quantity, 0));
                    Record(OrderActivityKind.Received, actor, now,
                        $"{order.Id} received into {_state.Warehouse} as batch {action.Batch}: {Money(outcome.Quantity)} × {order.Sku}, reserved for line {line.No}.", order.Id, outcome.Quantity);
                    break;
                case StockActionKind.Ship:
                    var index = line.Reservations.FindIndex(r => r.Id == action.ReservationId);
                    var before = line.Reservations[index].Shipped;
                    line.Reservations[index] = line.Reservations[index] with { Shipped = outcome.Quantity };
                    if (outcome.Quantity > before)
                    {
                        if (!shipments.TryGetValue(action.Waybill!, out var shipment))
                        {
                            shipments[action.Waybill!] = shipment = (actor.User, []);
                        }

                        shipment.Lines.Add(new ShippedLine(line.No, outcome.Quantity - before));
                    }

                    break;
            }
        }

        foreach (var (waybill, (by, lines)) in shipments)
        {
            var merged = lines.GroupBy(l => l.Line).Select(g => new ShippedLine(g.Key, g.Sum(x => x.Quantity))).OrderBy(l => l.Line).ToList();
            _state.Shipments.Add(new Shipment(waybill, now, by, merged));
            Record(OrderActivityKind.Shipped, new Actor(by, []), now,
                $"Shipped under waybill {waybill}: {string.Join(", ", merged.Select(l => $"line {l.Line} × {Money(l.Quantity)}"))}.", waybill, merged.Sum(l => l.Quantity));
        }

        if (_state.Status == OrderStatus.Allocating && !_state.PendingStock.Any(a => a.Kind == StockActionKind.Reserve))
        {
            FinishAllocation(Actor.System, now);
        }

        if (_state.Status == OrderStatus.Execution && _state.Lines.All(l => l.Kind == SkuKind.Service || l.Shipped >= l.Quantity))
        {
            _state.Status = OrderStatus.Shipped;
            Record(OrderActivityKind.Shipped, Actor.System, now, "Everything shipped.");
        }

        CompleteIfDone(Actor.System, now);
    }

    /// <summary>What each line still waits for, for messages: "line 2: 6 from production PR-1 (expected 2026-12-20)".</summary>
    public IReadOnlyList<string> Waiting() =>
        _state.Lines.Where(l => l.Kind != SkuKind.Service && l.Quantity - l.Shipped - l.Held > 0).Select(l =>
        {
            var open = _state.Replenishments.Where(r => r.Line == l.No && r.IsOpen).ToList();
            var why = open.Count == 0 ? "not allocated" : string.Join(", ", open.Select(r => $"{r.Kind.ToString().ToLowerInvariant()} {r.Id} (expected {r.ExpectedOn:yyyy-MM-dd})"));
            return $"line {l.No}: {Money(l.Quantity - l.Shipped - l.Held)} waiting for {why}";
        }).ToList();

    // ---------------------------------------------------------------- helpers

    private void FinishAllocation(Actor actor, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var line in _state.Lines)
        {
            if (line.Kind == SkuKind.Service)
            {
                // A service is rendered: never reserved, produced or bought in.
                Record(OrderActivityKind.Allocated, actor, now, $"Line {line.No} ({line.Sku} × {Money(line.Quantity)}): a service, rendered (nothing reserved or purchased).");
                continue;
            }

            var split = _state.RequestedSplits.FirstOrDefault(s => s.Line == line.No);
            var shortfall = line.Quantity - line.FromStock - (split?.Production ?? 0) - (split?.Supplier ?? 0);
            // Manufactured SKUs are made; everything else (purchased, and stocked items that ran out) is bought in.
            line.ToProduce = (split?.Production ?? 0) + (line.Kind == SkuKind.Manufactured ? shortfall : 0);
            line.ToPurchase = (split?.Supplier ?? 0) + (line.Kind == SkuKind.Manufactured ? 0 : shortfall);
            var parts = new List<string> { $"{Money(line.FromStock)} from stock" };
            if (line.ToProduce > 0)
            {
                var id = $"PR-{_state.NextNumber++}";
                _state.Replenishments.Add(new Replenishment(id, ReplenishmentKind.Production, line.No, line.Sku, line.ToProduce,
                    ReplenishmentStatus.Planned, today.AddDays(line.LeadTimeDays), null));
                parts.Add($"{Money(line.ToProduce)} by production order {id}");
            }

            if (line.ToPurchase > 0)
            {
                var id = $"PO-{_state.NextNumber++}";
                _state.Replenishments.Add(new Replenishment(id, ReplenishmentKind.Supplier, line.No, line.Sku, line.ToPurchase,
                    ReplenishmentStatus.Ordered, today.AddDays(line.LeadTimeDays), null));
                parts.Add($"{Money(line.ToPurchase)} by supplier order {id}");
            }

            Record(OrderActivityKind.Allocated, actor, now, $"Line {line.No} ({line.Sku} × {Money(line.Quantity)}): {string.Join(", ", parts)}.");
        }

        _state.Status = OrderStatus.Approved;
    }

    private void CompleteIfDone(Actor actor, DateTimeOffset now)
    {
        if (_state.Status == OrderStatus.Shipped && _state.BalanceDue <= 0)
        {
            _state.Status = OrderStatus.Completed;
            _state.ClosedAt = now;
            Record(OrderActivityKind.Completed, actor, now, "Shipped and paid in full: completed.");
        }
    }

    /// <summary>Whether every goods line has shipped and at least one service line remains (a services order is delivered by rendering).</summary>
    private bool ServicesOnlyLeft() =>
        _state.Lines.Any(l => l.Kind == SkuKind.Service) && _state.Lines.All(l => l.Kind == SkuKind.Service || l.Shipped >= l.Quantity);

    private OrderLine Line(int no) => _state.Lines.First(l => l.No == no);

    private Replenishment FindReplenishment(string? id) =>
        _state.Replenishments.FirstOrDefault(r => r.Id == (id ?? "").Trim())
        ?? throw new Rejection(RejectionCode.NotFound, $"Order {_state.Id} has no production or supplier order '{id}'.", "replenishmentId");

    private void Replace(Replenishment old, Replenishment updated) => _state.Replenishments[_state.Replenishments.IndexOf(old)] = updated;

    private void RequireStatus(string what, params OrderStatus[] allowed)
    {
        if (!_state.Exists)
        {
            throw new Rejection(RejectionCode.NotFound, "The order does not exist.");
        }

        if (!allowed.Contains(_state.Status))
        {
            throw new Rejection(RejectionCode.TransitionNotAllowed,
                $"Cannot {what} an order that is {_state.Status}; only when {string.Join(" or ", allowed)}.", "status", AllowedActions());
        }
    }

    /// <summary>What can be done next, for refusals and the UI.</summary>
    public IReadOnlyList<string> AllowedActions() => AllowedActionsIn(_state.Status);

    /// <summary>What can be done next with an order in the status (the orders page offers only these).</summary>
    public static IReadOnlyList<string> AllowedActionsIn(OrderStatus status) => status switch
    {
        OrderStatus.Draft => ["submit", "cancel"],
        OrderStatus.OnApproval => ["approve", "reject", "cancel"],
        OrderStatus.Approved => ["execute", "invoice", "pay", "cancel"],
        OrderStatus.Execution => ["ship", "invoice", "pay", "cancel"],
        OrderStatus.Shipped => ["invoice", "pay"],
        OrderStatus.Rejected or OrderStatus.Cancelled => ["archive"],
        OrderStatus.Revision => ["revise", "resubmit", "cancel"],
        _ => [],
    };

    private void RequireResponsibleOrSupervisor(Actor actor)
    {
        if (actor.User != _state.Responsible && !actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only the responsible ({_state.Responsible}) or a supervisor may do this.");
        }
    }

    private static void RequireSupervisor(Actor actor, string what)
    {
        if (!actor.ActsAsSupervisor)
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only supervisors {what} orders.");
        }
    }

    private static void RequireWarehouseOrSupervisor(Actor actor, string what)
    {
        if (!actor.ActsAsSupervisor && !actor.Roles.Contains(Roles.Warehouse))
        {
            throw new Rejection(RejectionCode.Forbidden, $"Only the warehouse or a supervisor may {what}.");
        }
    }

    private void Record(OrderActivityKind kind, Actor actor, DateTimeOffset now, string text, string? document = null, decimal? amount = null)
    {
        _state.Outbox.Add(new OrderActivity(++_state.Seq, now, actor.User, kind, _state.Status, text, document, amount));
    }

    private static void RequireAmount(string field, decimal value, bool positive, int decimals)
    {
        if (positive ? value <= 0 : value < 0)
        {
            throw Rejection.Invalid(field, positive ? $"'{field}' must be positive." : $"'{field}' must not be negative.");
        }

        if (value > StockItem.MaxQuantity || ColumnRanges.MoneyProblem(field, value) is not null)
        {
            throw Rejection.Invalid(field, $"'{field}' is too large.");
        }

        if (decimal.Round(value, decimals) != value)
        {
            throw Rejection.Invalid(field, $"'{field}' has more than {decimals} decimals.");
        }
    }

    private static string RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Rejection.Invalid(field, $"'{field}' is required.");
        }

        var trimmed = value.Trim();
        return trimmed.Length <= maxLength ? trimmed : throw Rejection.Invalid(field, $"'{field}' is longer than {maxLength} characters.");
    }

    private static string RequireId(string field, string? value)
    {
        try
        {
            return StockItem.RequireId(field, value);
        }
        catch (Rejection rejection)
        {
            throw Rejection.Invalid(field, rejection.Message);
        }
    }

    private static string? OptionalText(string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : RequireText(field, value, maxLength);

    private static string Money(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
