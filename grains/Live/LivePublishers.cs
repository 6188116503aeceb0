using SalesOrleans.Orders;
using SalesOrleans.ReadModel;
using SalesOrleans.Stock;

namespace SalesOrleans.Live;

/// <summary>
/// Stock changes: projected first (awaited; unless the storage wrote the rows with the state), then a light push so stock
/// pages reload what they show.
/// </summary>
public sealed class StockLivePublisher(StockProjector projector, LiveFanOut live) : IStockEventSink
{
    public async Task PublishAsync(StockPublication publication, CancellationToken ct = default)
    {
        if (!publication.Projected)
        {
            await projector.PublishAsync(publication, ct);
        }

        // Stock is not a department's: every stock page may show it (the "all" group and each department's).
        live.Publish(new LiveChange("stock", $"{publication.Sku}@{publication.Warehouse}", publication.Seq, null, [], "{}"));
    }
}

/// <summary>Order changes: projected first, then pushed to the responsible person and every order page.</summary>
public sealed class OrderLivePublisher(OrderProjector projector, LiveFanOut live) : IOrderEventSink
{
    public async Task PublishAsync(OrderPublication publication, CancellationToken ct = default)
    {
        await projector.PublishAsync(publication, ct);
        var order = publication.Order;
        live.Publish(new LiveChange("order", order.Id.ToString(), publication.Activities.Count == 0 ? 0 : publication.Activities[^1].Seq, null, [order.Responsible], "{}"));
    }
}
