using SalesOrleans.Domain.Stock;

namespace SalesOrleans.Stock;

/// <summary>
/// Between the API (and orders) and the stock item grains: resolves what was typed or scanned — a SKU code or its
/// EAN-13, a warehouse id — against the catalog, then hands the command to the SKU's grain in that warehouse.
/// </summary>
public sealed class StockService(IGrainFactory grains, IStockCatalog catalog) : IStockService
{
    public Task<StockResult> ReceiveAsync(string sku, string? warehouse, ReceiveStockCommand command, ActorInfo actor) =>
        WithItem(sku, warehouse, g => g.Receive(command, actor));

    public Task<StockResult> ReserveAsync(string sku, string? warehouse, ReserveStockCommand command, ActorInfo actor) =>
        WithItem(sku, warehouse, g => g.Reserve(command, actor));

    public Task<StockResult> ReleaseAsync(string sku, string? warehouse, ReleaseStockCommand command, ActorInfo actor) =>
        WithItem(sku, warehouse, g => g.Release(command, actor));

    public Task<StockResult> ShipAsync(string sku, string? warehouse, ShipStockCommand command, ActorInfo actor) =>
        WithItem(sku, warehouse, g => g.Ship(command, actor));

    public Task<StockResult> AdjustAsync(string sku, string? warehouse, AdjustStockCommand command, ActorInfo actor) =>
        WithItem(sku, warehouse, g => g.Adjust(command, actor));

    public async Task<(StockReservationView? Reservation, CommandError? Error)> GetReservationAsync(string sku, string? warehouse, string reservationId)
    {
        var (grain, error) = await ResolveAsync(sku, warehouse);
        if (error is not null)
        {
            return (null, error);
        }

        var reservation = await grain!.GetReservation(reservationId);
        return reservation is null
            ? (null, new CommandError(RejectionCode.NotFound, $"There is no reservation {reservationId} of {grain.GetPrimaryKeyString()}.", "reservationId", []))
            : (reservation, null);
    }

    /// <summary>The SKU's stock in every warehouse that has any; null for an unknown SKU.</summary>
    public async Task<StockOverview?> GetAsync(string skuOrEan)
    {
        var sku = await FindSkuAsync(skuOrEan);
        if (sku is null)
        {
            return null;
        }

        var warehouses = await catalog.ListWarehousesAsync();
        var items = (await Task.WhenAll(warehouses.Select(w => grains.GetGrain<IStockItemGrain>(StockKeys.Of(sku.Code, w.Id)).Get())))
            .OfType<StockItemView>().ToList();
        return new StockOverview(sku.Code, sku.Name, sku.Unit, sku.Kind, items.Sum(i => i.OnHand), items.Sum(i => i.Reserved),
            items.Sum(i => i.Available), items.Sum(i => i.Expired), items);
    }

    /// <summary>A SKU by its code, or by the EAN-13 on its barcode.</summary>
    public async Task<SkuDefinition?> FindSkuAsync(string skuOrEan)
    {
        var code = Catalog.NormalizeSkuCode(skuOrEan);
        if (!Catalog.IsValidSkuCode(code))
        {
            return null;
        }

        return await catalog.FindSkuAsync(code)
            ?? (Catalog.IsValidEan13(code) ? await catalog.FindSkuByEanAsync(code) : null);
    }

    public async Task<(IStockItemGrain? Grain, CommandError? Error)> ResolveAsync(string skuOrEan, string? warehouse)
    {
        var sku = await FindSkuAsync(skuOrEan);
        if (sku is null)
        {
            return (null, new CommandError(RejectionCode.NotFound, $"Unknown SKU '{skuOrEan}'.", "sku", []));
        }

        if (sku.Kind == SkuKind.Service)
        {
            // A service is rendered, never stocked, received or reserved.
            return (null, new CommandError(RejectionCode.Invalid, $"'{sku.Code}' is a service: it is rendered, never stocked or reserved.", "sku", []));
        }

        var id = Catalog.NormalizeWarehouseId(warehouse);
        if (id.Length == 0)
        {
            return (null, new CommandError(RejectionCode.Invalid, "'warehouse' is required.", "warehouse", []));
        }

        if (!Catalog.IsValidWarehouseId(id) || await catalog.FindWarehouseAsync(id) is null)
        {
            return (null, new CommandError(RejectionCode.Invalid, $"Unknown warehouse '{warehouse}'.", "warehouse", []));
        }

        return (grains.GetGrain<IStockItemGrain>(StockKeys.Of(sku.Code, id)), null);
    }

    private async Task<StockResult> WithItem(string sku, string? warehouse, Func<IStockItemGrain, Task<StockResult>> command)
    {
        var (grain, error) = await ResolveAsync(sku, warehouse);
        return error is not null ? new StockResult(null, null, error) : await command(grain!);
    }
}
