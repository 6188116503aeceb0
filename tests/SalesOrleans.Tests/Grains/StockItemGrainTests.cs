using Orleans.Runtime;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

[Trait("Category", "Grain")]
[Collection(StockClusterCollection.Name)]
public class StockItemGrainTests(StockClusterFixture fixture)
{
    private static readonly ActorInfo Keeper = new("w.lager", ["warehouse"]);
    private static readonly ActorInfo Seller = new("m1", ["manager"]);

    private static SlowCountingStorage Storage => StockClusterFixture.Storage;

    private static RecordingStockSink Sink => StockClusterFixture.Sink;

    /// <summary>A fresh SKU per test, so tests never share a stock item.</summary>
    private static string NewSku() => $"SKU-{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    private IStockItemGrain Item(string sku, string warehouse = "main") => fixture.Grains.GetGrain<IStockItemGrain>(StockKeys.Of(sku, warehouse));

    private static GrainId IdOf(IStockItemGrain grain) => ((GrainReference)grain).GrainId;

    private async Task<IStockItemGrain> Stocked(string sku, decimal quantity, string batch = "B1")
    {
        var item = Item(sku);
        var received = await item.Receive(new ReceiveStockCommand(batch, quantity), Keeper);
        Assert.True(received.Ok, received.Error?.Message);
        return item;
    }

