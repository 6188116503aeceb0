using SalesOrleans.Domain.Orders;

namespace SalesOrleans.Orders;

/// <summary>What an order publishes after each committed write: its new snapshot and its new journal entries.</summary>
public sealed record OrderPublication(OrderView Order, IReadOnlyList<OrderActivity> Activities);

/// <summary>Consumers of order events on this node (the read-model projector). Must be idempotent by (order id, seq).</summary>
public interface IOrderEventSink
{
    Task PublishAsync(OrderPublication publication, CancellationToken ct = default);
}
