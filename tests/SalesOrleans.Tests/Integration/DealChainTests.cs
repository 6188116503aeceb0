using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Orders;
using SalesOrleans.Tests.Domain.Documents;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// One chain, no retyping (issue 11), through the HTTP API only: a call from an unknown number becomes a lead, the
/// lead an industrial deal with lines, the lines a proposal and then the customer order (split stock / production /
/// supplier), and the order's receipts, shipment and payments carry the deal to won at the order's amount.
/// </summary>
[Trait("Category", "Integration")]
[Collection(LeadNodeCollection.Name)]
public class DealChainTests(LeadNodeFixture fixture)
{
    private const string IndustrialDid = "+74952233211";

    private TestNode Node => fixture.Node;

    /// <summary>Completes the open tasks of the deal's current stage, each by its executor.</summary>
    private static async Task<JsonElement> CompleteStage(Guid deal, JsonElement view, IReadOnlyDictionary<string, HttpClient> people, params string[] templates)
    {
        var stage = view.GetProperty("stage").GetString();
        foreach (var task in view.GetProperty("tasks").EnumerateArray()
                     .Where(t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("stage").GetString() == stage).ToList())
        {
            var client = people[task.GetProperty("executor").GetString()!];
            view = await Expect(await client.PostAsJsonAsync($"/api/deals/{deal}/tasks/{task.GetProperty("id").GetString()}/complete", new { result = "erledigt / сделано" }),
                HttpStatusCode.OK);
        }

        return view;
    }

    private static string Stage(JsonElement deal) => deal.GetProperty("stage").GetString()!;