    [Fact]
    public async Task A_burst_of_concurrent_reservations_is_committed_in_a_few_writes_and_every_caller_sees_it_durable()
    {
        var sku = NewSku();
        var item = await Stocked(sku, 1000);
        var writesBefore = Storage.Writes.GetValueOrDefault(IdOf(item));

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            item.Reserve(new ReserveStockCommand($"r{i}", 3, $"ORD-{i}", 1), Seller)));

        Assert.All(results, r => Assert.True(r.Ok, r.Error?.Message));
        var writes = Storage.Writes[IdOf(item)] - writesBefore;
        Assert.InRange(writes, 1, 25);
        var view = (await item.Get())!;
        Assert.Equal((1000m, 600m, 400m, 200), (view.OnHand, view.Reserved, view.Available, view.OpenReservations));
        // Each reply already carried a durable view that includes its own reservation.
        Assert.All(results, r => Assert.True(r.Item!.Seq >= 2 && r.Item.Reserved >= 3));
    }

    [Fact]
    public async Task Concurrent_reservations_beyond_the_stock_are_refused_exactly_and_nothing_goes_negative()
    {
        var sku = NewSku();
        var item = await Stocked(sku, 1000);

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            item.Reserve(new ReserveStockCommand($"r{i}", 5, $"ORD-{i}"), Seller)));

        Assert.Equal(200, results.Count(r => r.Ok));
        var refused = results.Where(r => !r.Ok).Select(r => r.Error!).ToList();
        Assert.All(refused, e => Assert.Equal((RejectionCode.Insufficient, 0m, 5m), (e.Code, e.Available!.Value, e.Requested!.Value)));
        var view = (await item.Get())!;
        Assert.Equal((1000m, 1000m, 0m), (view.OnHand, view.Reserved, view.Available));
    }

    [Fact]
    public async Task Reserves_releases_and_shipments_racing_keep_the_books_and_the_published_journal_exact()
    {
        var sku = NewSku();
        var item = await Stocked(sku, 500);
        await item.Receive(new ReceiveStockCommand("B2", 500, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10)), Keeper);

        var reserved = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => item.Reserve(new ReserveStockCommand($"r{i}", 7, $"ORD-{i}"), Seller)));
        Assert.All(reserved, r => Assert.True(r.Ok));
        var followUps = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 3) switch
        {
            0 => item.Ship(new ShipStockCommand($"r{i}", null, $"wb-{i}"), Keeper),
            1 => item.Release(new ReleaseStockCommand($"r{i}", 2), Seller),
            _ => item.Reserve(new ReserveStockCommand($"r{i}", 7, $"ORD-{i}"), Seller),
        }));
        Assert.All(followUps, r => Assert.True(r.Ok, r.Error?.Message));

        var shipped = 34 * 7m;
        var released = 33 * 2m;
        var view = (await item.Get())!;
        Assert.Equal((1000 - shipped, 700 - shipped - released), (view.OnHand, view.Reserved));
        Assert.All(view.Batches, b => Assert.InRange(b.Reserved, 0, b.OnHand));

        // The published movements add up to the item exactly, with no gap and no duplicate seq.
        await Poll.Until(() => Task.FromResult(Sink.MovementsOf(sku, "main").Count >= view.Seq), "every movement published", 10);
        var movements = Sink.MovementsOf(sku, "main");

        Assert.Equal(Enumerable.Range(1, (int)view.Seq).Select(i => (long)i), movements.Select(m => m.Seq));
        Assert.Equal(view.OnHand, movements.Sum(m => m.OnHandDelta));
        Assert.Equal(view.Reserved, movements.Sum(m => m.ReservedDelta));
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_the_item_starts_over_from_what_was_stored()
    {
        var sku = NewSku();
        var item = await Stocked(sku, 100);
        Storage.Failing[IdOf(item)] = true;
        try
        {
            var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                try
                {
                    return (await item.Reserve(new ReserveStockCommand($"r{i}", 1, "ORD-1", i + 1), Seller)).Ok;
                }
                catch (Exception)
                {
                    return false;
                }
            }));
            Assert.All(attempts, Assert.False);
        }
        finally
        {
            Storage.Failing.TryRemove(IdOf(item), out _);
        }

        // Nothing of the failed burst survived; the retry with the same id reserves once.
        var view = await Poll.Until(async () =>
        {
            try
            {
                return await item.Get();
            }
            catch (Exception)
            {
                // The failed write deactivated the item; it reads again once reactivated from what was stored.
                return null;
            }
        }, "the item reading again after its failed write", 10);

        Assert.Equal((100m, 0m), (view.OnHand, view.Reserved));
        var retried = await item.Reserve(new ReserveStockCommand("r0", 1, "ORD-1", 1), Seller);
        var again = await item.Reserve(new ReserveStockCommand("r0", 1, "ORD-1", 1), Seller);
        Assert.True(retried.Ok && again.Ok);
        Assert.Equal(1, (await item.Get())!.Reserved);
    }

    [Fact]
    public async Task State_survives_deactivation_and_movements_not_yet_published_are_delivered_later()
    {
        var sku = NewSku();
        var item = await Stocked(sku, 50);
        Sink.Failing = true;
        try
        {
            Assert.True((await item.Reserve(new ReserveStockCommand("r1", 20, "ORD-1"), Seller)).Ok);
        }
        finally
        {
            Sink.Failing = false;
        }

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);

        var view = (await item.Get())!;
        Assert.Equal((50m, 20m, 30m), (view.OnHand, view.Reserved, view.Available));
        var reservation = (await item.GetReservation("r1"))!;
        Assert.Equal(("ORD-1", 20m, "Open"), (reservation.Order, reservation.Reserved, reservation.Status));
        await Poll.Until(() => Task.FromResult(Sink.MovementsOf(sku, "main").Count >= 2), "the receipt's and the reservation's movements", 15);

        Assert.Equal([MovementKind.Receipt, MovementKind.Reservation], Sink.MovementsOf(sku, "main").Select(m => m.Kind));
    }

    [Fact]
    public async Task Unknown_skus_and_warehouses_are_refused_and_an_untouched_item_reads_as_nothing()
    {
        var unknownSku = await Item("NOPE-1").Receive(new ReceiveStockCommand("B1", 1), Keeper);
        var unknownWarehouse = await Item(NewSku(), "south").Receive(new ReceiveStockCommand("B1", 1), Keeper);

        Assert.Equal((RejectionCode.NotFound, "sku"), (unknownSku.Error!.Code, unknownSku.Error.Field));
        Assert.Equal((RejectionCode.Invalid, "warehouse"), (unknownWarehouse.Error!.Code, unknownWarehouse.Error.Field));
        Assert.Null(await Item(NewSku()).Get());
        Assert.Null(await Item(NewSku()).GetReservation("r1"));
    }

    [Fact]
    public async Task A_refusal_says_what_is_available_and_changes_nothing()
    {
        var sku = NewSku();
        var item = await Stocked(sku, 10);
        var before = (await item.Get())!;

        var short_ = await item.Reserve(new ReserveStockCommand("r1", 11, "ORD-1"), Seller);
        var forbidden = await item.Receive(new ReceiveStockCommand("B9", 5), Seller);
        var zero = await item.Reserve(new ReserveStockCommand("r2", 0, "ORD-1"), Seller);

        Assert.Equal((RejectionCode.Insufficient, 10m), (short_.Error!.Code, short_.Error.Available!.Value));
        Assert.Equal(RejectionCode.Forbidden, forbidden.Error!.Code);
        Assert.Equal((RejectionCode.Invalid, "quantity"), (zero.Error!.Code, zero.Error.Field));
        var after = (await item.Get())!;
        Assert.Equal((before.Seq, before.OnHand, before.Reserved), (after.Seq, after.OnHand, after.Reserved));
    }
}
