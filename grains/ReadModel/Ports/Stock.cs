using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Stock;

// Ports of the stock and catalog services web calls (issue 13); grains implement them (StockService, CatalogService).
// Here, not in grain-interfaces, because their signatures need the domain's catalog types.

/// <summary>The outcome of a catalog write: the entry as stored, whether it is new, or why it was refused.</summary>
public sealed record CatalogResult<T>(T? Entry, bool Created, CommandError? Error) where T : class
{
    public bool Ok => Error is null;
}

/// <summary>Adds SKUs and warehouses to the catalog (grains: CatalogService).</summary>
public interface ICatalogService
{
    Task<CatalogResult<SkuDefinition>> CreateSkuAsync(SkuDefinition draft, ActorInfo actor, CancellationToken ct = default);

    Task<CatalogResult<WarehouseDefinition>> CreateWarehouseAsync(WarehouseDefinition draft, ActorInfo actor, CancellationToken ct = default);
}

/// <summary>A SKU's stock over all warehouses: the totals and each warehouse's stock item.</summary>
public sealed record StockOverview(
    string Sku,
    string Name,
    string Unit,
    SkuKind Kind,
    decimal OnHand,
    decimal Reserved,
    decimal Available,
    decimal Expired,
    IReadOnlyList<StockItemView> Warehouses);

/// <summary>Stock commands and reads by what was typed or scanned, a SKU code or EAN and a warehouse (grains: StockService).</summary>
public interface IStockService
{
    Task<StockResult> ReceiveAsync(string sku, string? warehouse, ReceiveStockCommand command, ActorInfo actor);

    Task<StockResult> ReserveAsync(string sku, string? warehouse, ReserveStockCommand command, ActorInfo actor);

    Task<StockResult> ReleaseAsync(string sku, string? warehouse, ReleaseStockCommand command, ActorInfo actor);

    Task<StockResult> ShipAsync(string sku, string? warehouse, ShipStockCommand command, ActorInfo actor);

    Task<StockResult> AdjustAsync(string sku, string? warehouse, AdjustStockCommand command, ActorInfo actor);

    Task<(StockReservationView? Reservation, CommandError? Error)> GetReservationAsync(string sku, string? warehouse, string reservationId);

    /// <summary>The SKU's stock in every warehouse that has any; null for an unknown SKU.</summary>
    Task<StockOverview?> GetAsync(string skuOrEan);

    /// <summary>A SKU by its code, or by the EAN-13 on its barcode.</summary>
    Task<SkuDefinition?> FindSkuAsync(string skuOrEan);
}
