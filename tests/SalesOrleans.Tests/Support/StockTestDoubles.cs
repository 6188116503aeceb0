using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Storage;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Domain.Stock;
using SalesOrleans.Infrastructure;
using SalesOrleans.Orders;
using SalesOrleans.Stock;

namespace SalesOrleans.Tests.Support;

/// <summary>A catalog for grain tests: every "SKU-…" code exists (manufactured), and warehouses "main" and "north".</summary>
public sealed class TestStockCatalog : IStockCatalog
{
    public static readonly IReadOnlyList<WarehouseDefinition> Warehouses = [new("main", "Main warehouse"), new("north", "North depot")];

    public Task<SkuDefinition?> FindSkuAsync(string code, CancellationToken ct = default) =>
        Task.FromResult(code.StartsWith("SKU-", StringComparison.Ordinal)
            ? new SkuDefinition(code, $"Item {code}", "pcs", 10, "EUR", SkuKind.Manufactured, 14)
            : null);

    public Task<SkuDefinition?> FindSkuByEanAsync(string ean, CancellationToken ct = default) => Task.FromResult<SkuDefinition?>(null);

    public Task<WarehouseDefinition?> FindWarehouseAsync(string id, CancellationToken ct = default) =>
        Task.FromResult(Warehouses.FirstOrDefault(w => w.Id == id));

    public Task<IReadOnlyList<WarehouseDefinition>> ListWarehousesAsync(CancellationToken ct = default) => Task.FromResult(Warehouses);
}

/// <summary>Records what stock items publish; can be told to fail, to stand in for an unreachable read model.</summary>
public sealed class RecordingStockSink : IStockEventSink
{
    public ConcurrentQueue<StockPublication> Received { get; } = new();

    public volatile bool Failing;

    public Task PublishAsync(StockPublication publication, CancellationToken ct = default)
    {
        if (Failing)
        {
            throw new InvalidOperationException("The read model is unreachable (test).");
        }

        Received.Enqueue(publication);
        return Task.CompletedTask;
    }

    /// <summary>Every distinct movement of the item published so far, by seq.</summary>
    public IReadOnlyList<StockMovement> MovementsOf(string sku, string warehouse) =>
        Received.Where(p => p.Sku == sku && p.Warehouse == warehouse).SelectMany(p => p.Movements)
            .GroupBy(m => m.Seq).Select(g => g.First()).OrderBy(m => m.Seq).ToList();
}

/// <summary>Records what orders publish.</summary>
public sealed class RecordingOrderSink : IOrderEventSink
{
    public ConcurrentQueue<OrderPublication> Received { get; } = new();

    public Task PublishAsync(OrderPublication publication, CancellationToken ct = default)
    {
        Received.Enqueue(publication);
        return Task.CompletedTask;
    }
}

/// <summary>Records the order papers handed over for a linked deal (the grain tests have no deals or document store).</summary>
public sealed class RecordingOrderDocuments : IOrderDocuments
{
    public ConcurrentQueue<(Guid Deal, Guid Order, OrderActivityKind Kind, string? Document)> Received { get; } = new();

    public Task<DealView?> AttachAsync(DealView view, OrderView order, OrderActivity activity, CancellationToken ct = default)
    {
        Received.Enqueue((view.Id, order.Id, activity.Kind, activity.Document));
        return Task.FromResult<DealView?>(null);
    }
}

/// <summary>
/// In-memory grain storage that behaves like the ADO.NET one where it matters here: it serializes the state only after
/// going asynchronous (off the grain's turn), takes a while per write, checks the ETag, and can be told to fail.
/// It counts writes per grain so tests can see bursts committed together.
/// </summary>
public sealed class SlowCountingStorage : IGrainStorage
{
    private readonly JsonGrainStateSerializer _serializer = new();
    private readonly ConcurrentDictionary<(string, GrainId), (BinaryData Data, int Version)> _rows = new();

    public TimeSpan WriteDelay { get; set; } = TimeSpan.FromMilliseconds(15);

    public ConcurrentDictionary<GrainId, int> Writes { get; } = new();

    /// <summary>Grains whose writes fail (after the delay, like a lost connection).</summary>
    public ConcurrentDictionary<GrainId, bool> Failing { get; } = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_rows.TryGetValue((stateName, grainId), out var row))
        {
            grainState.State = _serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.Version.ToString();
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Task.Delay(WriteDelay).ConfigureAwait(false);
        // Serialized here, on a pool thread, as the ADO.NET provider does inside its command.
        var data = _serializer.Serialize(grainState.State);
        if (Failing.ContainsKey(grainId))
        {
            throw new InvalidOperationException("Storage unavailable (test).");
        }

        var key = (stateName, grainId);
        var expected = grainState.ETag is null ? 0 : int.Parse(grainState.ETag);
        var current = _rows.TryGetValue(key, out var row) ? row.Version : 0;
        if (current != expected)
        {
            throw new InconsistentStateException($"ETag {grainState.ETag} is stale, storage has {current}.");
        }

        _rows[key] = (data, current + 1);
        grainState.ETag = (current + 1).ToString();
        grainState.RecordExists = true;
        Writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _rows.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
