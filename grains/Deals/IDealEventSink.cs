using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Deals;

/// <summary>What a deal publishes after each committed write: its new snapshot, the tasks that changed and its new activities.</summary>
public sealed record DealPublication(DealView Deal, IReadOnlyList<DealActivity> Activities, IReadOnlyList<string> ChangedTaskIds);

/// <summary>Consumers of deal events on this node (the read-model projector, later the live relay). Must be idempotent by (deal id, seq).</summary>
public interface IDealEventSink
{
    Task PublishAsync(DealPublication publication, CancellationToken ct = default);
}
