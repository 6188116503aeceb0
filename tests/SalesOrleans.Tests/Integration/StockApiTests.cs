using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class StockApiTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string NewCode() => $"T-{Guid.NewGuid():N}"[..14].ToUpperInvariant();

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A fresh warehouse and SKU, created through the API by the warehouse keeper.</summary>
    private async Task<(HttpClient Keeper, string Sku, string Warehouse)> NewStockItem(string kind = "Stocked", string? ean = null)
    {
        var keeper = await Node.ClientAsync("w.lager");
        var warehouse = NewCode().ToLowerInvariant();
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = warehouse, name = "Test store" })).StatusCode);
        var sku = NewCode();
        var created = await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Pump P-10", unit = "pcs", price = 250, kind, leadTimeDays = 10, ean });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (keeper, sku, warehouse);
    }

    [Fact]
    public async Task The_catalog_creates_lists_and_finds_by_barcode_and_names_bad_fields()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var sku = NewCode();
        var body = new { code = sku.ToLowerInvariant(), name = "Valve V-2", unit = "pcs", price = 12.5, kind = "Purchased", leadTimeDays = 30, supplier = "Kama Plastics" };

        var created = await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", body), HttpStatusCode.Created);
        Assert.Equal(sku, created.GetProperty("code").GetString());
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", body), HttpStatusCode.OK);
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", body with { name = "Other" }), HttpStatusCode.Conflict);

        Assert.Equal("leadTimeDays", ErrorField(await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", body with { code = NewCode(), leadTimeDays = -1 }), HttpStatusCode.BadRequest)));
        Assert.Equal("kind", ErrorField(await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = NewCode(), name = "x", unit = "pcs", kind = "Magic" }), HttpStatusCode.BadRequest)));
        Assert.Equal("ean", ErrorField(await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = NewCode(), name = "x", unit = "pcs", kind = "Stocked", ean = "1234567890123" }), HttpStatusCode.BadRequest)));
        var manager = await Node.ClientAsync("k.weber");
        await Expect(await manager.PostAsJsonAsync("/api/catalog/skus", body with { code = NewCode() }), HttpStatusCode.Forbidden);

        var listed = await Expect(await manager.GetAsync($"/api/catalog/skus?search={sku}"), HttpStatusCode.OK);
        Assert.Equal("Purchased", listed.EnumerateArray().Single().GetProperty("kind").GetString());
        await Expect(await manager.GetAsync("/api/catalog/skus/NO-SUCH-SKU"), HttpStatusCode.NotFound);

        var (_, scanned, _) = await NewStockItem(ean: "4601234567893");
        Assert.Equal(scanned, (await Expect(await manager.GetAsync("/api/catalog/skus/4601234567893"), HttpStatusCode.OK)).GetProperty("code").GetString());
        var taken = await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = NewCode(), name = "x", unit = "pcs", kind = "Stocked", ean = "4601234567893" });
        Assert.Equal("ean", (await Expect(taken, HttpStatusCode.Conflict)).GetProperty("field").GetString());

        var warehouses = await Expect(await manager.GetAsync("/api/catalog/warehouses"), HttpStatusCode.OK);
        Assert.True(warehouses.GetArrayLength() >= 1);
        Assert.Equal("id", ErrorField(await Expect(await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = "Bad Id", name = "x" }), HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Receive_reserve_release_ship_and_count_with_every_movement_in_the_journal()
    {
        var (keeper, sku, warehouse) = await NewStockItem();
        var manager = await Node.ClientAsync("i.petrov");

        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 30, batch = "L-1", expiry = Today.AddDays(5), receiptId = "po-1" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 50, batch = "L-2" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 9, batch = "OLD", expiry = Today.AddDays(-2) }), HttpStatusCode.Created);

        var reserved = await manager.PostAsJsonAsync($"/api/stock/{sku.ToLowerInvariant()}/reservations", new { warehouse, quantity = 40, order = "ORD-100", line = 1, reservationId = "ord-100-1" });
        var reservation = (await Expect(reserved, HttpStatusCode.Created)).GetProperty("reservation");
        Assert.Equal($"/api/stock/{sku}/reservations/ord-100-1?warehouse={warehouse}", reserved.Headers.Location!.ToString());
        Assert.Equal([("L-1", 30m), ("L-2", 10m)], reservation.GetProperty("batches").EnumerateArray().Select(b => (b.GetProperty("batch").GetString(), b.GetProperty("quantity").GetDecimal())));

        // The same request again is the same reservation (idempotent by id).
        await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { warehouse, quantity = 40, order = "ORD-100", line = 1, reservationId = "ord-100-1" }), HttpStatusCode.Created);

        var released = await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations/ord-100-1/releases", new { warehouse, quantity = 5, operationId = "rel-1" }), HttpStatusCode.OK);
        Assert.Equal(35, released.GetProperty("reservation").GetProperty("reserved").GetDecimal());
        var shipped = await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/reservations/ord-100-1/shipments", new { warehouse, quantity = 32, shipmentId = "WB-1" }), HttpStatusCode.OK);
        Assert.Equal((32m, 3m), (shipped.GetProperty("reservation").GetProperty("shipped").GetDecimal(), shipped.GetProperty("reservation").GetProperty("reserved").GetDecimal()));
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/adjustments", new { warehouse, batch = "OLD", counted = 0, reason = "expired, written off" }), HttpStatusCode.OK);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/adjustments", new { warehouse, batch = "L-2", delta = -2, reason = "damaged" }), HttpStatusCode.OK);
        await Expect(await manager.DeleteAsync($"/api/stock/{sku}/reservations/ord-100-1?warehouse={warehouse}"), HttpStatusCode.OK);
        await Expect(await manager.DeleteAsync($"/api/stock/{sku}/reservations/ord-100-1?warehouse={warehouse}"), HttpStatusCode.OK);

        var overview = await Expect(await manager.GetAsync($"/api/stock/{sku}"), HttpStatusCode.OK);
        Assert.Equal((46m, 0m, 46m), (overview.GetProperty("onHand").GetDecimal(), overview.GetProperty("reserved").GetDecimal(), overview.GetProperty("available").GetDecimal()));
        var item = overview.GetProperty("warehouses").EnumerateArray().Single();
        Assert.Equal(warehouse, item.GetProperty("warehouse").GetString());
        Assert.Equal(["L-2"], item.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("batch").GetString()));
        var closed = await Expect(await manager.GetAsync($"/api/stock/{sku}/reservations/ord-100-1?warehouse={warehouse}"), HttpStatusCode.OK);
        Assert.Equal(("Closed", 40m, 32m, 8m), (closed.GetProperty("status").GetString(), closed.GetProperty("quantity").GetDecimal(),
            closed.GetProperty("shipped").GetDecimal(), closed.GetProperty("released").GetDecimal()));

        // The journal (read model) adds up to the stock item; it is written just after the reply, so wait for it.
        var seq = item.GetProperty("seq").GetInt64();
        var journal = await WaitFor(manager, $"/api/stock/{sku}/movements?warehouse={warehouse}", j => j.GetArrayLength() == seq, 10);

        var movements = journal.EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, (int)seq).Select(i => (long)i), movements.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(46m, movements.Sum(m => m.GetProperty("onHandDelta").GetDecimal()));
        Assert.Equal(0m, movements.Sum(m => m.GetProperty("reservedDelta").GetDecimal()));
        Assert.Contains(movements, m => m.GetProperty("kind").GetString() == "Adjustment" && m.GetProperty("reason").GetString() == "damaged");
        Assert.DoesNotContain(movements, m => m.GetProperty("kind").GetString() == "Reservation" && m.GetProperty("batch").GetString() == "OLD");

        var list = await Expect(await manager.GetAsync($"/api/stock?sku={sku}"), HttpStatusCode.OK);
        var row = list.EnumerateArray().Single();
        Assert.Equal((46m, 0m, 46m), (row.GetProperty("onHand").GetDecimal(), row.GetProperty("reserved").GetDecimal(), row.GetProperty("available").GetDecimal()));
        var byOrder = await Expect(await manager.GetAsync("/api/reservations?order=ORD-100"), HttpStatusCode.OK);
        Assert.Equal("Closed", byOrder.EnumerateArray().Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_problem_and_changes_nothing()
    {
        var (keeper, sku, warehouse) = await NewStockItem();
        var manager = await Node.ClientAsync("i.petrov");
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 10, batch = "B1" }), HttpStatusCode.Created);
        await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { warehouse, quantity = 4, order = "ORD-1", reservationId = "r1" }), HttpStatusCode.Created);
        var before = await Expect(await manager.GetAsync($"/api/stock/{sku}"), HttpStatusCode.OK);

        Assert.Equal("quantity", ErrorField(await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 0, batch = "B1" }), HttpStatusCode.BadRequest)));
        Assert.Equal("quantity", ErrorField(await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = -3, batch = "B1" }), HttpStatusCode.BadRequest)));
        Assert.Equal("quantity", ErrorField(await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { warehouse, quantity = -1, order = "ORD-2" }), HttpStatusCode.BadRequest)));
        Assert.Equal("batch", ErrorField(await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 1 }), HttpStatusCode.BadRequest)));
        Assert.Equal("warehouse", ErrorField(await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse = "nowhere", quantity = 1, batch = "B1" }), HttpStatusCode.BadRequest)));
        Assert.Equal("warehouse", ErrorField(await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { quantity = 1, order = "ORD-2" }), HttpStatusCode.BadRequest)));
        Assert.Equal("quantity", ErrorField(await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = "ten", batch = "B1" }), HttpStatusCode.BadRequest)));
        await Expect(await keeper.PostAsJsonAsync("/api/stock/NO-SUCH-SKU/receipts", new { warehouse, quantity = 1, batch = "B1" }), HttpStatusCode.NotFound);

        var short_ = await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { warehouse, quantity = 7, order = "ORD-2" }), HttpStatusCode.Conflict);
        Assert.Equal((6m, 7m), (short_.GetProperty("available").GetDecimal(), short_.GetProperty("requested").GetDecimal()));
        Assert.Contains("Only 6", short_.GetProperty("detail").GetString());
        var overRelease = await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations/r1/releases", new { warehouse, quantity = 5 }), HttpStatusCode.Conflict);
        Assert.Equal((4m, 5m), (overRelease.GetProperty("reserved").GetDecimal(), overRelease.GetProperty("requested").GetDecimal()));
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/reservations/r1/shipments", new { warehouse, quantity = 5 }), HttpStatusCode.Conflict);
        await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations/nope/releases", new { warehouse, quantity = 1 }), HttpStatusCode.NotFound);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/adjustments", new { warehouse, batch = "B1", counted = 3, reason = "count" }), HttpStatusCode.Conflict);
        Assert.Equal("reason", ErrorField(await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/adjustments", new { warehouse, batch = "B1", counted = 9 }), HttpStatusCode.BadRequest)));

        // Only the warehouse receives, ships and counts; nobody outside sales and the warehouse reserves.
        await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 1, batch = "B1" }), HttpStatusCode.Forbidden);
        await Expect(await manager.PostAsJsonAsync($"/api/stock/{sku}/reservations/r1/shipments", new { warehouse }), HttpStatusCode.Forbidden);
        var marketer = await Node.ClientAsync("n.marketing");
        await Expect(await marketer.PostAsJsonAsync($"/api/stock/{sku}/reservations", new { warehouse, quantity = 1, order = "ORD-3" }), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await Node.ClientAsync()).GetAsync($"/api/stock/{sku}")).StatusCode);

        var after = await Expect(await manager.GetAsync($"/api/stock/{sku}"), HttpStatusCode.OK);
        Assert.Equal(before.ToString(), after.ToString());
    }

    [Fact]
    public async Task A_scanned_ean_works_wherever_a_sku_code_does()
    {
        var (keeper, sku, warehouse) = await NewStockItem(ean: "4609876543213");

        await Expect(await keeper.PostAsJsonAsync("/api/stock/4609876543213/receipts", new { warehouse, quantity = 12, batch = "SCAN-1" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/stock/4609876543213/reservations", new { warehouse, quantity = 2, order = "ORD-S", reservationId = "s1" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/stock/4609876543213/reservations/s1/shipments", new { warehouse }), HttpStatusCode.OK);

        var overview = await Expect(await keeper.GetAsync($"/api/stock/{sku}"), HttpStatusCode.OK);
        Assert.Equal((10m, 0m), (overview.GetProperty("onHand").GetDecimal(), overview.GetProperty("reserved").GetDecimal()));
    }

    [Fact]
    public async Task The_demo_stock_is_there_with_an_expired_batch_that_is_not_available()
    {
        var client = await Node.ClientAsync("i.petrov");
        var oil = await Expect(await client.GetAsync("/api/stock/SKU-104"), HttpStatusCode.OK);
        var main = oil.GetProperty("warehouses").EnumerateArray().Single(w => w.GetProperty("warehouse").GetString() == "main");

        Assert.Equal((69m, 64m, 5m), (main.GetProperty("onHand").GetDecimal(), main.GetProperty("available").GetDecimal(), main.GetProperty("expired").GetDecimal()));
        Assert.Equal(94m, oil.GetProperty("onHand").GetDecimal());
        Assert.Equal(["OIL-2409", "OIL-2502", "OIL-2510"], main.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("batch").GetString()));
        Assert.Equal("SKU-102", (await Expect(await client.GetAsync("/api/catalog/skus/4006381333931"), HttpStatusCode.OK)).GetProperty("code").GetString());
    }
}
