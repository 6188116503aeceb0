using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// 1C:ERP CRM's claim scenario through the HTTP API, no SQL: a customer company and its contact are records, a deal
/// and its order point at them, the order ships, the customer claims a damaged chamber, the claim is escalated and
/// handed on, resolved by replacement, and shows in the company's dossier and in the claims analytics.
/// </summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class ClaimScenarioTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static string NewCode() => $"C-{Guid.NewGuid():N}"[..14].ToUpperInvariant();

    private async Task<(Guid Company, string Name, Guid Contact)> CompanyWithContact(HttpClient manager)
    {
        var name = $"ООО «Климат-Сервис {Guid.NewGuid().ToString("N")[..6]}»";
        var company = await Expect(await manager.PostAsJsonAsync("/api/companies", new { name }), HttpStatusCode.Created);
        var companyId = company.GetProperty("id").GetGuid();
        var phone = $"+7 495 {Random.Shared.Next(100, 999)}-{Random.Shared.Next(10, 99)}-{Random.Shared.Next(10, 99)}";
        var contact = await Expect(await manager.PostAsJsonAsync($"/api/companies/{companyId}/contacts",
            new { name = "Ирина Волкова", phone, email = $"i.volkova.{Guid.NewGuid():N}@klimat-service.ru", position = "Главный инженер" }), HttpStatusCode.Created);
        Assert.Equal(companyId, contact.GetProperty("companyId").GetGuid());
        return (companyId, name, contact.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_claim_on_a_shipped_order_is_escalated_handed_on_resolved_by_replacement_and_rolled_up_on_the_company()
    {
        var manager = await Node.ClientAsync("i.petrov");
        var supervisor = await Node.ClientAsync("s.volkov");
        var keeper = await Node.ClientAsync("w.lager");
        var (companyId, companyName, contactId) = await CompanyWithContact(manager);

        // The deal points at the company and contact records; the name is the record's.
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new
        {
            processKind = "industrial-equipment", title = "Климатическая камера КТК-800", company = "typed differently", companyId, contactId, amount = 24_000,
            currency = "EUR",
        }), HttpStatusCode.Created);
        var dealId = deal.GetProperty("id").GetGuid();
        Assert.Equal((companyId, contactId, companyName, "Ирина Волкова"), (deal.GetProperty("companyId").GetGuid(), deal.GetProperty("contactId").GetGuid(),
            deal.GetProperty("company").GetString(), deal.GetProperty("contact").GetString()));

        // Its order ships two chambers.
        var warehouse = NewCode().ToLowerInvariant();
        var sku = NewCode();
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = warehouse, name = "Склад Подольск" }), HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Климатическая камера КТК-800", unit = "pcs", price = 12_000, kind = "Stocked" }),
            HttpStatusCode.Created);
        await Expect(await keeper.PostAsJsonAsync($"/api/stock/{sku}/receipts", new { warehouse, quantity = 5, batch = "KTK-2026-11" }), HttpStatusCode.Created);
        var order = await Expect(await manager.PostAsJsonAsync("/api/orders", new { customer = companyName, warehouse, dealId, lines = new object[] { new { sku, quantity = 2 } } }),
            HttpStatusCode.Created);
        var orderId = order.GetProperty("id").GetGuid();

        // A claim on an order that has shipped nothing is refused, naming the field, and nothing is made.
        var early = await Expect(await manager.PostAsJsonAsync("/api/claims", new { orderId, reason = "damage", items = new[] { new { sku, quantity = 1 } } }),
            HttpStatusCode.BadRequest);
        Assert.Equal("orderId", ErrorField(early));

        // The industrial process approves its orders without an approval phase: submitted is approved.
        var submitted = await Expect(await manager.PostAsync($"/api/orders/{orderId}/submit", null), HttpStatusCode.OK);
        Assert.Equal("Approved", submitted.GetProperty("status").GetString());
        await Expect(await manager.PostAsJsonAsync($"/api/orders/{orderId}/contract", new { contractNumber = "Д-2026-311", paymentTerms = "100% предоплата" }), HttpStatusCode.OK);
        await Expect(await manager.PostAsync($"/api/orders/{orderId}/execution", null), HttpStatusCode.OK);
        var shipped = await Expect(await keeper.PostAsync($"/api/orders/{orderId}/shipments", null), HttpStatusCode.OK);
        Assert.Equal("Shipped", shipped.GetProperty("status").GetString());

        // Bad input: an unknown reason, more than was shipped.
        Assert.Equal("reason", ErrorField(await Expect(await manager.PostAsJsonAsync("/api/claims", new { orderId, reason = "angry" }), HttpStatusCode.BadRequest)));
        Assert.Equal("items[0].quantity", ErrorField(await Expect(await manager.PostAsJsonAsync("/api/claims",
            new { orderId, reason = "damage", items = new[] { new { sku, quantity = 3 } } }), HttpStatusCode.BadRequest)));

        var claim = await Expect(await manager.PostAsJsonAsync("/api/claims", new
        {
            orderId, reason = "damage", description = "Вмятина на корпусе, повреждён уплотнитель двери", items = new[] { new { sku, quantity = 1 } },
            deadlineHours = 16,
        }), HttpStatusCode.Created);
        var claimId = claim.GetProperty("id").GetGuid();
        Assert.Equal((companyId, dealId, "i.petrov", "Open"), (claim.GetProperty("companyId").GetGuid(), claim.GetProperty("dealId").GetGuid(),
            claim.GetProperty("responsible").GetString(), claim.GetProperty("status").GetString()));
        Assert.True(claim.GetProperty("deadline").GetDateTimeOffset() > claim.GetProperty("createdAt").GetDateTimeOffset());

        // Another department's manager neither sees it nor works it.
        var outsider = await Node.ClientAsync("k.weber");
        await Expect(await outsider.GetAsync($"/api/claims/{claimId}"), HttpStatusCode.NotFound);
        await Expect(await outsider.PostAsJsonAsync($"/api/claims/{claimId}/resolve", new { resolution = "refund" }), HttpStatusCode.NotFound);

        // Escalated to the head of the department, who hands it to a colleague; she resolves it by replacement.
        var escalated = await Expect(await manager.PostAsJsonAsync($"/api/claims/{claimId}/escalate", new { comment = "Клиент требует замену до конца недели" }),
            HttpStatusCode.OK);
        Assert.Equal("s.volkov", escalated.GetProperty("escalatedTo").GetString());
        await Expect(await supervisor.PostAsJsonAsync($"/api/claims/{claimId}/assign", new { responsible = "m.sokolova", comment = "Займитесь заменой" }), HttpStatusCode.OK);
        var colleague = await Node.ClientAsync("m.sokolova");
        Assert.Equal("resolution", ErrorField(await Expect(await colleague.PostAsJsonAsync($"/api/claims/{claimId}/resolve", new { resolution = "swap" }),
            HttpStatusCode.BadRequest)));
        var resolved = await Expect(await colleague.PostAsJsonAsync($"/api/claims/{claimId}/resolve",
            new { resolution = "replacement", cost = 1_250.40, comment = "Камера заменена, акт подписан" }), HttpStatusCode.OK);
        Assert.Equal(("Resolved", "replacement", 1_250.40m), (resolved.GetProperty("status").GetString(), resolved.GetProperty("resolution").GetString(),
            resolved.GetProperty("cost").GetDecimal()));
        Assert.Equal(["Opened", "Escalated", "Assigned", "Resolved"], resolved.GetProperty("journal").EnumerateArray().Select(a => a.GetProperty("kind").GetString()));
        await Expect(await colleague.PostAsJsonAsync($"/api/claims/{claimId}/escalate", new { }), HttpStatusCode.Conflict);

        // The company's dossier rolls up the deal, the order, the claim and the contact.
        var dossier = await Expect(await manager.GetAsync($"/api/companies/{companyId}/dossier"), HttpStatusCode.OK);
        Assert.Equal(companyName, dossier.GetProperty("name").GetString());
        Assert.Contains(dossier.GetProperty("deals").EnumerateArray(), d => d.GetProperty("id").GetGuid() == dealId && d.GetProperty("linked").GetBoolean());
        Assert.Contains(dossier.GetProperty("orders").EnumerateArray(), o => o.GetProperty("id").GetGuid() == orderId);
        Assert.Contains(dossier.GetProperty("contacts").EnumerateArray(), c => c.GetProperty("id").GetGuid() == contactId);
        var rolled = Assert.Single(dossier.GetProperty("claims").EnumerateArray());
        Assert.Equal((claimId, "replacement"), (rolled.GetProperty("id").GetGuid(), rolled.GetProperty("resolution").GetString()));
        Assert.Equal("new", dossier.GetProperty("loyalty").GetString());

        // The claims list and the analytics (count, cost, time to resolve by reason, product and manager).
        var list = await Expect(await supervisor.GetAsync($"/api/claims?companyId={companyId}&status=Resolved"), HttpStatusCode.OK);
        Assert.Equal(claimId, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
        var analytics = await Expect(await supervisor.GetAsync("/api/analytics/claims"), HttpStatusCode.OK);
        var byProduct = analytics.EnumerateArray().Single(r => r.GetProperty("dimension").GetString() == "product" && r.GetProperty("key").GetString() == sku);
        Assert.Equal((1L, 0L, 1_250.40m), (byProduct.GetProperty("claims").GetInt64(), byProduct.GetProperty("open").GetInt64(), byProduct.GetProperty("cost").GetDecimal()));
        Assert.True(byProduct.GetProperty("averageHoursToResolve").GetDouble() >= 0);
        Assert.Contains(analytics.EnumerateArray(), r => r.GetProperty("dimension").GetString() == "reason" && r.GetProperty("key").GetString() == "damage");
        Assert.Contains(analytics.EnumerateArray(), r => r.GetProperty("dimension").GetString() == "manager" && r.GetProperty("key").GetString() == "i.petrov");
    }

    [Fact]
    public async Task An_old_deal_with_a_typed_company_is_linked_later_and_the_loyalty_segment_exports_the_companys_contacts()
    {
        var manager = await Node.ClientAsync("i.petrov");
        var (companyId, companyName, contactId) = await CompanyWithContact(manager);
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new { processKind = "industrial-equipment", title = "Сервисный договор", company = "Klimat Service", amount = 3_000 }),
            HttpStatusCode.Created);
        var dealId = deal.GetProperty("id").GetGuid();
        Assert.Equal(JsonValueKind.Null, deal.GetProperty("companyId").ValueKind);

        Assert.Equal("companyId", ErrorField(await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/company", new { companyId = Guid.NewGuid() }), HttpStatusCode.BadRequest)));
        var linked = await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/company", new { companyId, contactId }), HttpStatusCode.OK);
        Assert.Equal((companyId, companyName), (linked.GetProperty("companyId").GetGuid(), linked.GetProperty("company").GetString()));
        var journal = await Expect(await manager.GetAsync($"/api/deals/{dealId}/journal"), HttpStatusCode.OK);
        Assert.Contains(journal.EnumerateArray(), a => a.GetProperty("kind").GetString() == "CompanyLinked");

        var dossier = await Expect(await manager.GetAsync($"/api/companies/{companyId}/dossier"), HttpStatusCode.OK);
        Assert.Contains(dossier.GetProperty("deals").EnumerateArray(), d => d.GetProperty("id").GetGuid() == dealId);

        // Search finds the company by part of its name.
        var found = await Expect(await manager.GetAsync($"/api/companies?search={Uri.EscapeDataString(companyName[5..20])}"), HttpStatusCode.OK);
        Assert.Contains(found.EnumerateArray(), c => c.GetProperty("id").GetGuid() == companyId);

        // Marketing exports the "new" customers' contacts (no purchase yet); a status that does not exist is refused.
        var marketer = await Node.ClientAsync("n.marketing");
        var csv = await (await marketer.GetAsync("/api/exports/contacts?list=phone&loyalty=new")).Content.ReadAsStringAsync();
        Assert.Contains(companyName, csv);
        Assert.DoesNotContain(companyName, await (await marketer.GetAsync("/api/exports/contacts?list=phone&loyalty=key")).Content.ReadAsStringAsync());
        Assert.Equal("loyalty", ErrorField(await Expect(await marketer.GetAsync("/api/exports/contacts?loyalty=vip"), HttpStatusCode.BadRequest)));

        // A satisfaction survey is for won deals only; the score is 1 to 5.
        Assert.Equal("score", ErrorField(await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/satisfaction", new { score = 6 }), HttpStatusCode.BadRequest)));
        Assert.Equal("dealId", ErrorField(await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/satisfaction", new { score = 4 }), HttpStatusCode.BadRequest)));
    }
}

/// <summary>The industrial survey's satisfaction call: a won deal gives its owner a call task on the contact; the survey completes it and feeds analytics.</summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class SatisfactionSurveyTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task A_won_deal_gives_its_owner_a_satisfaction_call_whose_score_reaches_the_company_and_analytics()
    {
        var admin = await Node.ClientAsync("admin");
        var kind = $"quick-sale-{Guid.NewGuid():N}"[..20];
        await Expect(await admin.PostAsJsonAsync("/api/processes", new
        {
            kind, name = "Quick sale", mode = "manual", initialStage = "offer", lostReasons = new[] { "price too high" },
            stages = new object[]
            {
                new { id = "offer", name = "Offer", probability = 0.5, transitions = new[] { new { to = "won" }, new { to = "lost" } } },
                new { id = "won", name = "Won", probability = 1.0, outcome = "won" },
                new { id = "lost", name = "Lost", probability = 0.0, outcome = "lost" },
            },
        }), HttpStatusCode.Created);

        var manager = await Node.ClientAsync("i.petrov");
        var company = await Expect(await manager.PostAsJsonAsync("/api/companies", new { name = $"Wärmetechnik Süd {Guid.NewGuid().ToString("N")[..6]}" }), HttpStatusCode.Created);
        var companyId = company.GetProperty("id").GetGuid();
        var contact = await Expect(await manager.PostAsJsonAsync($"/api/companies/{companyId}/contacts",
            new { name = "Grete Müller", email = $"g.mueller.{Guid.NewGuid():N}@waermetechnik.de" }), HttpStatusCode.Created);
        var contactId = contact.GetProperty("id").GetGuid();
        var deal = await Expect(await manager.PostAsJsonAsync("/api/deals", new { processKind = kind, title = "Wartungsvertrag", companyId, contactId, amount = 5_200 }),
            HttpStatusCode.Created);
        var dealId = deal.GetProperty("id").GetGuid();
        await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/moves", new { toStage = "won" }), HttpStatusCode.OK);

        var taskId = $"satisfaction-{dealId:N}";
        var withTask = await WaitFor(manager, $"/api/contacts/{contactId}", c => c.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("id").GetString() == taskId));
        var task = withTask.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == taskId);
        Assert.Equal(("i.petrov", "satisfaction-call", "Open"), (task.GetProperty("executor").GetString(), task.GetProperty("kind").GetString(), task.GetProperty("status").GetString()));

        var recorded = await Expect(await manager.PostAsJsonAsync($"/api/deals/{dealId}/satisfaction", new { score = 4, comment = "Schnelle Lieferung, Montage etwas spät" }),
            HttpStatusCode.OK);
        Assert.Equal(4, recorded.GetProperty("score").GetInt32());
        var done = await Expect(await manager.GetAsync($"/api/contacts/{contactId}"), HttpStatusCode.OK);
        Assert.Equal("Done", done.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == taskId).GetProperty("status").GetString());

        var dossier = await Expect(await manager.GetAsync($"/api/companies/{companyId}/dossier"), HttpStatusCode.OK);
        Assert.Equal(4.0, dossier.GetProperty("satisfactionAverage").GetDouble());
        Assert.Equal(1, dossier.GetProperty("history").GetProperty("wonDeals").GetInt32());
        var analytics = await Expect(await (await Node.ClientAsync("s.volkov")).GetAsync("/api/analytics/satisfaction"), HttpStatusCode.OK);
        Assert.Contains(analytics.EnumerateArray(), r => r.GetProperty("dimension").GetString() == "process" && r.GetProperty("key").GetString() == kind
            && r.GetProperty("averageScore").GetDouble() == 4.0);
    }
}
