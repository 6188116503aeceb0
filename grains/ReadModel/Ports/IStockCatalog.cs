using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Stock;

/// <summary>What grains and endpoints need of the catalog: does a SKU or warehouse exist, and what kind of SKU is it.</summary>
public interface IStockCatalog
{
    Task<SkuDefinition?> FindSkuAsync(string code, CancellationToken ct = default);

    /// <summary>The SKU whose EAN-13 this is (a scanned barcode).</summary>
    Task<SkuDefinition?> FindSkuByEanAsync(string ean, CancellationToken ct = default);

    Task<WarehouseDefinition?> FindWarehouseAsync(string id, CancellationToken ct = default);

    Task<IReadOnlyList<WarehouseDefinition>> ListWarehousesAsync(CancellationToken ct = default);
}
