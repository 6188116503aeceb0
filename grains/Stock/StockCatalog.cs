using System.Collections.Concurrent;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Stock;

/// <summary>
/// The catalog as grains and endpoints consult it: found entries are cached for a short while (the catalog
/// changes rarely and only ever grows), misses always ask the database, so a SKU created on another node is seen at once.
/// </summary>
public sealed class StockCatalog(CatalogStore store, TimeProvider clock) : IStockCatalog
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (SkuDefinition Sku, DateTimeOffset At)> _skus = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (WarehouseDefinition Warehouse, DateTimeOffset At)> _warehouses = new(StringComparer.Ordinal);

    public async Task<SkuDefinition?> FindSkuAsync(string code, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_skus.TryGetValue(code, out var cached) && now - cached.At < Fresh)
        {
            return cached.Sku;
        }

        var sku = await store.GetSkuAsync(code, ct);
        if (sku is not null)
        {
            _skus[code] = (sku, now);
        }

        return sku;
    }

    public async Task<SkuDefinition?> FindSkuByEanAsync(string ean, CancellationToken ct = default)
    {
        var sku = await store.FindSkuByEanAsync(ean, ct);
        if (sku is not null)
        {
            _skus[sku.Code] = (sku, clock.GetUtcNow());
        }

        return sku;
    }

    public async Task<WarehouseDefinition?> FindWarehouseAsync(string id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_warehouses.TryGetValue(id, out var cached) && now - cached.At < Fresh)
        {
            return cached.Warehouse;
        }

        var warehouse = await store.GetWarehouseAsync(id, ct);
        if (warehouse is not null)
        {
            _warehouses[id] = (warehouse, now);
        }

        return warehouse;
    }

    public Task<IReadOnlyList<WarehouseDefinition>> ListWarehousesAsync(CancellationToken ct = default) => store.ListWarehousesAsync(ct);
}
