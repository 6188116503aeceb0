using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Tests.Domain.Stock;

/// <summary>The stock item state as the storage serializer writes and reads it.</summary>
[Trait("Category", "Unit")]
public class StockStateStorageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void The_state_round_trips_through_the_storage_serializer_with_reservations_in_compact_form()
    {
        var keeper = new Actor("w.lager", ["warehouse"]);
        var item = new StockItem(new StockItemState(), "SKU-1", "main");
        item.Receive(new ReceiveStockCommand("A", 10, new DateOnly(2027, 1, 31), T0.AddDays(-2)), keeper, T0);
        item.Receive(new ReceiveStockCommand("B", 10), keeper, T0);
        item.Reserve(new ReserveStockCommand("r1", 12, "ORD-1", 2), keeper, T0);
        item.Reserve(new ReserveStockCommand("r2", 1.5m, "ORD-2"), keeper, T0);
        item.Ship(new ShipStockCommand("r2", null, "wb-1"), keeper, T0.AddHours(1));
        var serializer = new JsonGrainStateSerializer();

        var stored = serializer.Serialize(item.State);
        var back = serializer.Deserialize<StockItemState>(stored);

        Assert.Equal(item.State.Reservations.Keys.Order(), back.Reservations.Keys.Order());
        foreach (var (id, r) in item.State.Reservations)
        {
            var b = back.Reservations[id];
            Assert.Equal((r.Id, r.Order, r.Line, r.Quantity, r.Shipped, r.Released, r.CreatedAt, r.ClosedAt, r.UpdatedSeq),
                (b.Id, b.Order, b.Line, b.Quantity, b.Shipped, b.Released, b.CreatedAt, b.ClosedAt, b.UpdatedSeq));
            Assert.Equal(r.Batches, b.Batches);
        }

        Assert.Equal(item.State.Batches, back.Batches);
        Assert.Equal((item.State.Seq, item.State.Sku, item.State.Warehouse), (back.Seq, back.Sku, back.Warehouse));
        Assert.Contains("\"reservations\":[[\"r1\",\"ORD-1\",2,12,[\"A\",10,\"B\",2],0,0,", stored.ToString());
    }
}
