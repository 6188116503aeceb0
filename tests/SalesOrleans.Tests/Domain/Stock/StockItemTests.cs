using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Tests.Domain.Stock;

[Trait("Category", "Unit")]
public class StockItemTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(T0.UtcDateTime);
    private static readonly Actor Keeper = new("w.lager", ["warehouse"]);
    private static readonly Actor Seller = new("m1", ["manager"]);
    private static readonly Actor Marketer = new("n.marketing", ["marketer"]);

    private static StockItem NewItem() => new(new StockItemState(), "SKU-100", "main");

    private static StockItem Stocked(params (string Batch, decimal Quantity, DateOnly? Expiry, int DaysAgo)[] batches)
    {
        var item = NewItem();
        foreach (var (batch, quantity, expiry, daysAgo) in batches)
        {
            item.Receive(new ReceiveStockCommand(batch, quantity, expiry, T0.AddDays(-daysAgo)), Keeper, T0);
        }

        return item;
    }

    private static Rejection Refused(StockItem item, Action action)
    {
        var before = Fingerprint(item);
        var rejection = Assert.Throws<Rejection>(action);
        Assert.Equal(before, Fingerprint(item));
        return rejection;
    }

    /// <summary>Everything observable about the state, to prove a refused command changed nothing.</summary>
    private static string Fingerprint(StockItem item) => System.Text.Json.JsonSerializer.Serialize(item.State);

    private static ReserveStockCommand Reserve(string id, decimal quantity, string order = "ORD-1", int? line = 1, bool partial = false) =>
        new(id, quantity, order, line, partial);

    private static void AssertJournalMatches(StockItem item)
    {
        foreach (var batch in item.State.Batches)
        {
            Assert.InRange(batch.Reserved, 0, batch.OnHand);
            var movements = item.State.Outbox.Where(m => m.Batch == batch.Number).ToList();
            Assert.Equal(batch.OnHand, movements.Sum(m => m.OnHandDelta));
            Assert.Equal(batch.Reserved, movements.Sum(m => m.ReservedDelta));
            Assert.Equal(batch.Reserved, item.State.Reservations.Values.SelectMany(r => r.Batches).Where(b => b.Batch == batch.Number).Sum(b => b.Quantity));
        }

        Assert.Equal(item.OnHand, item.State.Outbox.Sum(m => m.OnHandDelta));
        Assert.Equal(item.Reserved, item.State.Outbox.Sum(m => m.ReservedDelta));
        Assert.Equal(Enumerable.Range(1, (int)item.State.Seq).Select(i => (long)i), item.State.Outbox.Select(m => m.Seq));
    }

    // ---------------------------------------------------------------- receipts

    [Fact]
    public void Receive_creates_a_batch_and_journals_the_receipt()
    {
        var item = NewItem();
        item.Receive(new ReceiveStockCommand("B1", 40, Today.AddDays(30), Source: "PO-7"), Keeper, T0);

        Assert.Equal((40m, 0m, 40m), (item.OnHand, item.Reserved, item.Available(T0)));
        var batch = Assert.Single(item.State.Batches);
        Assert.Equal(new StockBatch("B1", T0, Today.AddDays(30), 40, 0), batch);
        var movement = Assert.Single(item.State.Outbox);
        Assert.Equal((1L, MovementKind.Receipt, "B1", 40m, 0m, "w.lager", "PO-7"), (movement.Seq, movement.Kind, movement.Batch, movement.OnHandDelta, movement.ReservedDelta, movement.Actor, movement.Reference));
        Assert.Equal(("SKU-100", "main"), (item.State.Sku, item.State.Warehouse));
    }

    [Fact]
    public void Receiving_the_same_batch_again_adds_to_it_but_only_with_the_same_expiry()
    {
        var item = Stocked(("B1", 10, Today.AddDays(30), 3));
        item.Receive(new ReceiveStockCommand("B1", 5, Today.AddDays(30)), Keeper, T0);
        Assert.Equal(15, Assert.Single(item.State.Batches).OnHand);
        Assert.Equal(T0.AddDays(-3), item.State.Batches[0].ReceivedAt);

        var other = Refused(item, () => item.Receive(new ReceiveStockCommand("B1", 5, Today.AddDays(60)), Keeper, T0));
        Assert.Equal((RejectionCode.Conflict, "expiry"), (other.Code, other.Field));
    }

    [Theory]
    [InlineData("B1", 0, "quantity")]
    [InlineData("B1", -5, "quantity")]
    [InlineData("B1", 1.0001, "quantity")]
    [InlineData("B1", 2_000_000_000, "quantity")]
    [InlineData("", 5, "batch")]
    [InlineData("bad batch!", 5, "batch")]
    public void Receive_refuses_bad_input_naming_the_field(string batch, decimal quantity, string field)
    {
        var item = Stocked(("B0", 1, null, 0));
        var rejection = Refused(item, () => item.Receive(new ReceiveStockCommand(batch, quantity), Keeper, T0));
        Assert.Equal((RejectionCode.Invalid, field), (rejection.Code, rejection.Field));
    }

    [Fact]
    public void Receive_refuses_a_receipt_dated_in_the_future_and_anyone_but_the_warehouse()
    {
        var item = NewItem();
        Assert.Equal("receivedAt", Refused(item, () => item.Receive(new ReceiveStockCommand("B1", 1, ReceivedAt: T0.AddDays(3)), Keeper, T0)).Field);
        Assert.Equal(RejectionCode.Forbidden, Refused(item, () => item.Receive(new ReceiveStockCommand("B1", 1), Seller, T0)).Code);
        Assert.False(item.State.Exists);
    }

    [Fact]
    public void A_retried_receipt_changes_nothing_and_its_id_cannot_be_reused_for_another_kind_of_command()
    {
        var item = NewItem();
        item.Receive(new ReceiveStockCommand("B1", 10, ReceiptId: "rcpt-1"), Keeper, T0);
        item.Receive(new ReceiveStockCommand("B1", 10, ReceiptId: "rcpt-1"), Keeper, T0);
        Assert.Equal(10, item.OnHand);
        Assert.Equal(1, item.State.Seq);

        item.Reserve(Reserve("r1", 2), Seller, T0);
        var reuse = Refused(item, () => item.Ship(new ShipStockCommand("r1", 1, "rcpt-1"), Keeper, T0));
        Assert.Equal((RejectionCode.Conflict, "shipmentId"), (reuse.Code, reuse.Field));
    }

    [Fact]
    public void A_receipt_can_be_reserved_at_once_for_a_waiting_line_from_that_very_batch()
    {
        var item = Stocked(("OLD", 10, Today.AddDays(5), 10));
        var reservation = item.Receive(new ReceiveStockCommand("PROD-1", 8, null, ReceiptId: "prod-1",
            ReserveFor: new ReserveReceiptFor("ORD-9-1-production", "ORD-9", 1, 6)), Keeper, T0);

        Assert.NotNull(reservation);
        Assert.Equal([new BatchQuantity("PROD-1", 6)], reservation.Batches);
        Assert.Equal((18m, 6m, 12m), (item.OnHand, item.Reserved, item.Available(T0)));
        Assert.Equal([MovementKind.Receipt, MovementKind.Receipt, MovementKind.Reservation], item.State.Outbox.Select(m => m.Kind));

        // The retried receipt returns the same reservation and changes nothing.
        Assert.Same(reservation, item.Receive(new ReceiveStockCommand("PROD-1", 8, null, ReceiptId: "prod-1",
            ReserveFor: new ReserveReceiptFor("ORD-9-1-production", "ORD-9", 1, 6)), Keeper, T0));
        Assert.Equal(3, item.State.Seq);

        var tooMuch = Refused(item, () => item.Receive(new ReceiveStockCommand("PROD-2", 2, ReserveFor: new ReserveReceiptFor("x", "ORD-9", 1, 3)), Keeper, T0));
        Assert.Equal("reserveFor.quantity", tooMuch.Field);
        AssertJournalMatches(item);
    }

    // ---------------------------------------------------------------- reservations

    [Fact]
    public void Reserve_takes_the_earliest_expiry_first_then_the_earliest_receipt_and_never_an_expired_batch()
    {
        var item = Stocked(
            ("NOEXP", 100, null, 30),
            ("LATE", 10, Today.AddDays(90), 20),
            ("SOON-NEW", 10, Today.AddDays(10), 1),
            ("SOON-OLD", 10, Today.AddDays(10), 5),
            ("EXPIRED", 50, Today.AddDays(-1), 40),
            ("TODAY", 5, Today, 2));

        Assert.Equal(135, item.Available(T0));
        Assert.Equal(50, item.ExpiredFree(T0));

        var reservation = item.Reserve(Reserve("r1", 40), Seller, T0)!;

        Assert.Equal([new("TODAY", 5), new("SOON-OLD", 10), new("SOON-NEW", 10), new("LATE", 10), new BatchQuantity("NOEXP", 5)], reservation.Batches);
        Assert.Equal(0, item.State.Batches.Single(b => b.Number == "EXPIRED").Reserved);
        Assert.Equal((185m, 40m, 95m), (item.OnHand, item.Reserved, item.Available(T0)));
        AssertJournalMatches(item);
    }

    [Fact]
    public void Reserving_more_than_available_is_refused_with_what_is_available_and_changes_nothing()
    {
        var item = Stocked(("B1", 10, null, 1), ("EXP", 100, Today.AddDays(-1), 50));
        item.Reserve(Reserve("r1", 4), Seller, T0);

        var short_ = Refused(item, () => item.Reserve(Reserve("r2", 7, "ORD-2"), Seller, T0));

        Assert.Equal((RejectionCode.Insufficient, "quantity", 6m, 7m), (short_.Code, short_.Field, short_.Available, short_.Requested));
    }

    [Fact]
    public void A_retried_reservation_returns_the_same_one_and_a_different_one_with_its_id_is_refused()
    {
        var item = Stocked(("B1", 10, null, 1));
        var first = item.Reserve(Reserve("r1", 4), Seller, T0);
        var again = item.Reserve(Reserve("r1", 4), Seller, T0.AddMinutes(1));

        Assert.Same(first, again);
        Assert.Equal(4, item.Reserved);
        Assert.Equal(2, item.State.Seq);
        Assert.Equal(RejectionCode.Conflict, Refused(item, () => item.Reserve(Reserve("r1", 5), Seller, T0)).Code);
        Assert.Equal(RejectionCode.Conflict, Refused(item, () => item.Reserve(Reserve("r1", 4, "ORD-2"), Seller, T0)).Code);
    }

    [Fact]
    public void A_partial_reservation_takes_what_there_is_or_nothing()
    {
        var item = Stocked(("B1", 10, null, 1));
        var partial = item.Reserve(Reserve("r1", 25, partial: true), Seller, T0)!;
        Assert.Equal((10m, 10m), (partial.Quantity, partial.Held));

        Assert.Null(item.Reserve(Reserve("r2", 5, "ORD-2", partial: true), Seller, T0));
        Assert.Null(item.FindReservation("r2"));
        Assert.Equal(2, item.State.Seq);
    }

    [Theory]
    [InlineData("", 1, "ORD-1", 1, "reservationId")]
    [InlineData("has space", 1, "ORD-1", 1, "reservationId")]
    [InlineData("r1", 0, "ORD-1", 1, "quantity")]
    [InlineData("r1", -1, "ORD-1", 1, "quantity")]
    [InlineData("r1", 1, "", 1, "order")]
    [InlineData("r1", 1, "ORD-1", 0, "line")]
    public void Reserve_refuses_bad_input_naming_the_field(string id, decimal quantity, string order, int line, string field)
    {
        var item = Stocked(("B1", 10, null, 1));
        var rejection = Refused(item, () => item.Reserve(new ReserveStockCommand(id, quantity, order, line), Seller, T0));
        Assert.Equal((RejectionCode.Invalid, field), (rejection.Code, rejection.Field));
    }

    [Fact]
    public void Only_sales_and_warehouse_people_reserve()
    {
        var item = Stocked(("B1", 10, null, 1));
        Assert.Equal(RejectionCode.Forbidden, Refused(item, () => item.Reserve(Reserve("r1", 1), Marketer, T0)).Code);
        Assert.NotNull(item.Reserve(Reserve("r2", 1), Keeper, T0));
    }

    // ---------------------------------------------------------------- releases

    [Fact]
    public void Release_gives_back_the_latest_expiring_batches_first_and_closes_the_reservation_when_empty()
    {
        var item = Stocked(("SOON", 5, Today.AddDays(3), 2), ("LATER", 10, Today.AddDays(30), 1));
        item.Reserve(Reserve("r1", 12), Seller, T0);

        var partial = item.Release(new ReleaseStockCommand("r1", 4, "rel-1", "customer reduced"), Seller, T0);
        Assert.Equal([new("SOON", 5), new BatchQuantity("LATER", 3)], partial.Batches);
        Assert.Equal((8m, 4m, true), (partial.Held, partial.Released, partial.IsOpen));

        // Retried partial release: nothing more.
        item.Release(new ReleaseStockCommand("r1", 4, "rel-1"), Seller, T0);
        Assert.Equal(8, item.Reserved);

        var rest = item.Release(new ReleaseStockCommand("r1"), Seller, T0.AddHours(1));
        Assert.Equal((0m, 12m, false, T0.AddHours(1)), (rest.Held, rest.Released, rest.IsOpen, rest.ClosedAt!.Value));
        Assert.Equal((15m, 0m, 15m), (item.OnHand, item.Reserved, item.Available(T0)));

        // Releasing everything again is a no-op (DELETE is idempotent).
        var seq = item.State.Seq;
        item.Release(new ReleaseStockCommand("r1"), Seller, T0);
        Assert.Equal(seq, item.State.Seq);
        AssertJournalMatches(item);
    }

    [Fact]
    public void Releasing_more_than_reserved_or_an_unknown_reservation_is_refused_and_changes_nothing()
    {
        var item = Stocked(("B1", 10, null, 1));
        item.Reserve(Reserve("r1", 3), Seller, T0);

        var tooMuch = Refused(item, () => item.Release(new ReleaseStockCommand("r1", 4), Seller, T0));
        Assert.Equal((RejectionCode.ExceedsReserved, 3m, 4m), (tooMuch.Code, tooMuch.Available, tooMuch.Requested));
        Assert.Equal(RejectionCode.NotFound, Refused(item, () => item.Release(new ReleaseStockCommand("nope"), Seller, T0)).Code);
        Assert.Equal("quantity", Refused(item, () => item.Release(new ReleaseStockCommand("r1", 0), Seller, T0)).Field);
    }

    // ---------------------------------------------------------------- shipments

    [Fact]
    public void Ship_consumes_the_reservations_batches_fifo_and_drops_an_emptied_batch()
    {
        var item = Stocked(("SOON", 5, Today.AddDays(3), 2), ("LATER", 10, Today.AddDays(30), 1));
        item.Reserve(Reserve("r1", 8), Seller, T0);

        var shipped = item.Ship(new ShipStockCommand("r1", 6, "WB-1"), Keeper, T0);

        Assert.Equal([new BatchQuantity("LATER", 2)], shipped.Batches);
        Assert.Equal((2m, 6m, true), (shipped.Held, shipped.Shipped, shipped.IsOpen));
        Assert.Equal([new StockBatch("LATER", T0.AddDays(-1), Today.AddDays(30), 9, 2)], item.State.Batches);
        Assert.Equal((9m, 2m, 7m), (item.OnHand, item.Reserved, item.Available(T0)));

        // Retried shipment: nothing more. The rest ships without a quantity and closes the reservation.
        item.Ship(new ShipStockCommand("r1", 6, "WB-1"), Keeper, T0);
        Assert.Equal(9, item.OnHand);
        var closed = item.Ship(new ShipStockCommand("r1", null, "WB-2"), Keeper, T0);
        Assert.Equal((8m, false), (closed.Shipped, closed.IsOpen));
        Assert.Equal(7, item.OnHand);
        AssertJournalMatches(item);
    }

    [Fact]
    public void Shipping_more_than_reserved_or_from_a_closed_reservation_is_refused_and_only_the_warehouse_ships()
    {
        var item = Stocked(("B1", 10, null, 1));
        item.Reserve(Reserve("r1", 3), Seller, T0);

        var tooMuch = Refused(item, () => item.Ship(new ShipStockCommand("r1", 5), Keeper, T0));
        Assert.Equal((RejectionCode.ExceedsReserved, 3m, 5m), (tooMuch.Code, tooMuch.Available, tooMuch.Requested));
        Assert.Equal(RejectionCode.Forbidden, Refused(item, () => item.Ship(new ShipStockCommand("r1"), Seller, T0)).Code);

        item.Release(new ReleaseStockCommand("r1"), Seller, T0);
        Assert.Equal(RejectionCode.ExceedsReserved, Refused(item, () => item.Ship(new ShipStockCommand("r1"), Keeper, T0)).Code);
    }

    // ---------------------------------------------------------------- adjustments

    [Fact]
    public void A_count_sets_the_batch_to_what_was_counted_with_a_reason()
    {
        var item = Stocked(("B1", 10, null, 1));
        item.Adjust(new AdjustStockCommand("B1", 8, null, "annual count"), Keeper, T0);
        item.Adjust(new AdjustStockCommand("B1", null, -3, "damaged in transport"), Keeper, T0);
        item.Adjust(new AdjustStockCommand("FOUND", 4, null, "found on shelf 7", Expiry: Today.AddDays(100)), Keeper, T0);

        Assert.Equal(9, item.OnHand);
        Assert.Equal([-2m, -3m, 4m], item.State.Outbox.Where(m => m.Kind == MovementKind.Adjustment).Select(m => m.OnHandDelta));
        Assert.Equal("annual count", item.State.Outbox[1].Reason);

        // A count that confirms the books moves nothing.
        var seq = item.State.Seq;
        item.Adjust(new AdjustStockCommand("B1", 5, null, "recount"), Keeper, T0);
        Assert.Equal(seq, item.State.Seq);

        // Counting a batch to zero removes it.
        item.Adjust(new AdjustStockCommand("B1", 0, null, "lost"), Keeper, T0);
        Assert.Equal(["FOUND"], item.State.Batches.Select(b => b.Number));
        AssertJournalMatches(item);
    }

    [Fact]
    public void A_count_never_goes_below_zero_or_below_what_is_reserved()
    {
        var item = Stocked(("B1", 10, null, 1));
        item.Reserve(Reserve("r1", 6), Seller, T0);

        var belowReserved = Refused(item, () => item.Adjust(new AdjustStockCommand("B1", 5, null, "count"), Keeper, T0));
        Assert.Equal((RejectionCode.Conflict, "counted", 6m), (belowReserved.Code, belowReserved.Field, belowReserved.Available));
        var belowZero = Refused(item, () => item.Adjust(new AdjustStockCommand("B1", null, -11, "write-off"), Keeper, T0));
        Assert.Equal((RejectionCode.Insufficient, "delta", 10m), (belowZero.Code, belowZero.Field, belowZero.Available));
    }

    [Theory]
    [InlineData("B1", null, null, "count", "counted")]
    [InlineData("B1", 5.0, 1.0, "count", "counted")]
    [InlineData("B1", -1.0, null, "count", "counted")]
    [InlineData("B1", null, 0.0, "count", "delta")]
    [InlineData("B1", 5.0, null, "", "reason")]
    [InlineData("", 5.0, null, "count", "batch")]
    public void Adjust_refuses_bad_input_naming_the_field(string batch, double? counted, double? delta, string reason, string field)
    {
        var item = Stocked(("B1", 10, null, 1));
        var rejection = Refused(item, () => item.Adjust(new AdjustStockCommand(batch, (decimal?)counted, (decimal?)delta, reason), Keeper, T0));
        Assert.Equal((RejectionCode.Invalid, field), (rejection.Code, rejection.Field));
    }

    [Fact]
    public void Adjusting_an_unknown_batch_to_nothing_is_not_found_and_sales_cannot_adjust()
    {
        var item = Stocked(("B1", 10, null, 1));
        Assert.Equal((RejectionCode.NotFound, "batch"), (Refused(item, () => item.Adjust(new AdjustStockCommand("NOPE", 0, null, "count"), Keeper, T0)) is var r ? (r.Code, r.Field) : default));
        Assert.Equal(RejectionCode.Forbidden, Refused(item, () => item.Adjust(new AdjustStockCommand("B1", 1, null, "count"), Seller, T0)).Code);
    }

    // ---------------------------------------------------------------- housekeeping and invariants

    [Fact]
    public void Closed_reservations_and_old_operation_ids_are_pruned_but_open_reservations_never()
    {
        var item = Stocked(("B1", 100_000, null, 1));
        item.Reserve(Reserve("keep", 1, "ORD-K"), Seller, T0);
        var total = Math.Max(StockItem.KeepClosedReservations, StockItem.KeepOperations) * 2;
        for (var i = 0; i < total; i++)
        {
            item.Reserve(Reserve($"r{i}", 1, $"ORD-{i}"), Seller, T0);
            item.Ship(new ShipStockCommand($"r{i}", null, $"wb-{i}"), Keeper, T0.AddSeconds(i));
        }

        Assert.InRange(item.State.Reservations.Values.Count(r => !r.IsOpen), StockItem.KeepClosedReservations, StockItem.KeepClosedReservations * 11 / 10);
        Assert.NotNull(item.FindReservation("keep"));
        Assert.NotNull(item.FindReservation($"r{total - 1}"));
        Assert.Null(item.FindReservation("r0"));
        Assert.Equal(1, item.OpenReservations);
        Assert.InRange(item.State.Operations.Count, StockItem.KeepOperations, StockItem.KeepOperations * 11 / 10);
        Assert.Equal((100_000m - total, 1m), (item.OnHand, item.Reserved));
    }

    [Fact]
    public void Whatever_the_commands_stock_never_goes_negative_and_the_journal_always_adds_up()
    {
        var random = new Random(4711);
        var item = NewItem();
        var now = T0;
        var ids = new List<string>();
        var refused = 0;
        for (var step = 0; step < 3000; step++)
        {
            now = now.AddMinutes(random.Next(0, 30));
            var quantity = random.Next(1, 15);
            var id = ids.Count > 0 && random.Next(3) > 0 ? ids[random.Next(ids.Count)] : $"r{step}";
            try
            {
                switch (random.Next(6))
                {
                    case 0:
                        var expiry = random.Next(3) == 0 ? (DateOnly?)null : DateOnly.FromDateTime(now.UtcDateTime).AddDays(random.Next(-3, 20));
                        item.Receive(new ReceiveStockCommand($"B{random.Next(8)}-{expiry:yyyyMMdd}", quantity, expiry), Keeper, now);
                        break;
                    case 1:
                    case 2:
                        item.Reserve(Reserve($"r{step}", quantity, $"ORD-{step}", partial: random.Next(2) == 0), Seller, now);
                        ids.Add($"r{step}");
                        break;
                    case 3:
                        item.Release(new ReleaseStockCommand(id, random.Next(2) == 0 ? null : quantity), Seller, now);
                        break;
                    case 4:
                        item.Ship(new ShipStockCommand(id, random.Next(2) == 0 ? null : quantity), Keeper, now);
                        break;
                    default:
                        var batch = item.State.Batches.Count == 0 ? "X" : item.State.Batches[random.Next(item.State.Batches.Count)].Number;
                        item.Adjust(new AdjustStockCommand(batch, null, random.Next(-10, 10) is var d && d == 0 ? 1 : d, "count"), Keeper, now);
                        break;
                }
            }
            catch (Rejection)
            {
                refused++;
            }

            Assert.All(item.State.Batches, b => Assert.InRange(b.Reserved, 0, b.OnHand));
            Assert.All(item.State.Reservations.Values, r => Assert.Equal(r.Quantity, r.Held + r.Shipped + r.Released));
            Assert.All(item.State.Outbox.Where(m => m.Kind == MovementKind.Reservation), m =>
                Assert.False(item.State.Batches.FirstOrDefault(b => b.Number == m.Batch)?.Expiry < DateOnly.FromDateTime(m.At.UtcDateTime)));
        }

        AssertJournalMatches(item);
        Assert.InRange(refused, 100, 2900);
    }
}
