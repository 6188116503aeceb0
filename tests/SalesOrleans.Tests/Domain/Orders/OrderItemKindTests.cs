using SalesOrleans.Domain;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain.Orders;

/// <summary>Item kinds (issue 11): services are never reserved or purchased; production reports progress.</summary>
[Trait("Category", "Unit")]
public class OrderItemKindTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Actor Manager = new("m1", ["manager"]);
    private static readonly Actor Supervisor = new("sup", ["supervisor"]);
    private static readonly Actor Keeper = new("w.lager", ["warehouse"]);

    private static readonly Dictionary<string, SkuDefinition> Skus = new()
    {
        ["COURSE"] = new("COURSE", "Schulung Hydraulik (Platz)", "seat", 450, "EUR", SkuKind.Service, 0),
        ["PRESS"] = new("PRESS", "Гидравлический пресс", "pcs", 1000, "EUR", SkuKind.Manufactured, 30),
    };

    private static Order Start(params NewOrderLine[] lines)
    {
        var order = new Order(new OrderState(), new TestDirectory());
        order.Start(Guid.NewGuid(), new NewOrder("Учебный центр «Восток»", null, "m1", "main", "EUR", lines, null, "D-7", "100% prepaid"), Skus, true, Manager, T0);
        order.Submit(Manager, T0);
        order.Approve(null, Supervisor, T0);
        return order;
    }

    [Fact]
    public void A_services_order_reserves_nothing_buys_nothing_and_is_delivered_by_rendering()
    {
        var order = Start(new NewOrderLine("COURSE", 12, null, null));

        Assert.Empty(order.State.PendingStock);
        Assert.Equal(OrderStatus.Approved, order.State.Status);
        Assert.Empty(order.State.Replenishments);
        Assert.Empty(order.Waiting());

        order.StartExecution(Manager, T0.AddHours(1));
        order.Ship(Keeper, T0.AddHours(2));
        Assert.Equal(OrderStatus.Shipped, order.State.Status);
        order.RecordPayment("bank-1", order.State.Total, null, Manager, T0.AddHours(3));
        Assert.Equal(OrderStatus.Completed, order.State.Status);
    }

    [Fact]
    public void Mixed_services_and_goods_only_the_goods_are_reserved_and_produced()
    {
        var order = Start(new NewOrderLine("PRESS", 2, null, null), new NewOrderLine("COURSE", 3, null, null));

        var reserve = Assert.Single(order.State.PendingStock);
        Assert.Equal("PRESS", reserve.Sku);
        order.ApplyStock([new StockOutcome(reserve, 0)], T0);

        var production = Assert.Single(order.State.Replenishments);
        Assert.Equal((ReplenishmentKind.Production, 2m), (production.Kind, production.Quantity));
        Assert.Equal(0, ProductionReadiness.Of(order.State)!.Value.Percent);

        order.ReportProduction(production.Id, 50, new DateOnly(2027, 2, 1), Keeper, T0.AddDays(1));
        Assert.Equal((50, new DateOnly(2027, 2, 1)), ProductionReadiness.Of(order.State));
        Assert.Equal("percent", Assert.Throws<Rejection>(() => order.ReportProduction(production.Id, 100, null, Keeper, T0)).Field);
    }
}
