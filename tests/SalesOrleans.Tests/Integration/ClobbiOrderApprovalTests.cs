using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Orders;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Clobbi.CRM's sales order ("Заказ сбыта") end to end through the HTTP API, no SQL: an order-driven deal hands over
/// its lines at "contract approved"; the order goes on its approval route (head of sales, then the commercial director
/// for a large or deferred order), is rejected with a reason, revised and resubmitted, approved by both, executed past
/// its gates (contract number and payment terms, production of the made-to-order line), shipped, paid in parts and
/// completed — which wins the deal.
/// </summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class ClobbiOrderApprovalTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static List<(string Id, string Status, string? DecidedBy, string? Reason)> Steps(JsonElement order, int round) =>
        order.GetProperty("approval")[round - 1].GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("id").GetString()!, s.GetProperty("status").GetString()!,
                s.GetProperty("decidedBy").ValueKind == JsonValueKind.String ? s.GetProperty("decidedBy").GetString() : null,
                s.GetProperty("reason").ValueKind == JsonValueKind.String ? s.GetProperty("reason").GetString() : null))
            .ToList();

    [Fact]
    public async Task A_sales_order_goes_through_a_two_step_route_is_rejected_revised_resubmitted_approved_executed_paid_in_parts_and_completed()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var manager = await Node.ClientAsync("a.ivanova");
        var colleague = await Node.ClientAsync("d.orlov");
        var head = await Node.ClientAsync("o.smirnova");
        var director = await Node.ClientAsync("admin");
        var suffix = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var machine = $"CNC-{suffix}";
        var tooling = $"TOOL-{suffix}";
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = machine, name = "Станок ЧПУ «Клобби-500»", unit = "шт", price = 4200, kind = "Manufactured", leadTimeDays = 20 }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = tooling, name = "Werkzeugsatz für Fräsmaschinen", unit = "Satz", price = 350, kind = "Stocked" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{machine}/receipts", new { warehouse = "main", quantity = 1, batch = $"CNC-{suffix}-1" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{tooling}/receipts", new { warehouse = "main", quantity = 10, batch = $"WZ-{suffix}" }), HttpStatusCode.Created);

        // The sales order is registered with its customer, responsible and lines (on the deal, typed once).
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new
        {
            processKind = "order-driven",
            title = "Станки для ООО «Зелёный Вал»",
            company = "ООО «Зелёный Вал»",
            lines = new object[] { new { sku = machine, name = "Станок ЧПУ «Клобби-500»", quantity = 3, price = 4200 }, new { sku = tooling, name = "Werkzeugsatz", quantity = 4, price = 350 } },
        }), HttpStatusCode.Created);
        var dealId = deal.GetProperty("id").GetGuid();
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/parameters", new Dictionary<string, string> { ["need"] = "3 станка к марту" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "client-card", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/parameters", new Dictionary<string, string> { ["erpClientCode"] = $"ZV-{suffix}" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "proposal", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Attach(manager, dealId, "proposal");
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "negotiation", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/parameters", new Dictionary<string, string> { ["paymentTerms"] = "deferred" }), HttpStatusCode.OK);
        var contractApproval = await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "contract-approval", cancelOpenTasks = true }), HttpStatusCode.OK);
        foreach (var task in contractApproval.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("stage").GetString() == "contract-approval"))
        {
            await Expect(await head.PostAsJsonAsync($"/api/deals/{dealId}/tasks/{task.GetProperty("id").GetString()}/complete", new { result = "approved" }), HttpStatusCode.OK);
        }

        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "contract-approved", cancelOpenTasks = true }), HttpStatusCode.OK);

        // The order is put on its route at once: 14,000 EUR on deferred terms needs the head of sales, then the director.
        var orderId = DealOrderBridge.OrderIdFor(dealId);
        var url = $"/api/orders/{orderId}";
        var order = await Expect(await manager.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(("OnApproval", 14_000m, "deferred"), (order.GetProperty("status").GetString(), Dec(order, "total"), order.GetProperty("paymentTerms").GetString()));
        Assert.Equal([("sales-head", "Pending", null, null), ("commercial-director", "Waiting", null, null)], Steps(order, 1));
        Assert.Equal("o.smirnova", order.GetProperty("approval")[0].GetProperty("steps")[0].GetProperty("assignee").GetString());
        var asked = await WaitFor(head, "/api/notifications?unread=true", n => n.EnumerateArray().Any(i => i.GetProperty("sourceId").GetGuid() == orderId));
        Assert.Equal($"/orders.html?id={orderId}", asked.EnumerateArray().First(i => i.GetProperty("sourceId").GetGuid() == orderId).GetProperty("link").GetString());

        // Only approvers decide: the responsible and a colleague manager have no approval right; the director's step waits its turn.
        await Expect(await manager.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.Forbidden);
        await Expect(await colleague.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.Forbidden);
        var early = await Expect(await director.PostAsJsonAsync($"{url}/approve", new { step = "commercial-director" }), HttpStatusCode.Conflict);
        Assert.Contains("commercial-director", early.GetProperty("detail").GetString());

        var first = await Expect(await head.PostAsJsonAsync($"{url}/approve", new { comment = "Скидка в пределах нормы" }), HttpStatusCode.OK);
        Assert.Equal([("sales-head", "Approved", "o.smirnova", "Скидка в пределах нормы"), ("commercial-director", "Pending", null, null)], Steps(first, 1));
        var twice = await Expect(await head.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.Forbidden);
        Assert.Contains("already approved", twice.GetProperty("detail").GetString());

        // The director rejects with a reason: the order goes back to its responsible for revision.
        var noReason = await Expect(await director.PostAsJsonAsync($"{url}/reject", new { reason = " " }), HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var rejected = await Expect(await director.PostAsJsonAsync($"{url}/reject", new { reason = "Отсрочка без гарантии банка не согласуется: нужна предоплата 30 %" }), HttpStatusCode.OK);
        Assert.Equal(("Revision", "Rejected"), (rejected.GetProperty("status").GetString(), rejected.GetProperty("approval")[0].GetProperty("outcome").GetString()));
        Assert.Equal(("commercial-director", "Rejected", "admin", "Отсрочка без гарантии банка не согласуется: нужна предоплата 30 %"), Steps(rejected, 1)[1]);
        Assert.Equal(["revise", "resubmit", "cancel"], rejected.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        await WaitFor(manager, "/api/notifications?unread=true", n => n.EnumerateArray().Any(i => i.GetProperty("sourceId").GetGuid() == orderId
            && i.GetProperty("text").GetString()!.Contains("нужна предоплата 30 %")));
        await Expect(await head.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.Conflict);

        // Revision: new terms and a lower price for the tooling; bad input names its field and changes nothing.
        var badLine = await Expect(await manager.PostAsJsonAsync($"{url}/revise", new { lines = new[] { new { line = 7, quantity = 1 } } }), HttpStatusCode.BadRequest);
        Assert.True(badLine.GetProperty("errors").TryGetProperty("lines[0].line", out _));
        await Expect(await colleague.PostAsJsonAsync($"{url}/revise", new { paymentTerms = "prepayment" }), HttpStatusCode.Forbidden);
        var revised = await Expect(await manager.PostAsJsonAsync($"{url}/revise", new
        {
            lines = new[] { new { line = 2, price = 330m } },
            paymentTerms = "30 % Vorkasse, Rest vor Versand",
        }), HttpStatusCode.OK);
        Assert.Equal((13_920m, "30 % Vorkasse, Rest vor Versand"), (Dec(revised, "total"), revised.GetProperty("paymentTerms").GetString()));

        // Resubmitted: round 2, both approve (four-eyes: two people, neither the responsible).
        var resubmitted = await Expect(await manager.PostAsync($"{url}/resubmit", null), HttpStatusCode.OK);
        Assert.Equal(("OnApproval", 2), (resubmitted.GetProperty("status").GetString(), resubmitted.GetProperty("approval").GetArrayLength()));
        await Expect(await manager.PostAsync($"{url}/resubmit", null), HttpStatusCode.Conflict);
        await Expect(await head.PostAsJsonAsync($"{url}/approve", new { }), HttpStatusCode.OK);
        var approved = await Expect(await director.PostAsJsonAsync($"{url}/approve", new { comment = "Freigegeben" }), HttpStatusCode.OK);
        Assert.Equal([("sales-head", "Approved", "o.smirnova", null), ("commercial-director", "Approved", "admin", "Freigegeben")], Steps(approved, 2));
        Assert.Equal("Approved", approved.GetProperty("approval")[1].GetProperty("outcome").GetString());
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        // One machine from stock, two made to order; the tooling from stock.
        Assert.Equal([(1m, 2m), (4m, 0m)], approved.GetProperty("lines").EnumerateArray().Select(l => (Dec(l, "fromStock"), Dec(l, "toProduce"))));

        // Execution's gate: the contract number is entered once the contract card is back.
        var gate = await Expect(await manager.PostAsync($"{url}/execution", null), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["contract number"], gate.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        await Attach(manager, dealId, "contract");
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/parameters", new Dictionary<string, string> { ["contractNumber"] = $"ЗВ-2026-{suffix}" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"{url}/contract", new { contractNumber = $"ЗВ-2026-{suffix}" }), HttpStatusCode.OK);
        var invoice = await Expect(await manager.PostAsJsonAsync($"{url}/invoices", new { amount = 4176m, dueDate = new DateOnly(2026, 12, 20) }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"{url}/payments", new { paymentId = $"zv-advance-{suffix}", amount = 4176m, invoice = invoice.GetProperty("invoices")[0].GetProperty("number").GetString() }), HttpStatusCode.OK);
        await Expect(await manager.PostAsync($"{url}/execution", null), HttpStatusCode.OK);
        await WaitFor(manager, $"/api/deals/{dealId}", d => d.GetProperty("stage").GetString() == "in-execution");

        // Production makes the two machines; the warehouse ships everything under one waybill.
        var production = approved.GetProperty("replenishments").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "Production").GetProperty("id").GetString();
        await Expect(await keeper.PostAsync($"{url}/shipments", null), HttpStatusCode.OK);
        await Expect(await keeper.PostAsync($"{url}/replenishments/{production}/start", null), HttpStatusCode.OK);
        await Expect(await keeper.PostAsJsonAsync($"{url}/replenishments/{production}/receipt", new { batch = $"CNC-{suffix}-2" }), HttpStatusCode.OK);
        var shipped = await Expect(await keeper.PostAsync($"{url}/shipments", null), HttpStatusCode.OK);
        Assert.Equal(("Shipped", 9744m), (shipped.GetProperty("status").GetString(), Dec(shipped, "balanceDue")));

        // Paid in parts: the balance in two payments; the last one completes the order, and the order wins the deal.
        await Expect(await manager.PostAsJsonAsync($"{url}/invoices", new { dueDate = new DateOnly(2027, 1, 15) }), HttpStatusCode.OK);
        var part = await Expect(await manager.PostAsJsonAsync($"{url}/payments", new { paymentId = $"zv-2-{suffix}", amount = 5000m }), HttpStatusCode.OK);
        Assert.Equal(("Shipped", 4744m), (part.GetProperty("status").GetString(), Dec(part, "balanceDue")));
        var completed = await Expect(await manager.PostAsJsonAsync($"{url}/payments", new { paymentId = $"zv-3-{suffix}", amount = 4744m }), HttpStatusCode.OK);
        Assert.Equal(("Completed", 0m), (completed.GetProperty("status").GetString(), Dec(completed, "balanceDue")));
        var won = await WaitFor(manager, $"/api/deals/{dealId}", d => d.GetProperty("status").GetString() == "Won");
        Assert.Equal("completed", won.GetProperty("stage").GetString());

        // Every step is in the order's journal: both rounds, the rejection with its reason, the revision.
        var journal = await WaitFor(manager, $"{url}/journal", j => j.EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "Completed"));
        var kinds = journal.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(2, kinds.Count(k => k == "Submitted"));
        Assert.Equal(3, kinds.Count(k => k == "StepApproved"));
        Assert.Equal(4, kinds.Count(k => k == "ApprovalRequested"));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "Rejected" && e.GetProperty("actor").GetString() == "admin"
            && e.GetProperty("text").GetString()!.Contains("нужна предоплата 30 %"));
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "Revised" && e.GetProperty("text").GetString()!.Contains("line 2"));
        Assert.Equal(3, kinds.Count(k => k == "Paid"));
    }
}
