using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SalesOrleans.Documents;
using SalesOrleans.Domain.Orders;
using SalesOrleans.Orders;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// The deal–order link each process declares: order-driven makes its order at "contract approved" and mirrors the
/// order's state; training-sales has its commitment confirmed by a payment on the deal's order. The order's invoices
/// and waybills go onto the deal as PDF documents.
/// </summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class DealOrderLinkTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task A_deal_reaching_contract_approved_gets_an_order_whose_state_moves_the_deal_to_won()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var manager = await Node.ClientAsync("a.ivanova");
        var supervisor = await Node.ClientAsync("o.smirnova");
        var sku = $"L-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "ERP licence", unit = "pcs", price = 500, kind = "Stocked" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse = "main", quantity = 10, batch = "LIC-1" }), HttpStatusCode.Created);

        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new
        {
            processKind = "order-driven",
            title = "ERP licences for Tula Metals",
            company = "Tula Metals",
            lines = new[] { new { sku, name = "ERP licence", quantity = 4, price = 450 } },
        }), HttpStatusCode.Created);
        var id = deal.GetProperty("id").GetGuid();

        // Walk the deal by hand up to "contract approved", meeting each gate.
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["need"] = "40 seats" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["erpClientCode"] = "TM-0042" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "proposal", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Attach(manager, id, "proposal");
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "negotiation", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["paymentTerms"] = "prepayment" }), HttpStatusCode.OK);
        var approval = await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "contract-approval", cancelOpenTasks = true }), HttpStatusCode.OK);
        foreach (var task in approval.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("stage").GetString() == "contract-approval"))
        {
            await Expect(await supervisor.PostAsJsonAsync($"/api/deals/{id}/tasks/{task.GetProperty("id").GetString()}/complete", new { result = "approved" }), HttpStatusCode.OK);
        }

        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "contract-approved", cancelOpenTasks = true }), HttpStatusCode.OK);

        // The order exists at once, made from the deal's lines and sent for approval.
        var orderId = DealOrderBridge.OrderIdFor(id);
        var order = await Expect(await manager.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal(("OnApproval", id, "Tula Metals", "a.ivanova"), (order.GetProperty("status").GetString(), order.GetProperty("dealId").GetGuid(),
            order.GetProperty("customer").GetString(), order.GetProperty("responsible").GetString()));
        Assert.Equal((sku, 4m, 450m), (order.GetProperty("lines")[0].GetProperty("sku").GetString(), order.GetProperty("lines")[0].GetProperty("quantity").GetDecimal(),
            order.GetProperty("lines")[0].GetProperty("price").GetDecimal()));

        // The contract card comes back: the deal's gate and the order's execution gate are both met.
        await Attach(manager, id, "contract");
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["contractNumber"] = "TM-2026-9" }), HttpStatusCode.OK);
        await Expect(await supervisor.PostAsJsonAsync($"/api/orders/{orderId}/approve", new { }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/contract", new { contractNumber = "TM-2026-9", paymentTerms = "prepayment" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { paymentId = "tm-advance", amount = 1800 }), HttpStatusCode.OK);
        await Expect(await manager.PostAsync($"/api/orders/{orderId}/execution", null), HttpStatusCode.OK);
        await WaitFor(manager, $"/api/deals/{id}", d => d.GetProperty("stage").GetString() == "in-execution");

        var shipped = await Expect(await keeper.PostAsync($"/api/orders/{orderId}/shipments", null), HttpStatusCode.OK);
        Assert.Equal("Completed", shipped.GetProperty("status").GetString());
        // The waybill reaches the deal's documents just after the order's shipment (order papers are put on the deal after the write).
        var won = await WaitFor(manager, $"/api/deals/{id}", d => d.GetProperty("status").GetString() == "Won"
            && d.GetProperty("documents").EnumerateArray().Any(doc => doc.GetProperty("kind").GetString() == "waybill"));
        Assert.Equal("completed", won.GetProperty("stage").GetString());

        // The deal journal shows the order's payment and waybill.
        var journal = await WaitFor(manager, $"/api/deals/{id}/journal", j => j.EnumerateArray().Any(e => e.GetProperty("text").GetString()!.Contains("WB-")));
        var notes = journal.EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "Note").Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(notes, n => n.Contains("Payment tm-advance: 1800"));
        Assert.Contains(notes, n => n.Contains("Shipped under waybill WB-"));

        // The waybill is a PDF document of the deal as well, and one of the order.
        var waybill = shipped.GetProperty("shipments")[0].GetProperty("waybill").GetString()!;
        var document = Assert.Single(won.GetProperty("documents").EnumerateArray(), d => d.GetProperty("kind").GetString() == "waybill");
        Assert.Equal(new OrderPaper(orderId, OrderPaper.Waybill, waybill).DocumentId, document.GetProperty("id").GetGuid());
        Assert.StartsWith("%PDF", Encoding.Latin1.GetString(await manager.GetByteArrayAsync($"/api/deals/{id}/documents/{document.GetProperty("id").GetGuid()}")));
        Assert.StartsWith("%PDF", Encoding.Latin1.GetString(await manager.GetByteArrayAsync($"/api/orders/{orderId}/shipments/{waybill}.pdf")));
    }

    [Fact]
    public async Task A_partial_payment_on_the_order_of_a_training_deal_confirms_the_commitment_and_wins_the_deal()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var manager = await Node.ClientAsync("k.weber");
        var supervisor = await Node.ClientAsync("e.keller");
        var sku = $"T-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        // A course seat is a service: never stocked, reserved, produced or purchased.
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Excel course seat", unit = "seat", price = 400, kind = "Service" }), HttpStatusCode.Created);

        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new
        {
            processKind = "training-sales", title = "Excel course for Hansa Print", company = "Hansa Print",
            lines = new[] { new { sku, name = "Excel course seat", quantity = 12, price = 400 } },
        }), HttpStatusCode.Created);
        var id = deal.GetProperty("id").GetGuid();
        Assert.Equal(4800m, deal.GetProperty("amount").GetDecimal());

        // Walk the deal by hand to "commitment confirmed", meeting each gate.
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["request"] = "Excel for 12 accountants" }), HttpStatusCode.OK);
        var card = await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true }), HttpStatusCode.OK);
        foreach (var task in card.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("stage").GetString() == "client-card"))
        {
            var executor = task.GetProperty("executor").GetString() == "e.keller" ? supervisor : manager;
            await Expect(await executor.PostAsJsonAsync($"/api/deals/{id}/tasks/{task.GetProperty("id").GetString()}/complete", new { result = "done" }), HttpStatusCode.OK);
        }

        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["trainingTopic"] = "Excel", ["participants"] = "12" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "proposal", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Attach(manager, id, "proposal");
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "order", cancelOpenTasks = true }), HttpStatusCode.OK);

        // Entering the order stage made the customer order from the deal's services, sent for approval; nothing is reserved.
        var orderId = DealOrderBridge.OrderIdFor(id);
        var order = await Expect(await manager.GetAsync($"/api/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal(("OnApproval", id, 4800m), (order.GetProperty("status").GetString(), order.GetProperty("dealId").GetGuid(), order.GetProperty("total").GetDecimal()));
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal((sku, 12m, "Service"), (line.GetProperty("sku").GetString(), line.GetProperty("quantity").GetDecimal(), line.GetProperty("kind").GetString()));

        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["orderNumber"] = "HP-77" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "commitment", cancelOpenTasks = true }), HttpStatusCode.OK);

        // Approved: services are neither reserved nor produced nor purchased.
        order = await Expect(await supervisor.PostAsJsonAsync($"/api/orders/{orderId}/approve", new { }), HttpStatusCode.OK);
        Assert.Equal("Approved", order.GetProperty("status").GetString());
        Assert.Empty(order.GetProperty("replenishments").EnumerateArray());
        line = order.GetProperty("lines")[0];
        Assert.Equal((0m, 0m, 0m), (line.GetProperty("fromStock").GetDecimal(), line.GetProperty("toProduce").GetDecimal(), line.GetProperty("toPurchase").GetDecimal()));
        // The deal as a sync that crashed before the invoice reached it would see it again.
        var beforeInvoice = (await Node.Grains.GetGrain<IDealGrain>(id).Get())!;
        var invoiced = await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/invoices", new { amount = 2400 }), HttpStatusCode.OK);
        var invoice = invoiced.GetProperty("invoices")[0].GetProperty("number").GetString()!;

        // Issuing the invoice attaches it to the deal as a PDF (no upload), listed in the deal journal.
        var attached = await WaitFor(manager, $"/api/deals/{id}", d => d.GetProperty("documents").EnumerateArray().Any(x => x.GetProperty("kind").GetString() == "invoice"));
        var document = Assert.Single(attached.GetProperty("documents").EnumerateArray(), d => d.GetProperty("kind").GetString() == "invoice");
        var documentId = document.GetProperty("id").GetGuid();
        Assert.Equal((new OrderPaper(orderId, OrderPaper.Invoice, invoice).DocumentId, $"invoice-{invoice}.pdf", "commitment"),
            (documentId, document.GetProperty("fileName").GetString(), document.GetProperty("stage").GetString()));
        Assert.StartsWith("%PDF", Encoding.Latin1.GetString(await manager.GetByteArrayAsync($"/api/deals/{id}/documents/{documentId}")));
        var fromOrder = await manager.GetAsync($"/api/orders/{orderId}/invoices/{invoice}.pdf");
        Assert.Equal(("application/pdf", "%PDF"), (fromOrder.Content.Headers.ContentType?.MediaType, Encoding.Latin1.GetString(await fromOrder.Content.ReadAsByteArrayAsync())[..4]));
        await Expect(await manager.GetAsync($"/api/orders/{orderId}/invoices/INV-NONE-1.pdf"), HttpStatusCode.NotFound);

        // Without the advance the commitment stage still waits for it; the invoice gate is met.
        var waiting = await WaitFor(manager, $"/api/deals/{id}/journal", j => j.EnumerateArray().Any(e => e.GetProperty("subject").GetString() == documentId.ToString()));
        Assert.Contains(waiting.EnumerateArray(), e => e.GetProperty("kind").GetString() == "DocumentAttached" && e.GetProperty("text").GetString()!.Contains(invoice));
        Assert.Contains(waiting.EnumerateArray(), e => e.GetProperty("kind").GetString() == "Note" && e.GetProperty("text").GetString()!.Contains(invoice));
        var before = await Expect(await manager.GetAsync($"/api/deals/{id}"), HttpStatusCode.OK);
        Assert.Equal(("commitment", "Open"), (before.GetProperty("stage").GetString(), before.GetProperty("status").GetString()));
        var missing = before.GetProperty("missingToLeave").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("the advance payment received", missing);
        Assert.DoesNotContain("the advance invoice attached", missing);

        // The sync told again (after a crash: with the deal as it was, then as it is) attaches no second copy.
        var dealGrain = Node.Grains.GetGrain<IDealGrain>(id);
        var orderView = (await Node.Grains.GetGrain<IOrderGrain>(orderId).Get())!;
        var told = new OrderActivity(0, DateTimeOffset.UtcNow, "k.weber", OrderActivityKind.Invoiced, OrderStatus.Approved, "again", invoice, 2400);
        var documents = Node.Services.GetRequiredService<IOrderDocuments>();
        await documents.AttachAsync(beforeInvoice, orderView, told);
        await documents.AttachAsync((await dealGrain.Get())!, orderView, told);
        Assert.Single((await dealGrain.Get())!.Documents, d => d.Kind == "invoice");

        // Part of the advance is paid: the deal shows the amount paid and passes the commitment stage by itself.
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { paymentId = "hp-advance-1", amount = 1500, invoice }), HttpStatusCode.OK);
        var won = await WaitFor(manager, $"/api/deals/{id}", d => d.GetProperty("status").GetString() == "Won");
        Assert.Equal("won", won.GetProperty("stage").GetString());
        Assert.Equal("1500", won.GetProperty("parameters").GetProperty("advancePaid").GetString());
        var journal = await Expect(await manager.GetAsync($"/api/deals/{id}/journal"), HttpStatusCode.OK);
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("text").GetString()!.Contains("Payment hp-advance-1: 1500"));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("actor").GetString() == "system" && e.GetProperty("kind").GetString() == "StageChanged"
            && e.GetProperty("subject").GetString() == "won");
        Assert.Single(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "DocumentAttached" && e.GetProperty("subject").GetString() == documentId.ToString());
        Assert.Single(won.GetProperty("documents").EnumerateArray(), d => d.GetProperty("kind").GetString() == "invoice");

        // The rest is paid and the course held: the order completes with nothing taken from stock.
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { paymentId = "hp-rest", amount = 3300 }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/contract", new { contractNumber = "HP-2026-77", paymentTerms = "50 % advance" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsync($"/api/orders/{orderId}/execution", null), HttpStatusCode.OK);
        var rendered = await Expect(await keeper.PostAsync($"/api/orders/{orderId}/shipments", null), HttpStatusCode.OK);
        Assert.Equal("Completed", rendered.GetProperty("status").GetString());
        Assert.Empty(rendered.GetProperty("replenishments").EnumerateArray());
        var stock = await Expect(await keeper.GetAsync($"/api/stock/{sku}"), HttpStatusCode.OK);
        Assert.Equal((0m, 0m, 0), (stock.GetProperty("onHand").GetDecimal(), stock.GetProperty("reserved").GetDecimal(), stock.GetProperty("warehouses").GetArrayLength()));
    }
}
