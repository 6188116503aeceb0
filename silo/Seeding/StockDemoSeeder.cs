using SalesOrleans.Domain;
using SalesOrleans.Domain.Stock;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Silo.Seeding;

/// <summary>
/// Demo catalog and stock: two warehouses, the SKUs the demo deals sell (SKU-100 … SKU-106) of every kind, and
/// batches received through the real stock item grains — some with expiry, one already expired. Only on a database
/// whose catalog is empty, so a start never adds stock twice.
/// </summary>
public sealed class StockDemoSeeder(CatalogStore catalog, IGrainFactory grains, ILogger<StockDemoSeeder> logger)
{
    private static readonly ActorInfo System = new(Roles.System, [Roles.System]);

    private static readonly WarehouseDefinition[] Warehouses =
    [
        new("main", "Main warehouse", "Yekaterinburg, Promyshlennaya 12"),
        new("north", "North depot", "Perm, Skladskaya 3"),
    ];

    private static readonly SkuDefinition[] Skus =
    [
        new("SKU-100", "Hydraulic press HP-40", "pcs", 48_000, "EUR", SkuKind.Manufactured, 45),
        new("SKU-101", "Overhead crane 5 t", "pcs", 65_000, "EUR", SkuKind.Manufactured, 60),
        new("SKU-102", "Centrifugal pump CP-15", "pcs", 3_200, "EUR", SkuKind.Purchased, 21, "4006381333931", "Nordwerk GmbH"),
        new("SKU-103", "Pump seal kit", "set", 140, "EUR", SkuKind.Purchased, 14, null, "Kama Plastics"),
        new("SKU-104", "Hydraulic oil HLP 46, 20 l", "can", 95, "EUR", SkuKind.Stocked, 0),
        new("SKU-105", "Spare filter F-10", "pcs", 35, "EUR", SkuKind.Stocked, 0, "5901234123457"),
        new("SKU-106", "Control cabinet CC-2", "pcs", 7_800, "EUR", SkuKind.Manufactured, 30),
        // Services are rendered, never stocked, reserved or bought in (issue 11).
        new("SKU-107", "Installation and commissioning", "job", 4_500, "EUR", SkuKind.Service, 0),
        new("SKU-108", "Operator training (one seat)", "seat", 450, "EUR", SkuKind.Service, 0),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await catalog.CountSkusAsync(ct) > 0)
        {
            return;
        }

        foreach (var warehouse in Warehouses)
        {
            await catalog.InsertWarehouseAsync(warehouse, "demo", ct);
        }

        await catalog.InsertSkusAsync(Skus, "demo", ct);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var now = DateTimeOffset.UtcNow;
        (string Sku, string Warehouse, string Batch, decimal Quantity, DateOnly? Expiry, int DaysAgo)[] receipts =
        [
            ("SKU-100", "main", "HP40-0007", 2, null, 40),
            ("SKU-102", "main", "NW-2611", 12, null, 12),
            ("SKU-103", "main", "KP-5521", 80, today.AddDays(700), 30),
            ("SKU-104", "main", "OIL-2409", 5, today.AddDays(-10), 400),
            ("SKU-104", "main", "OIL-2502", 24, today.AddDays(90), 200),
            ("SKU-104", "main", "OIL-2510", 40, today.AddDays(400), 20),
            ("SKU-104", "north", "OIL-2510", 25, today.AddDays(400), 18),
            ("SKU-105", "main", "F10-118", 200, null, 60),
            ("SKU-105", "north", "F10-121", 60, null, 5),
        ];
        foreach (var r in receipts)
        {
            var result = await grains.GetGrain<IStockItemGrain>(StockKeys.Of(r.Sku, r.Warehouse)).Receive(
                new ReceiveStockCommand(r.Batch, r.Quantity, r.Expiry, now.AddDays(-r.DaysAgo), $"demo-{r.Batch}", "demo stock"), System);
            if (!result.Ok)
            {
                logger.LogWarning("Demo receipt {Sku}@{Warehouse} {Batch} refused: {Error}", r.Sku, r.Warehouse, r.Batch, result.Error!.Message);
            }
        }

        logger.LogInformation("Seeded {Skus} demo SKUs in {Warehouses} warehouses with {Receipts} receipts", Skus.Length, Warehouses.Length, receipts.Length);
    }
}
