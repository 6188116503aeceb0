using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class OrderApiTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static string NewCode() => $"O-{Guid.NewGuid():N}"[..14].ToUpperInvariant();

    /// <summary>A warehouse with a manufactured, a purchased and a stocked SKU; 4 presses and 50 cans of oil on hand.</summary>
    private async Task<(string Warehouse, string Press, string Pump, string Oil)> Catalog()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var warehouse = NewCode().ToLowerInvariant();
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = warehouse, name = "Order test store" }), HttpStatusCode.Created);
        var press = NewCode();
        var pump = NewCode();
        var oil = NewCode();
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = press, name = "Press", unit = "pcs", price = 1000, kind = "Manufactured", leadTimeDays = 30 }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = pump, name = "Pump", unit = "pcs", price = 200, kind = "Purchased", leadTimeDays = 14 }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = oil, name = "Oil", unit = "can", price = 10, kind = "Stocked" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{press}/receipts", new { warehouse, quantity = 4, batch = "P-OLD" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{oil}/receipts", new { warehouse, quantity = 50, batch = "OIL-1" }), HttpStatusCode.Created);
        return (warehouse, press, pump, oil);
    }

    private async Task<JsonElement> StockOf(HttpClient client, string sku) =>
        (await Expect(await client.GetAsync($"/api/stock/{sku}"), HttpStatusCode.OK)).GetProperty("warehouses").EnumerateArray().SingleOrDefault();

    [Fact]
    public async Task An_order_is_seen_and_worked_by_its_responsibles_department_and_the_warehouse_and_refused_to_other_departments()
    {
        var (warehouse, _, _, oil) = await Catalog();
        var manager = await Node.ClientAsync("i.petrov");
        var created = await Expect(await manager.PostAsJsonAsync("/api/orders", new { customer = "Scoped GmbH", warehouse, lines = new object[] { new { sku = oil, quantity = 2 } } }),
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        await Expect(await manager.PostAsync($"/api/orders/{id}/submit", null), HttpStatusCode.OK);
        await Expect(await (await Node.ClientAsync("s.volkov")).PostAsJsonAsync($"/api/orders/{id}/approve", new { }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/invoices", new { }), HttpStatusCode.OK);
        var invoice = (await Expect(await manager.GetAsync($"/api/orders/{id}"), HttpStatusCode.OK)).GetProperty("invoices")[0].GetProperty("number").GetString();

        // Another department's manager and supervisor: not in the list, and the order, its journal, its papers and its
        // commands answer 404 as if it did not exist (the access model: what one may not see does not exist for them).
        foreach (var outsider in new[] { "k.weber", "e.keller" })
        {
            var other = await Node.ClientAsync(outsider);
            var list = await Expect(await other.GetAsync("/api/orders?limit=500"), HttpStatusCode.OK);
            Assert.DoesNotContain(list.EnumerateArray(), o => o.GetProperty("id").GetGuid() == id);
            await Expect(await other.GetAsync($"/api/orders/{id}"), HttpStatusCode.NotFound);
            await Expect(await other.GetAsync($"/api/orders/{id}/journal"), HttpStatusCode.NotFound);
            await Expect(await other.GetAsync($"/api/orders/{id}/invoices/{invoice}.pdf"), HttpStatusCode.NotFound);
            await Expect(await other.PostAsJsonAsync($"/api/orders/{id}/payments", new { paymentId = $"x-{outsider}", amount = 1 }), HttpStatusCode.NotFound);
            await Expect(await other.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "not mine" }), HttpStatusCode.NotFound);
        }

        Assert.Equal(0m, Dec(await Expect(await manager.GetAsync($"/api/orders/{id}"), HttpStatusCode.OK), "paid"));
        Assert.Equal("Approved", (await Expect(await manager.GetAsync($"/api/orders/{id}"), HttpStatusCode.OK)).GetProperty("status").GetString());

        // The responsible's colleague, the warehouse and the admin see it (the list too).
        foreach (var insider in new[] { "m.sokolova", "w.lager", "admin" })
        {
            var client = await Node.ClientAsync(insider);
            var list = await Expect(await client.GetAsync("/api/orders?limit=500"), HttpStatusCode.OK);
            Assert.Contains(list.EnumerateArray(), o => o.GetProperty("id").GetGuid() == id);
            await Expect(await client.GetAsync($"/api/orders/{id}"), HttpStatusCode.OK);
            var pdf = await client.GetAsync($"/api/orders/{id}/invoices/{invoice}.pdf");
            Assert.Equal((HttpStatusCode.OK, "application/pdf"), (pdf.StatusCode, pdf.Content.Headers.ContentType?.MediaType));
        }
    }

    [Fact]
    public async Task An_order_goes_from_draft_through_allocation_production_supply_shipment_and_payment_to_completed()
    {
        var (warehouse, press, pump, oil) = await Catalog();
        var manager = await Node.ClientAsync("i.petrov");
        var supervisor = await Node.ClientAsync("s.volkov");
        var keeper = await Node.ClientAsync("w.lager");

        var created = await Expect(await manager.PostAsJsonAsync("/api/orders", new
        {
            customer = "Nordwerk GmbH",
            warehouse,
            lines = new object[] { new { sku = press, quantity = 10 }, new { sku = pump, quantity = 5, price = 180 }, new { sku = oil, quantity = 3 } },
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(("Draft", "i.petrov", 10_930m), (created.GetProperty("status").GetString(), created.GetProperty("responsible").GetString(), Dec(created, "total")));

        await Expect(await manager.PostAsync($"/api/orders/{id}/submit", null), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/approve", new { }), HttpStatusCode.Forbidden);
        // Line 1 (10 presses, 4 in stock): 2 bought in on purpose, the rest from stock, then production.
        var approved = await Expect(await supervisor.PostAsJsonAsync($"/api/orders/{id}/approve", new { splits = new[] { new { line = 1, production = 0, supplier = 2 } } }), HttpStatusCode.OK);
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        var lines = approved.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal([(4m, 4m, 2m), (0m, 0m, 5m), (3m, 0m, 0m)], lines.Select(l => (Dec(l, "fromStock"), Dec(l, "toProduce"), Dec(l, "toPurchase"))));
        var replenishments = approved.GetProperty("replenishments").EnumerateArray().Select(r => (Id: r.GetProperty("id").GetString()!, Kind: r.GetProperty("kind").GetString(), Line: r.GetProperty("line").GetInt32())).ToList();
        Assert.Equal([("Production", 1), ("Supplier", 1), ("Supplier", 2)], replenishments.Select(r => (r.Kind, r.Line)));
        Assert.Equal((4m, 4m, 0m), (Dec(await StockOf(keeper, press), "onHand"), Dec(await StockOf(keeper, press), "reserved"), Dec(await StockOf(keeper, press), "available")));

        // Available-to-promise shows the press stock and what production and the supplier bring in, and when.
        var atp = await Expect(await manager.GetAsync($"/api/stock/{press}/available-to-promise"), HttpStatusCode.OK);
        Assert.Equal((4m, 4m, 0m, 6m), (Dec(atp, "onHand"), Dec(atp, "reserved"), Dec(atp, "available"), Dec(atp, "incomingTotal")));
        Assert.Equal([("Production", 4m), ("Supplier", 2m)], atp.GetProperty("incoming").EnumerateArray()
            .Select(i => (i.GetProperty("kind").GetString(), Dec(i, "quantity"))).OrderBy(i => i.Item1));

        var gate = await Expect(await manager.PostAsync($"/api/orders/{id}/execution", null), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["contract number", "payment terms"], gate.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/contract", new { contractNumber = "K-2026-114", paymentTerms = "30% advance, rest on delivery" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsync($"/api/orders/{id}/execution", null), HttpStatusCode.OK);

        var early = await Expect(await keeper.PostAsync($"/api/orders/{id}/shipments", null), HttpStatusCode.OK);
        Assert.Equal("Execution", early.GetProperty("status").GetString());
        Assert.Equal((4m, 3m), (Dec(early.GetProperty("lines")[0], "shipped"), Dec(early.GetProperty("lines")[2], "shipped")));

        var production = replenishments.Single(r => r.Kind == "Production").Id;
        await Expect(await keeper.PostAsync($"/api/orders/{id}/replenishments/{production}/start", null), HttpStatusCode.OK);
        foreach (var (rid, _, _) in replenishments)
        {
            var received = await Expect(await keeper.PostAsJsonAsync($"/api/orders/{id}/replenishments/{rid}/receipt", new { batch = $"B-{rid}" }), HttpStatusCode.OK);
            Assert.Equal(0, received.GetProperty("pendingStockActions").GetInt32());
        }

        Assert.Equal(0m, Dec(await Expect(await manager.GetAsync($"/api/stock/{press}/available-to-promise"), HttpStatusCode.OK), "incomingTotal"));
        var beforeShipping = await Expect(await manager.GetAsync($"/api/orders/{id}"), HttpStatusCode.OK);
        Assert.All(beforeShipping.GetProperty("lines").EnumerateArray(), l => Assert.Equal(0m, Dec(l, "waiting")));
        // The receipts were reserved for the order at once: nobody else can take them.
        Assert.Equal((6m, 6m, 0m), (Dec(await StockOf(keeper, press), "onHand"), Dec(await StockOf(keeper, press), "reserved"), Dec(await StockOf(keeper, press), "available")));

        var shipped = await Expect(await keeper.PostAsync($"/api/orders/{id}/shipments", null), HttpStatusCode.OK);
        Assert.Equal("Shipped", shipped.GetProperty("status").GetString());
        Assert.Equal(2, shipped.GetProperty("shipments").GetArrayLength());
        Assert.Equal((0m, 0m), (Dec(await StockOf(keeper, press), "onHand"), Dec(await StockOf(keeper, press), "reserved")));
        Assert.Equal(47m, Dec(await StockOf(keeper, oil), "onHand"));

        var invoiced = await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/invoices", new { }), HttpStatusCode.OK);
        var invoice = invoiced.GetProperty("invoices")[0].GetProperty("number").GetString();
        var partly = await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/payments", new { paymentId = "bank-771", amount = 3_000, invoice }), HttpStatusCode.OK);
        Assert.Equal(("Shipped", 7_930m), (partly.GetProperty("status").GetString(), Dec(partly, "balanceDue")));
        Assert.Equal("amount", (await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/payments", new { paymentId = "bank-772", amount = 9_000 }), HttpStatusCode.BadRequest))
            .GetProperty("errors").EnumerateObject().Single().Name);
        var paid = await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/payments", new { paymentId = "bank-773", amount = 7_930, invoice }), HttpStatusCode.OK);
        Assert.Equal(("Completed", 0m), (paid.GetProperty("status").GetString(), Dec(paid, "balanceDue")));

        // The read model lists the order and its journal holds the waybills, the invoice and the payments.
        var journal = await WaitFor(manager, $"/api/orders/{id}/journal", j => j.GetArrayLength() == paid.GetProperty("seq").GetInt64(), 10);

        var kinds = journal.EnumerateArray().Select(a => a.GetProperty("kind").GetString()).ToList();
        Assert.Equal(paid.GetProperty("seq").GetInt64(), kinds.Count);
        Assert.Equal(2, journal.EnumerateArray().Count(a => a.GetProperty("kind").GetString() == "Shipped" && a.GetProperty("document").GetString()?.StartsWith("WB-") == true));
        Assert.Contains("Invoiced", kinds);
        Assert.Equal(2, kinds.Count(k => k == "Paid"));
        var listed = await Expect(await manager.GetAsync($"/api/orders?customer=Nordwerk&status=Completed"), HttpStatusCode.OK);
        Assert.Contains(listed.EnumerateArray(), o => o.GetProperty("id").GetGuid() == id && Dec(o, "balanceDue") == 0);
    }

    [Fact]
    public async Task Cancelling_an_approved_order_releases_its_reservations_and_bad_orders_are_refused()
    {
        var (warehouse, press, _, oil) = await Catalog();
        var manager = await Node.ClientAsync("i.petrov");
        var supervisor = await Node.ClientAsync("s.volkov");

        Assert.Equal("lines[0].sku", (await Expect(await manager.PostAsJsonAsync("/api/orders", new { customer = "X", warehouse, lines = new[] { new { sku = "NOPE-NOPE", quantity = 1 } } }),
            HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("lines[0].quantity", (await Expect(await manager.PostAsJsonAsync("/api/orders", new { customer = "X", warehouse, lines = new[] { new { sku = oil, quantity = 0 } } }),
            HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("warehouse", (await Expect(await manager.PostAsJsonAsync("/api/orders", new { customer = "X", warehouse = "nowhere", lines = new[] { new { sku = oil, quantity = 1 } } }),
            HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        await Expect(await (await Node.ClientAsync("w.lager")).PostAsJsonAsync("/api/orders", new { customer = "X", warehouse, lines = new[] { new { sku = oil, quantity = 1 } } }), HttpStatusCode.Forbidden);
        await Expect(await manager.GetAsync($"/api/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        var id = (await Expect(await manager.PostAsJsonAsync("/api/orders", new
        {
            customer = "Hansa Print",
            warehouse,
            lines = new object[] { new { sku = press, quantity = 3 }, new { sku = oil, quantity = 20 } },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // A manager never ships (order.fulfil is the warehouse's and the supervisor's), whatever the order's state.
        await Expect(await manager.PostAsync($"/api/orders/{id}/shipments", null), HttpStatusCode.Forbidden);
        await Expect(await manager.PostAsync($"/api/orders/{id}/submit", null), HttpStatusCode.OK);
        await Expect(await supervisor.PostAsJsonAsync($"/api/orders/{id}/approve", new { }), HttpStatusCode.OK);
        Assert.Equal(20m, Dec(await StockOf(manager, oil), "reserved"));

        var cancelled = await Expect(await manager.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "Customer withdrew" }), HttpStatusCode.OK);
        Assert.Equal(("Cancelled", 0), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("pendingStockActions").GetInt32()));
        Assert.Equal((0m, 50m), (Dec(await StockOf(manager, oil), "reserved"), Dec(await StockOf(manager, oil), "available")));
        Assert.Equal(0m, Dec(await StockOf(manager, press), "reserved"));
        var archived = await Expect(await manager.PostAsync($"/api/orders/{id}/archive", null), HttpStatusCode.OK);
        Assert.Equal("Archived", archived.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_order_made_by_hand_points_at_the_company_picked_and_the_company_page_lists_it()
    {
        var (warehouse, _, _, oil) = await Catalog();
        var manager = await Node.ClientAsync("i.petrov");
        var name = $"Камские пластики {Guid.NewGuid():N}"[..24];
        var made = await manager.PostAsJsonAsync("/api/companies", new { name });
        Assert.True(made.IsSuccessStatusCode, made.StatusCode.ToString());
        var companyId = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var lines = new[] { new { sku = oil, quantity = 3 } };

        // The customer is the record picked: its name, and the order points at it.
        var created = await Expect(await manager.PostAsJsonAsync("/api/orders", new { companyId, warehouse, lines }), HttpStatusCode.Created);
        var orderId = created.GetProperty("id").GetGuid();
        Assert.Equal((companyId, name), (created.GetProperty("companyId").GetGuid(), created.GetProperty("customer").GetString()));
        Assert.Equal(companyId, (await Expect(await manager.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK)).GetProperty("companyId").GetGuid());
        await SalesOrleans.Tests.Support.Poll.Until(async () => (await Expect(await manager.GetAsync($"/api/companies/{companyId}/dossier"), HttpStatusCode.OK))
            .GetProperty("orders").EnumerateArray().Any(o => o.GetProperty("id").GetGuid() == orderId), "the company page lists the order", 30);

        // A company that does not exist, or a contact without its company: 400 naming the field, no order.
        var unknown = Guid.NewGuid();
        Assert.Equal("companyId", (await Expect(await manager.PostAsJsonAsync("/api/orders", new { id = unknown, companyId = Guid.NewGuid(), warehouse, lines }),
            HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("companyId", (await Expect(await manager.PostAsJsonAsync("/api/orders", new { id = unknown, customer = "X", contactId = Guid.NewGuid(), warehouse, lines }),
            HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        await Expect(await manager.GetAsync($"/api/orders/{unknown}"), HttpStatusCode.NotFound);
    }
}
