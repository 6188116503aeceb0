using SalesOrleans.Deals;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Stock;

/// <summary>
/// Adds SKUs and warehouses: the domain validates and checks the editor's role, the store keeps them. Creating an
/// entry that exists with the same content is a success (a retried request); with other content it is a conflict.
/// </summary>
public sealed class CatalogService(CatalogStore store) : ICatalogService
{
    public async Task<CatalogResult<SkuDefinition>> CreateSkuAsync(SkuDefinition draft, ActorInfo actor, CancellationToken ct = default)
    {
        SkuDefinition sku;
        try
        {
            Catalog.RequireEditor(actor.ToActor());
            sku = Catalog.ValidateSku(draft);
        }
        catch (Rejection rejection)
        {
            return new(null, false, rejection.ToError());
        }

        try
        {
            if (await store.InsertSkuAsync(sku, actor.User, ct))
            {
                return new(sku, true, null);
            }
        }
        catch (Rejection conflict)
        {
            return new(null, false, conflict.ToError());
        }

        var existing = await store.GetSkuAsync(sku.Code, ct);
        return existing == sku
            ? new(existing, false, null)
            : new(null, false, new CommandError(RejectionCode.Conflict, $"SKU {sku.Code} already exists with other details.", "code", []));
    }

    public async Task<CatalogResult<WarehouseDefinition>> CreateWarehouseAsync(WarehouseDefinition draft, ActorInfo actor, CancellationToken ct = default)
    {
        WarehouseDefinition warehouse;
        try
        {
            Catalog.RequireEditor(actor.ToActor());
            warehouse = Catalog.ValidateWarehouse(draft);
        }
        catch (Rejection rejection)
        {
            return new(null, false, rejection.ToError());
        }

        if (await store.InsertWarehouseAsync(warehouse, actor.User, ct))
        {
            return new(warehouse, true, null);
        }

        var existing = await store.GetWarehouseAsync(warehouse.Id, ct);
        return existing == warehouse
            ? new(existing, false, null)
            : new(null, false, new CommandError(RejectionCode.Conflict, $"Warehouse {warehouse.Id} already exists with other details.", "id", []));
    }
}
