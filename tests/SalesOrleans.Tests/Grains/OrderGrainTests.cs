using Orleans.Runtime;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Grains;

[Trait("Category", "Grain")]
[Collection(StockClusterCollection.Name)]
public class OrderGrainTests(StockClusterFixture fixture)
{
    private static readonly ActorInfo Keeper = new("w.lager", ["warehouse"]);
    private static readonly ActorInfo Seller = new("m1", ["manager"]);
    private static readonly ActorInfo Boss = new("sup", ["supervisor"]);

    private static string NewSku() => $"SKU-{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    private IStockItemGrain Item(string sku) => fixture.Grains.GetGrain<IStockItemGrain>(StockKeys.Of(sku, "main"));

    private async Task<IOrderGrain> Submitted(string sku, decimal quantity)
    {
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        var created = await order.Create(new CreateOrderCommand("Volga Polymer", null, "m1", "main", null, [new NewOrderLineView(sku, quantity)]), Seller);
        Assert.True(created.Ok, created.Error?.Message);
        Assert.True((await order.Submit(Seller)).Ok);
        return order;
    }

    [Fact]
    public async Task Approval_reserves_in_the_stock_item_and_sends_the_shortfall_to_production()
    {
        var sku = NewSku();
        await Item(sku).Receive(new ReceiveStockCommand("B1", 5), Keeper);
        var order = await Submitted(sku, 8);

        var approved = await order.Approve(new ApproveOrderCommand(), Boss);

        Assert.Equal("Approved", approved.Order!.Status);
        var line = Assert.Single(approved.Order.Lines);
        Assert.Equal((5m, 3m, 0m, 5m), (line.FromStock, line.ToProduce, line.ToPurchase, line.Reserved));
        var reservation = (await Item(sku).GetReservation(line.Reservations.Single()))!;
        Assert.Equal((approved.Order.Id.ToString("N"), 1, 5m), (reservation.Order, reservation.Line, reservation.Reserved));
    }

    [Fact]
    public async Task A_stock_item_that_fails_during_approval_leaves_the_reservation_pending_and_it_is_made_exactly_once_later()
    {
        var sku = NewSku();
        var item = Item(sku);
        await item.Receive(new ReceiveStockCommand("B1", 10), Keeper);
        var order = await Submitted(sku, 4);
        var itemId = ((GrainReference)item).GrainId;

        StockClusterFixture.Storage.Failing[itemId] = true;
        OrderResult allocating;
        try
        {
            allocating = await order.Approve(new ApproveOrderCommand(), Boss);
        }
        finally
        {
            StockClusterFixture.Storage.Failing.TryRemove(itemId, out _);
        }

        Assert.Equal(("Allocating", 1), (allocating.Order!.Status, allocating.Order.PendingStockActions));

        // The order tries again by itself (and whenever it is read); the reservation id makes it happen once.
        var view = await Poll.Until(async () => await order.Get() is { Status: "Approved" } approved ? approved : null, "the order approved by its retry", 10);
        Assert.Equal("Approved", view.Status);
        Assert.Equal(4m, view.Lines.Single().Reserved);
        var stock = (await item.Get())!;
        Assert.Equal((4m, 1), (stock.Reserved, stock.OpenReservations));
    }

    [Fact]
    public async Task A_retried_create_returns_the_same_order()
    {
        var sku = NewSku();
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        var command = new CreateOrderCommand("Volga Polymer", null, "m1", "main", null, [new NewOrderLineView(sku, 1)]);

        var first = await order.Create(command, Seller);
        var again = await order.Create(command, Seller);
        var other = await order.Create(command with { Customer = "Someone else" }, Seller);

        Assert.Equal(first.Order!.Seq, again.Order!.Seq);
        Assert.Equal(RejectionCode.Conflict, other.Error!.Code);
    }

    [Fact]
    public async Task An_order_naming_a_deal_is_made_only_for_someone_who_may_change_that_deal_and_the_deal_is_asked_not_changed()
    {
        var dealId = Guid.NewGuid();
        var deal = fixture.Grains.GetGrain<IDealGrain>(dealId);
        var created = await deal.Create(new CreateDealCommand(SalesOrleans.Tests.Support.TestProcesses.Kind, "Prüfstand für Volga Polymer", "Volga Polymer", null, "m1", "d1", 900m, "EUR", null, null), Seller);
        Assert.True(created.Ok, created.Error?.Message);
        var sku = NewSku();
        CreateOrderCommand For(Guid? id) => new("Volga Polymer", null, "m1", "main", null, [new NewOrderLineView(sku, 1)], id);

        // Another department's manager, the warehouse, an engineer: refused by the deal, and no order exists.
        foreach (var stranger in new[] { new ActorInfo("u-other-seller", ["manager"]), Keeper, new ActorInfo("eng", ["engineer"]) })
        {
            var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
            var refused = await order.Create(For(dealId), stranger);
            Assert.Equal((RejectionCode.Forbidden, "dealId"), (refused.Error!.Code, refused.Error.Field));
            Assert.Null(await order.Get());
        }

        var missing = await fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid()).Create(For(Guid.NewGuid()), Seller);
        Assert.Equal(RejectionCode.NotFound, missing.Error!.Code);

        // The owner, a colleague of the department, its head and the system (the deal's own order) link it.
        foreach (var allowed in new[] { Seller, new ActorInfo("m2", ["manager"]), Boss, new ActorInfo("system", ["system"]) })
        {
            var made = await fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid()).Create(For(dealId), allowed);
            Assert.True(made.Ok, made.Error?.Message);
            Assert.Equal(dealId, made.Order!.DealId);
        }
    }
}
