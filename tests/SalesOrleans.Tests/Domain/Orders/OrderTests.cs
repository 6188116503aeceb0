using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Orders;

[Trait("Category", "Unit")]
public class OrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Manager = new("m1", ["manager"]);
    private static readonly Actor OtherManager = new("m2", ["manager"]);
    private static readonly Actor Supervisor = new("sup", ["supervisor"]);
    private static readonly Actor Keeper = new("w.lager", ["warehouse"]);

    private static readonly Dictionary<string, SkuDefinition> Skus = new()
    {
        ["PRESS"] = new("PRESS", "Hydraulic press", "pcs", 1000, "EUR", SkuKind.Manufactured, 30),
        ["PUMP"] = new("PUMP", "Pump", "pcs", 200, "EUR", SkuKind.Purchased, 14, Supplier: "Nordwerk"),
        ["OIL"] = new("OIL", "Oil", "can", 10, "EUR", SkuKind.Stocked, 0),
    };

    private static NewOrder Draft(params NewOrderLine[] lines) =>
        new("Nordwerk GmbH", "Hans", "m1", "main", "eur", lines.Length > 0 ? lines : [new("press", 10, null, null), new("PUMP", 5, 180, null), new("OIL", 3, null, null)],
            null, null, null);

    private static Order NewOrder(NewOrder? draft = null)
    {
        var order = new Order(new OrderState(), new TestDirectory());
        order.Start(Guid.NewGuid(), draft ?? Draft(), Skus, warehouseExists: true, Manager, T0);
        return order;
    }

    /// <summary>Plays the stock items: each pending action gets the quantity <paramref name="answer"/> gives it.</summary>
    private static void Settle(Order order, Func<StockAction, decimal> answer)
    {
        var outcomes = order.State.PendingStock.Select(a => new StockOutcome(a, answer(a))).ToList();
        order.ApplyStock(outcomes, T0.AddMinutes(5));
        Assert.Empty(order.State.PendingStock);
    }

    private static Order Approved(Order order, IReadOnlyList<LineSplit>? splits = null, Func<StockAction, decimal>? stock = null)
    {
        order.Submit(Manager, T0);
        order.Approve(splits, Supervisor, T0);
        Settle(order, stock ?? (a => a.Line == 1 ? 4 : a.Line == 2 ? 0 : a.Quantity));
        return order;
    }

    private static Rejection Refused(Order order, Action action)
    {
        var before = System.Text.Json.JsonSerializer.Serialize(order.State);
        var rejection = Assert.Throws<Rejection>(action);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(order.State));
        return rejection;
    }

    [Fact]
    public void A_new_order_takes_names_units_and_prices_from_the_catalog_unless_given()
    {
        var order = NewOrder();

        Assert.Equal(OrderStatus.Draft, order.State.Status);
        Assert.Equal(["PRESS", "PUMP", "OIL"], order.State.Lines.Select(l => l.Sku));
        Assert.Equal([1000m, 180m, 10m], order.State.Lines.Select(l => l.Price));
        Assert.Equal(10_000m + 900 + 30, order.State.Total);
        Assert.Equal(("EUR", SkuKind.Manufactured, 30), (order.State.Currency, order.State.Lines[0].Kind, order.State.Lines[0].LeadTimeDays));
        Assert.Equal(OrderActivityKind.Created, Assert.Single(order.State.Outbox).Kind);
    }

    [Theory]
    [InlineData("", "m1", "main", "PRESS", 1, "customer")]
    [InlineData("Nordwerk", "nobody", "main", "PRESS", 1, "responsible")]
    [InlineData("Nordwerk", "m1", "", "PRESS", 1, "warehouse")]
    [InlineData("Nordwerk", "m1", "main", "NOPE", 1, "lines[0].sku")]
    [InlineData("Nordwerk", "m1", "main", "PRESS", 0, "lines[0].quantity")]
    [InlineData("Nordwerk", "m1", "main", "PRESS", -2, "lines[0].quantity")]
    public void Creating_refuses_bad_input_naming_the_field(string customer, string responsible, string warehouse, string sku, decimal quantity, string field)
    {
        var order = new Order(new OrderState(), new TestDirectory());
        var draft = new NewOrder(customer, null, responsible, warehouse, null, [new(sku, quantity, null, null)], null, null, null);
        var rejection = Refused(order, () => order.Start(Guid.NewGuid(), draft, Skus, warehouseExists: warehouse.Length > 0, Manager, T0));
        Assert.Equal((RejectionCode.Invalid, field), (rejection.Code, rejection.Field));
    }

    [Fact]
    public void An_order_needs_lines_and_a_seller_to_make_it()
    {
        var order = new Order(new OrderState(), new TestDirectory());
        Assert.Equal("lines", Refused(order, () => order.Start(Guid.NewGuid(), Draft() with { Lines = [] }, Skus, true, Manager, T0)).Field);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Start(Guid.NewGuid(), Draft(), Skus, true, Keeper, T0)).Code);
    }

    [Fact]
    public void Approval_reserves_what_stock_allows_and_orders_the_rest_from_production_or_suppliers()
    {
        var order = NewOrder();
        order.Submit(Manager, T0);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Approve(null, Manager, T0)).Code);

        order.Approve(null, Supervisor, T0);

        Assert.Equal(OrderStatus.Allocating, order.State.Status);
        Assert.Equal([(1, 10m), (2, 5m), (3, 3m)], order.State.PendingStock.Select(a => (a.Line, a.Quantity)));
        Assert.All(order.State.PendingStock, a => Assert.Equal((StockActionKind.Reserve, $"{order.Reference}-L{a.Line}"), (a.Kind, a.ReservationId)));

        Settle(order, a => a.Line == 1 ? 4 : a.Line == 2 ? 0 : 3);

        Assert.Equal(OrderStatus.Approved, order.State.Status);
        var lines = order.State.Lines;
        Assert.Equal([(4m, 6m, 0m), (0m, 0m, 5m), (3m, 0m, 0m)], lines.Select(l => (l.FromStock, l.ToProduce, l.ToPurchase)));
        Assert.Equal([4m, 0m, 3m], lines.Select(l => l.Held));
        Assert.Equal(
            [("PR-1", ReplenishmentKind.Production, 1, 6m, ReplenishmentStatus.Planned, DateOnly.FromDateTime(T0.UtcDateTime).AddDays(30)),
             ("PO-2", ReplenishmentKind.Supplier, 2, 5m, ReplenishmentStatus.Ordered, DateOnly.FromDateTime(T0.UtcDateTime).AddDays(14))],
            order.State.Replenishments.Select(r => (r.Id, r.Kind, r.Line, r.Quantity, r.Status, r.ExpectedOn)));
        Assert.Equal(3, order.State.Outbox.Count(a => a.Kind == OrderActivityKind.Allocated));
    }

    [Fact]
    public void One_line_can_be_split_across_stock_production_and_a_supplier()
    {
        var order = NewOrder(Draft(new NewOrderLine("PRESS", 10, null, null)));
        order.Submit(Manager, T0);
        order.Approve([new LineSplit(1, 2, 3)], Supervisor, T0);
        Assert.Equal(5, Assert.Single(order.State.PendingStock).Quantity);

        Settle(order, _ => 4);

        var line = Assert.Single(order.State.Lines);
        Assert.Equal((4m, 3m, 3m), (line.FromStock, line.ToProduce, line.ToPurchase));
        Assert.Equal([ReplenishmentKind.Production, ReplenishmentKind.Supplier], order.State.Replenishments.Select(r => r.Kind));
    }

    [Fact]
    public void A_split_beyond_the_line_or_of_an_unknown_line_is_refused()
    {
        var order = NewOrder();
        order.Submit(Manager, T0);
        Assert.Equal("splits", Refused(order, () => order.Approve([new LineSplit(1, 8, 3)], Supervisor, T0)).Field);
        Assert.Equal("splits", Refused(order, () => order.Approve([new LineSplit(9, 1, 0)], Supervisor, T0)).Field);
    }

    [Fact]
    public void Execution_needs_the_contract_number_and_payment_terms()
    {
        var order = Approved(NewOrder());

        var gate = Refused(order, () => order.StartExecution(Manager, T0));
        Assert.Equal(RejectionCode.GateUnmet, gate.Code);
        Assert.Equal(["contract number", "payment terms"], gate.Details);

        order.SetContract("K-2026-77", null, Manager, T0);
        Assert.Equal(["payment terms"], Refused(order, () => order.StartExecution(Manager, T0)).Details);
        order.SetContract(null, "50% advance, rest in 30 days", Manager, T0);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.StartExecution(OtherManager, T0)).Code);
        order.StartExecution(Manager, T0);

        Assert.Equal(OrderStatus.Execution, order.State.Status);
    }

    [Fact]
    public void Production_and_supplier_receipts_are_reserved_for_their_line_then_everything_ships_and_payment_completes_the_order()
    {
        var order = Approved(NewOrder());
        order.SetContract("K-1", "30 days", Manager, T0);
        order.StartExecution(Manager, T0);

        var notYet = Refused(order, () => order.Receive("PO-2", "", null, Keeper, T0));
        Assert.Equal("batch", notYet.Field);
        order.StartProduction("PR-1", Keeper, T0);
        Assert.Equal(RejectionCode.Conflict, Refused(order, () => order.StartProduction("PO-2", Keeper, T0)).Code);
        order.Receive("PR-1", "PR1-BATCH", null, Keeper, T0);
        order.Receive("PO-2", "NW-77", new DateOnly(2028, 1, 1), Keeper, T0);
        Assert.Equal([(StockActionKind.Receive, $"{order.Reference}-L1-PR-1", 6m), (StockActionKind.Receive, $"{order.Reference}-L2-PO-2", 5m)],
            order.State.PendingStock.Select(a => (a.Kind, a.ReservationId, a.Quantity)));
        Settle(order, a => a.Quantity);

        Assert.Equal([ReplenishmentStatus.Done, ReplenishmentStatus.Received], order.State.Replenishments.Select(r => r.Status));
        Assert.Equal([10m, 5m, 3m], order.State.Lines.Select(l => l.Held));
        Assert.Empty(order.Waiting());

        var waybill = order.Ship(Keeper, T0);
        Assert.Equal(4, order.State.PendingStock.Count);
        Assert.All(order.State.PendingStock, a => Assert.Equal((StockActionKind.Ship, waybill), (a.Kind, a.Waybill)));
        // The stock items report how much each reservation has shipped in all.
        Settle(order, a => a.Quantity);

        Assert.Equal(OrderStatus.Shipped, order.State.Status);
        var shipment = Assert.Single(order.State.Shipments);
        Assert.Equal((waybill, "w.lager"), (shipment.Waybill, shipment.By));
        Assert.Equal([(1, 10m), (2, 5m), (3, 3m)], shipment.Lines.Select(l => (l.Line, l.Quantity)));

        var invoice = order.IssueInvoice(null, null, Manager, T0);
        Assert.Equal(10_930m, invoice.Amount);
        order.RecordPayment("bank-1", 5_000, invoice.Number, Manager, T0);
        Assert.Equal((OrderStatus.Shipped, 5_930m), (order.State.Status, order.State.BalanceDue));
        order.RecordPayment("bank-2", 5_930, null, Manager, T0);

        Assert.Equal((OrderStatus.Completed, 0m), (order.State.Status, order.State.BalanceDue));
        Assert.Contains(order.State.Outbox, a => a.Kind == OrderActivityKind.Shipped && a.Document == waybill);
        Assert.Contains(order.State.Outbox, a => a.Kind == OrderActivityKind.Invoiced && a.Document == invoice.Number);
        // A repeated payment is answered as done even now.
        order.RecordPayment("bank-2", 5_930, null, Manager, T0);
    }

    [Fact]
    public void Nothing_ships_before_execution_nor_while_nothing_is_held_and_the_refusal_says_what_is_waited_for()
    {
        var order = Approved(NewOrder(), stock: _ => 0);
        var early = Refused(order, () => order.Ship(Keeper, T0));
        Assert.Equal(RejectionCode.TransitionNotAllowed, early.Code);
        Assert.Contains("execute", early.Details);

        order.SetContract("K-1", "prepaid", Manager, T0);
        order.StartExecution(Manager, T0);
        var nothing = Refused(order, () => order.Ship(Keeper, T0));
        Assert.Equal(RejectionCode.GateUnmet, nothing.Code);
        Assert.StartsWith("line 1: 10 waiting for production PR-1", nothing.Details[0]);
        Assert.Equal(3, nothing.Details.Count);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Ship(Manager, T0)).Code);
    }

    [Fact]
    public void Payments_are_partial_idempotent_by_id_and_never_more_than_the_balance()
    {
        var order = Approved(NewOrder());

        order.RecordPayment("adv-1", 3_000, null, Manager, T0);
        order.RecordPayment("adv-1", 3_000, null, Manager, T0);
        Assert.Equal((3_000m, 7_930m), (order.State.Paid, order.State.BalanceDue));
        Assert.Equal(RejectionCode.Conflict, Refused(order, () => order.RecordPayment("adv-1", 10, null, Manager, T0)).Code);
        Assert.Equal("amount", Refused(order, () => order.RecordPayment("adv-2", 8_000, null, Manager, T0)).Field);
        Assert.Equal("amount", Refused(order, () => order.RecordPayment("adv-3", 0, null, Manager, T0)).Field);
        Assert.Equal("invoice", Refused(order, () => order.RecordPayment("adv-4", 1, "INV-NOPE", Manager, T0)).Field);
        Assert.Equal("amount", Refused(order, () => order.IssueInvoice(20_000, null, Manager, T0)).Field);
    }

    [Fact]
    public void Rejected_and_cancelled_orders_are_archived_and_cancelling_releases_what_was_reserved()
    {
        var rejected = NewOrder();
        rejected.Submit(Manager, T0);
        Assert.Equal("reason", Refused(rejected, () => rejected.Reject(" ", Supervisor, T0)).Field);
        rejected.Reject("Credit limit exceeded", Supervisor, T0);
        Assert.Equal(OrderStatus.Revision, rejected.State.Status);
        rejected.Cancel("Customer found no credit", Manager, T0);
        rejected.Archive(Manager, T0);
        Assert.Equal(OrderStatus.Archived, rejected.State.Status);

        var cancelled = Approved(NewOrder());
        cancelled.Cancel("Customer withdrew", Manager, T0);
        Assert.Equal(OrderStatus.Cancelled, cancelled.State.Status);
        Assert.Equal([(StockActionKind.Release, 4m), (StockActionKind.Release, 3m)], cancelled.State.PendingStock.Select(a => (a.Kind, a.Quantity)));
        Assert.All(cancelled.State.Replenishments, r => Assert.Equal(ReplenishmentStatus.Cancelled, r.Status));
        Assert.Equal(RejectionCode.Conflict, Refused(cancelled, () => cancelled.Archive(Manager, T0)).Code);
        Settle(cancelled, _ => 0);
        Assert.All(cancelled.State.Lines, l => Assert.Equal(0, l.Held));
        cancelled.Archive(Manager, T0);
        Assert.Equal(OrderStatus.Archived, cancelled.State.Status);
    }

    [Fact]
    public void Commands_out_of_route_are_refused_with_what_can_be_done()
    {
        var order = NewOrder();
        var refusal = Refused(order, () => order.StartExecution(Manager, T0));
        Assert.Equal(RejectionCode.TransitionNotAllowed, refusal.Code);
        Assert.Equal(["submit", "cancel"], refusal.Details);
        Assert.Equal(RejectionCode.TransitionNotAllowed, Refused(order, () => order.Archive(Manager, T0)).Code);
        Assert.Equal(RejectionCode.Forbidden, Refused(order, () => order.Submit(OtherManager, T0)).Code);
    }

    [Fact]
    public void A_replayed_stock_outcome_changes_nothing()
    {
        var order = NewOrder();
        order.Submit(Manager, T0);
        order.Approve(null, Supervisor, T0);
        var outcomes = order.State.PendingStock.Select(a => new StockOutcome(a, a.Quantity)).ToList();
        order.ApplyStock(outcomes, T0);
        var seq = order.State.Seq;

        order.ApplyStock(outcomes, T0);

        Assert.Equal(seq, order.State.Seq);
        Assert.Equal([10m, 5m, 3m], order.State.Lines.Select(l => l.Held));
    }
}