    private async Task<(string Sku, string Name)[]> Catalog(HttpClient keeper, string tag)
    {
        (string Sku, string Name, string Kind, decimal Price, int Lead)[] items =
        [
            ($"KK-{tag}", "Климатическая камера KK-500", "Manufactured", 64_000, 45),
            ($"PU-{tag}", "Kreiselpumpe KP-15 für Kühlwasser", "Purchased", 3_200, 21),
            ($"OL-{tag}", "Hydrauliköl HLP 46, 20 l", "Stocked", 95, 0),
            ($"SV-{tag}", "Монтаж и пусконаладка", "Service", 4_500, 0),
        ];
        foreach (var item in items)
        {
            await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = item.Sku, name = item.Name, unit = "pcs", price = item.Price, kind = item.Kind, leadTimeDays = item.Lead }),
                HttpStatusCode.Created);
        }

        // One pump and all the oil are in stock; the chamber is made, the other pumps are bought in.
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{items[1].Sku}/receipts", new { warehouse = "main", quantity = 1, batch = $"P-{tag}" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{items[2].Sku}/receipts", new { warehouse = "main", quantity = 40, batch = $"O-{tag}" }), HttpStatusCode.Created);
        // A service is never stocked.
        var service = await Expect(await keeper.PostAsJsonAsync($"/api/stock/{items[3].Sku}/receipts", new { warehouse = "main", quantity = 12, batch = $"S-{tag}" }), HttpStatusCode.BadRequest);
        Assert.True(service.GetProperty("errors").TryGetProperty("sku", out _));
        return items.Select(i => (i.Sku, i.Name)).ToArray();
    }

    [Fact]
    public async Task The_industrial_survey_runs_from_an_unknown_callers_lead_to_a_won_deal_at_the_orders_amount()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var head = await Node.ClientAsync("s.volkov");
        var people = new Dictionary<string, HttpClient>
        {
            ["i.petrov"] = await Node.ClientAsync("i.petrov"),
            ["m.sokolova"] = await Node.ClientAsync("m.sokolova"),
            ["t.engineer"] = await Node.ClientAsync("t.engineer"),
            ["w.lager"] = keeper,
            ["s.volkov"] = head,
        };
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var skus = await Catalog(keeper, tag);

        // A call from a number nobody knows: a lead in the industrial department, assigned to a manager.
        var pbx = await Node.ClientAsync();
        pbx.DefaultRequestHeaders.Add("X-Api-Key", LeadNodeFixture.PbxKey);
        var number = $"916{Random.Shared.Next(1_000_000, 9_999_999)}";
        var callId = $"call-{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var (name, offset) in new[] { ("incoming", 0), ("answered", 3), ("hangup", 95) })
        {
            var response = await pbx.PostAsJsonAsync("/api/telephony/calls", new Dictionary<string, object?>
            {
                ["event"] = name, ["call_id"] = callId, ["caller"] = $"+7{number}", ["called"] = IndustrialDid, ["ts"] = ts + offset,
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var leads = await WaitFor(head, $"/api/leads?status=all&search={number}", l => l.GetArrayLength() == 1 && l[0].GetProperty("assignee").ValueKind == JsonValueKind.String);
        var leadId = leads[0].GetProperty("id").GetGuid();
        var owner = leads[0].GetProperty("assignee").GetString()!;
        var manager = people[owner];

        // Qualified, then converted into an industrial deal WITH the agreed lines (no 0 EUR deal, nothing typed twice).
        await Expect(await manager.PostAsJsonAsync($"/api/leads/{leadId}/qualify", new { note = "Звонок: климатическая камера для испытаний" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsJsonAsync($"/api/leads/{leadId}/convert", new
        {
            processKind = "industrial-equipment",
            title = "Климатическая камера для «Волга-Тест»",
            company = "ООО «Волга-Тест»",
            contact = "Ирина Кузнецова",
            needs = "Климатическая камера −40…+80 °C, насосы охлаждения, монтаж",
            legalDetails = "ООО «Волга-Тест», ИНН 6312000000, Самара",
            contacts = $"Ирина Кузнецова, +7{number}",
            lines = new object[]
            {
                new { sku = skus[0].Sku, quantity = 1, price = 64_000, discount = 5 },
                new { sku = skus[1].Sku, quantity = 3 },
                new { sku = skus[2].Sku.ToLowerInvariant(), quantity = 10 },
                new { sku = skus[3].Sku, quantity = 1 },
            },
        }), HttpStatusCode.OK);
        var dealId = leadId;
        var deal = await Expect(await manager.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK);
        var expected = 60_800m + 3 * 3_200 + 10 * 95 + 4_500;
        Assert.Equal(("ООО «Волга-Тест»", "Ирина Кузнецова", expected), (deal.GetProperty("company").GetString(), deal.GetProperty("contact").GetString(), deal.GetProperty("amount").GetDecimal()));
        Assert.Equal(skus.Select(s => s.Sku), deal.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("sku").GetString()));
        Assert.Equal(skus[1].Name, deal.GetProperty("lines")[1].GetProperty("name").GetString());

        // Qualification, details (filled from the lead), equipment selection.
        deal = await Set(manager, dealId, new() { ["applicationArea"] = "Prüfstand für Kfz-Elektronik" });
        deal = await CompleteStage(dealId, deal, people);
        Assert.Equal("deal-details", Stage(deal));
        deal = await CompleteStage(dealId, deal, people);
        Assert.Equal("equipment-selection", Stage(deal));
        deal = await Set(manager, dealId, new() { ["equipmentType"] = "climatic", ["fulfilment"] = "mixed" });
        deal = await CompleteStage(dealId, deal, people);
        Assert.Equal("proposal", Stage(deal));

        // The proposal PDF carries the deal's lines.
        var proposal = await manager.PostAsync($"/api/deals/{dealId}/proposal", null);
        Assert.Equal(HttpStatusCode.Created, proposal.StatusCode);
        var pdf = PdfText.Of(await manager.GetByteArrayAsync(proposal.Headers.Location));
        Assert.All(skus, s => Assert.Contains(s.Sku, pdf.Text));
        Assert.Contains("60,800.00", pdf.Text);

        // Contract: its number and payment terms typed once, on the deal.
        await Attach(manager, dealId, "contract");
        await Set(manager, dealId, new() { ["contractNumber"] = $"ВТ-2026/{tag}", ["paymentTerms"] = "30 % Anzahlung, Rest vor Versand" });
        deal = await Expect(await manager.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK);
        deal = await CompleteStage(dealId, deal, people);
        Assert.Equal("order", Stage(deal));

        // The order is made from the deal's lines, with the deal's contract; lines are the order's from now on.
        var orderId = DealOrderBridge.OrderIdFor(dealId);
        // The industrial process's route is "invoice and contract without an approval phase": no step, approved at once.
        var order = await WaitFor(head, $"/api/orders/{orderId}", o => o.GetProperty("status").GetString() == "Approved");
        Assert.Empty(order.GetProperty("approval").EnumerateArray());
        Assert.Equal(($"ВТ-2026/{tag}", "30 % Anzahlung, Rest vor Versand", expected), (order.GetProperty("contractNumber").GetString(),
            order.GetProperty("paymentTerms").GetString(), order.GetProperty("total").GetDecimal()));
        Assert.Equal(60_800m, order.GetProperty("lines")[0].GetProperty("price").GetDecimal());
        await Expect(await manager.PutAsJsonAsync($"/api/deals/{dealId}/lines", new { lines = new[] { new { sku = skus[2].Sku, quantity = 1 } } }), HttpStatusCode.Conflict);

        // Approved: stock first, the chamber to production, the missing pumps to a supplier, the service neither.
        var lines = order.GetProperty("lines");
        Assert.Equal((0m, 1m, 0m), (lines[0].GetProperty("fromStock").GetDecimal(), lines[0].GetProperty("toProduce").GetDecimal(), lines[0].GetProperty("toPurchase").GetDecimal()));
        Assert.Equal((1m, 0m, 2m), (lines[1].GetProperty("fromStock").GetDecimal(), lines[1].GetProperty("toProduce").GetDecimal(), lines[1].GetProperty("toPurchase").GetDecimal()));
        Assert.Equal((10m, 0m, 0m), (lines[2].GetProperty("fromStock").GetDecimal(), lines[2].GetProperty("toProduce").GetDecimal(), lines[2].GetProperty("toPurchase").GetDecimal()));
        Assert.Equal((0m, 0m, 0m, "Service"), (lines[3].GetProperty("fromStock").GetDecimal(), lines[3].GetProperty("toProduce").GetDecimal(),
            lines[3].GetProperty("toPurchase").GetDecimal(), lines[3].GetProperty("kind").GetString()));
        var production = order.GetProperty("replenishments").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "Production").GetProperty("id").GetString()!;
        var purchase = order.GetProperty("replenishments").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "Supplier").GetProperty("id").GetString()!;

        // Invoice and advance on the order: the invoice PDF and the amount paid reach the deal, which moves to production.
        order = await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/invoices", new { amount = 22_755 }), HttpStatusCode.OK);
        var invoice = order.GetProperty("invoices")[0].GetProperty("number").GetString();
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { paymentId = $"adv-{tag}", amount = 22_755, invoice }), HttpStatusCode.OK);
        deal = await WaitFor(manager, $"/api/deals/{dealId}", d => d.GetProperty("parameters").TryGetProperty("paymentReceived", out _)
            && d.GetProperty("documents").EnumerateArray().Any(x => x.GetProperty("kind").GetString() == "invoice"));
        deal = await CompleteStage(dealId, deal, people);
        Assert.Equal("production", Stage(deal));

        // Production reports its readiness; the deal shows it.
        await Expect(await keeper.PostAsync($"/api/orders/{orderId}/replenishments/{production}/start", null), HttpStatusCode.OK);
        await Expect(await keeper.PostAsJsonAsync($"/api/orders/{orderId}/replenishments/{production}/progress", new { percent = 60 }), HttpStatusCode.OK);
        deal = await WaitFor(manager, $"/api/deals/{dealId}", d => d.GetProperty("order").ValueKind == JsonValueKind.Object
            && d.GetProperty("order").GetProperty("productionPercent").ValueKind == JsonValueKind.Number && d.GetProperty("order").GetProperty("productionPercent").GetInt32() == 60);
        Assert.Equal(0m, deal.GetProperty("order").GetProperty("difference").GetDecimal());

        // Receipts from production and the supplier, execution under the deal's contract, one shipment.
        await Expect(await keeper.PostAsJsonAsync($"/api/orders/{orderId}/replenishments/{production}/receipt", new { batch = $"KK-{tag}-1" }), HttpStatusCode.OK);
        await Expect(await keeper.PostAsJsonAsync($"/api/orders/{orderId}/replenishments/{purchase}/receipt", new { batch = $"PU-{tag}-2" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsync($"/api/orders/{orderId}/execution", null), HttpStatusCode.OK);
        deal = await CompleteStage(dealId, await Expect(await manager.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK), people);
        Assert.Equal("shipment", Stage(deal));
        order = await Expect(await keeper.PostAsync($"/api/orders/{orderId}/shipments", null), HttpStatusCode.OK);
        order = await WaitFor(head, $"/api/orders/{orderId}", o => o.GetProperty("status").GetString() == "Shipped");
        deal = await WaitFor(manager, $"/api/deals/{dealId}", d => d.GetProperty("documents").EnumerateArray().Any(x => x.GetProperty("kind").GetString() == "waybill"));
        deal = await CompleteStage(dealId, deal, people);

        // Certification (a climatic chamber) is a sub-process: a certification deal of its own for the same customer,
        // worked by the engineer; once it is won the industrial deal moves on to installation by itself.
        Assert.Equal("certification", Stage(deal));
        var certificationId = Assert.Single(deal.GetProperty("subProcesses").EnumerateArray()).GetProperty("dealId").GetGuid();
        var certification = await WaitFor(manager, $"/api/deals/{certificationId}", c => c.GetProperty("stage").GetString() == "application");
        Assert.Equal((dealId, deal.GetProperty("company").GetString()), (certification.GetProperty("parent").GetProperty("dealId").GetGuid(), certification.GetProperty("company").GetString()));
        certification = await CompleteStage(certificationId, certification, people);
        Assert.Equal("testing", Stage(certification));
        await Attach(manager, certificationId, "certificate");
        await CompleteStage(certificationId, await Expect(await manager.GetAsync($"/api/deals/{certificationId}"), HttpStatusCode.OK), people);
        deal = await WaitFor(manager, $"/api/deals/{dealId}", d => Stage(d) == "installation");
        await Attach(manager, dealId, "commissioning-report");
        deal = await CompleteStage(dealId, await Expect(await manager.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK), people);
        Assert.Equal("service-offer", Stage(deal));
        await Set(manager, dealId, new() { ["serviceAccepted"] = "no" });
        deal = await CompleteStage(dealId, await Expect(await manager.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK), people);
        Assert.Equal("closing", Stage(deal));

        // The rest is paid: the order completes; the closing documents win the deal at the order's amount.
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { paymentId = $"rest-{tag}", amount = expected - 22_755 }), HttpStatusCode.OK);
        await WaitFor(head, $"/api/orders/{orderId}", o => o.GetProperty("status").GetString() == "Completed");
        await Attach(manager, dealId, "closing-documents");
        deal = await CompleteStage(dealId, await Expect(await manager.GetAsync($"/api/deals/{dealId}"), HttpStatusCode.OK), people);
        var won = await WaitFor(manager, $"/api/deals/{dealId}", d => d.GetProperty("status").GetString() == "Won");
        Assert.Equal(expected, won.GetProperty("amount").GetDecimal());
        Assert.Equal(expected, won.GetProperty("order").GetProperty("orderTotal").GetDecimal());
        Assert.Equal(0m, won.GetProperty("order").GetProperty("difference").GetDecimal());
    }

    [Fact]
    public async Task A_deal_reaching_its_order_stage_without_lines_is_blocked_until_lines_are_added_then_gets_its_order()
    {
        var manager = await Node.ClientAsync("i.petrov");
        var head = await Node.ClientAsync("s.volkov");
        var keeper = await Node.ClientAsync("w.lager");
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = $"LZ-{tag}", name = "ERP-Lizenz", unit = "pcs", price = 500, kind = "Stocked" }), HttpStatusCode.Created);
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new { processKind = "order-driven", title = "ERP für Jäger & Söhne", company = "Jäger & Söhne KG", amount = 12_400 }),
            HttpStatusCode.Created);
        var id = deal.GetProperty("id").GetGuid();
        await Set(manager, id, new() { ["need"] = "ERP" });
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Set(manager, id, new() { ["erpClientCode"] = $"JS-{tag}" });
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "proposal", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Attach(manager, id, "proposal");
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "negotiation", cancelOpenTasks = true }), HttpStatusCode.OK);
        await Set(manager, id, new() { ["paymentTerms"] = "deferred" });
        var approval = await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "contract-approval", cancelOpenTasks = true }), HttpStatusCode.OK);
        await CompleteStage(id, approval, new Dictionary<string, HttpClient> { ["i.petrov"] = manager, ["s.volkov"] = head });
        deal = await Expect(await manager.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "contract-approved", cancelOpenTasks = true }), HttpStatusCode.OK);

        // No lines: no order; the deal says why, is blocked, and the owner and the head each have a task.
        Assert.Contains("no lines", deal.GetProperty("order").GetProperty("orderProblem").GetString());
        Assert.Contains(deal.GetProperty("missingToLeave").EnumerateArray(), m => m.GetString()!.Contains("no lines"));
        var fix = deal.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("title").GetString()!.StartsWith("Fix the deal")).ToList();
        Assert.Equal(["i.petrov", "s.volkov"], fix.Select(t => t.GetProperty("executor").GetString()).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/orders/{DealOrderBridge.OrderIdFor(id)}")).StatusCode);

        // Bad lines are refused naming the field, changing nothing.
        var bad = await Expect(await manager.PutAsJsonAsync($"/api/deals/{id}/lines", new { lines = new[] { new { sku = "NO-SUCH-SKU", quantity = 1 } } }), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("lines[0].sku", out _));

        // Lines added: the order is made from them, the problem clears, the amount follows the order.
        await Expect(await manager.PutAsJsonAsync($"/api/deals/{id}/lines", new { lines = new[] { new { sku = $"LZ-{tag}", quantity = 24, price = 500, discount = 0 } } }), HttpStatusCode.OK);
        var order = await WaitFor(head, $"/api/orders/{DealOrderBridge.OrderIdFor(id)}", o => o.GetProperty("status").GetString() == "OnApproval");
        Assert.Equal(("deferred", 12_000m), (order.GetProperty("paymentTerms").GetString(), order.GetProperty("total").GetDecimal()));
        var fixedDeal = await WaitFor(manager, $"/api/deals/{id}", d => d.GetProperty("order").GetProperty("orderProblem").ValueKind == JsonValueKind.Null
            && d.GetProperty("order").GetProperty("orderId").ValueKind == JsonValueKind.String);
        Assert.Equal(12_000m, fixedDeal.GetProperty("amount").GetDecimal());
        Assert.DoesNotContain(fixedDeal.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("title").GetString()!.StartsWith("Fix the deal"));
    }
}
