using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SalesOrleans.Tests.Support.ApiSteps;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// Issue 14, process integrity, through the API as the people it binds: each finding as it was reported, on the
/// shipped processes and the demo people (training: k.weber, l.braun, head e.keller; industrial: i.petrov, head
/// s.volkov, t.engineer, w.lager; projects: a.ivanova, head o.smirnova).
/// </summary>
[Trait("Category", "Integration")]
[Collection(NodeCollection.Name)]
public class DealIntegrityApiTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    private static async Task<JsonElement> Create(HttpClient client, string process, string title, string company, object? lines = null) =>
        await Expect(await client.PostAsJsonAsync("/api/deals", new { processKind = process, title, company, amount = 4800, lines }), HttpStatusCode.Created);

    private static Task<HttpResponseMessage> Set(HttpClient client, Guid id, Dictionary<string, string> values) =>
        client.PostAsJsonAsync($"/api/deals/{id}/parameters", values);

    private static Task<HttpResponseMessage> Move(HttpClient client, Guid id, string toStage, string? lostReason = null, bool? cancelOpenTasks = null) =>
        client.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage, lostReason, cancelOpenTasks });

    private static Task<HttpResponseMessage> Complete(HttpClient client, Guid id, string taskId, string result = "done") =>
        client.PostAsJsonAsync($"/api/deals/{id}/tasks/{taskId}/complete", new { result });

    private static string OpenTask(JsonElement deal, string titlePart) =>
        deal.GetProperty("tasks").EnumerateArray()
            .Single(t => t.GetProperty("status").GetString() == "Open" && t.GetProperty("title").GetString()!.Contains(titlePart, StringComparison.Ordinal))
            .GetProperty("id").GetString()!;

    private async Task<JsonElement> Get(Guid id) => await Expect(await (await Node.ClientAsync("admin")).GetAsync($"/api/deals/{id}"), HttpStatusCode.OK);

    /// <summary>A k.weber training deal in "client card and terms agreed with management".</summary>
    private async Task<(HttpClient Owner, Guid Id, JsonElement Deal)> TrainingAtClientCard(string company)
    {
        var owner = await Node.ClientAsync("k.weber");
        // Training sells services (the demo catalog's SKU-108): its order stage makes the order from them.
        var id = (await Create(owner, "training-sales", $"Excel-Schulung für {company}", company, new[] { new { sku = "SKU-108", name = "Excel-Kurs, ein Platz", quantity = 12, price = 400 } }))
            .GetProperty("id").GetGuid();
        await Expect(await Set(owner, id, new() { ["request"] = "Excel für 12 Buchhalter" }), HttpStatusCode.OK);
        var deal = await Expect(await Move(owner, id, "client-card", cancelOpenTasks: true), HttpStatusCode.OK);
        return (owner, id, deal);
    }

    [Fact]
    public async Task The_owner_cannot_agree_terms_with_management_nor_close_the_lost_deal_review_meant_for_them()
    {
        var (owner, id, deal) = await TrainingAtClientCard("Hansa Print");
        var agree = OpenTask(deal, "Agree the deal terms");

        var byOwner = await Expect(await Complete(owner, id, agree, "Agreed with myself"), HttpStatusCode.Forbidden);
        Assert.Contains("the owner cannot complete it (four-eyes)", byOwner.GetProperty("detail").GetString());
        Assert.Equal("taskId", byOwner.GetProperty("field").GetString());
        await Expect(await Complete(await Node.ClientAsync("l.braun"), id, agree), HttpStatusCode.Forbidden);
        Assert.Equal("Open", (await Get(id)).GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == agree).GetProperty("status").GetString());
        await Expect(await Complete(await Node.ClientAsync("e.keller"), id, agree, "Rabatt 5 % freigegeben"), HttpStatusCode.OK);

        // Lost: the review of the owner's work is the head's alone.
        var lost = await Expect(await Move(owner, id, "lost", "no budget", cancelOpenTasks: true), HttpStatusCode.OK);
        var review = OpenTask(lost, "Review lost deal");
        Assert.Contains("four-eyes", (await Expect(await Complete(owner, id, review, "All fine"), HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        await Expect(await owner.PostAsJsonAsync($"/api/deals/{id}/tasks/{review}/reassign", new { executor = "l.braun" }), HttpStatusCode.Forbidden);
        var done = await Expect(await Complete(await Node.ClientAsync("e.keller"), id, review, "Budget wirklich gestrichen"), HttpStatusCode.OK);
        Assert.Equal("e.keller", done.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == review).GetProperty("completedBy").GetString());
    }

    [Fact]
    public async Task A_seller_cannot_move_the_deal_out_of_the_heads_review()
    {
        var seller = await Node.ClientAsync("i.petrov");
        var id = (await Create(seller, "industrial-equipment", "Два насоса для экструзии", "Kama Plastics")).GetProperty("id").GetGuid();
        await Expect(await Set(seller, id, new() { ["applicationArea"] = "Extrusion" }), HttpStatusCode.OK);
        var deal = await Expect(await Complete(seller, id, OpenTask(await Get(id), "Qualify")), HttpStatusCode.OK);
        await Expect(await Set(seller, id, new() { ["needs"] = "Two pumps", ["legalDetails"] = "ООО «Кама Пласт», ИНН 1650000000", ["contacts"] = "+7 855 200-00-00" }), HttpStatusCode.OK);
        deal = await Expect(await Complete(seller, id, OpenTask(deal, "Record the customer")), HttpStatusCode.OK);
        await Expect(await Set(seller, id, new() { ["equipmentType"] = "pump", ["fulfilment"] = "stock" }), HttpStatusCode.OK);
        // The engineer's and the warehouse's tasks are theirs: the seller cannot tick them off.
        await Expect(await Complete(seller, id, OpenTask(deal, "Select equipment")), HttpStatusCode.Forbidden);
        await Expect(await Complete(await Node.ClientAsync("t.engineer"), id, OpenTask(deal, "Select equipment")), HttpStatusCode.OK);
        deal = await Expect(await Complete(await Node.ClientAsync("w.lager"), id, OpenTask(deal, "Check stock")), HttpStatusCode.OK);
        Assert.Equal("proposal", deal.GetProperty("stage").GetString());

        // "Not suitable": the seller sends it to the head's review, cancelling the proposal's tasks (and is told which).
        var review = await Expect(await Move(seller, id, "review", cancelOpenTasks: true), HttpStatusCode.OK);
        Assert.Equal(2, review.GetProperty("cancelledTasks").GetArrayLength());
        Assert.All(review.GetProperty("cancelledTasks").EnumerateArray(), t => Assert.Equal("Cancelled", t.GetProperty("status").GetString()));
        var seq = review.GetProperty("seq").GetInt64();

        var out1 = await Expect(await Move(seller, id, "equipment-selection", cancelOpenTasks: true), HttpStatusCode.Forbidden);
        Assert.Contains("only the head of department 'industrial' (s.volkov) or an admin, never the deal's owner", out1.GetProperty("detail").GetString());
        await Expect(await Move(seller, id, "lost", "not suitable", cancelOpenTasks: true), HttpStatusCode.Forbidden);
        var after = await Get(id);
        Assert.Equal(("review", seq), (after.GetProperty("stage").GetString(), after.GetProperty("seq").GetInt64()));
        Assert.Equal("Open", after.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("title").GetString()!.StartsWith("Review the seller", StringComparison.Ordinal)).GetProperty("status").GetString());

        var closed = await Expect(await Move(await Node.ClientAsync("s.volkov"), id, "lost", "not suitable", cancelOpenTasks: true), HttpStatusCode.OK);
        Assert.Equal("Lost", closed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_typed_paid_amount_and_an_uploaded_invoice_do_not_win_a_training_deal()
    {
        var (owner, id, deal) = await TrainingAtClientCard("Nordlicht GmbH");
        await Expect(await Complete(owner, id, OpenTask(deal, "Create the client card")), HttpStatusCode.OK);
        await Expect(await Complete(await Node.ClientAsync("e.keller"), id, OpenTask(deal, "Agree the deal terms")), HttpStatusCode.OK);
        await Expect(await Set(owner, id, new() { ["trainingTopic"] = "Excel", ["participants"] = "12" }), HttpStatusCode.OK);
        await Expect(await Move(owner, id, "proposal"), HttpStatusCode.OK);
        await Attach(owner, id, "proposal");
        await Expect(await Move(owner, id, "order", cancelOpenTasks: true), HttpStatusCode.OK);
        await Expect(await Set(owner, id, new() { ["orderNumber"] = "NL-7" }), HttpStatusCode.OK);
        await Expect(await Move(owner, id, "commitment", cancelOpenTasks: true), HttpStatusCode.OK);
        await Attach(owner, id, "invoice");

        foreach (var user in new[] { "k.weber", "e.keller", "admin" })
        {
            var typed = await Expect(await Set(await Node.ClientAsync(user), id, new() { ["advancePaid"] = "4800" }), HttpStatusCode.Forbidden);
            Assert.Contains("'advancePaid' (Advance payment received (amount)) is written by the system", typed.GetProperty("detail").GetString());
            Assert.Equal("parameters.advancePaid", typed.GetProperty("field").GetString());
        }

        var won = await Expect(await Move(owner, id, "won", cancelOpenTasks: true), HttpStatusCode.Conflict);
        Assert.Equal("'Won' is reached only through the deal's order: the order's state moves the deal there, not a person.", won.GetProperty("detail").GetString());
        var after = await Get(id);
        Assert.Equal(("commitment", "Open"), (after.GetProperty("stage").GetString(), after.GetProperty("status").GetString()));
        Assert.False(after.GetProperty("parameters").TryGetProperty("advancePaid", out _));
        Assert.Equal(["the advance payment received"], after.GetProperty("missingToLeave").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task An_order_driven_deal_is_not_moved_by_hand_past_contract_approved()
    {
        var owner = await Node.ClientAsync("a.ivanova");
        var head = await Node.ClientAsync("o.smirnova");
        // No lines: entering "contract approved" makes no order, so nothing but a person could move it on.
        var id = (await Create(owner, "order-driven", "ERP-Einführung Rhein Logistik", "Rhein Logistik")).GetProperty("id").GetGuid();
        await Expect(await Set(owner, id, new() { ["need"] = "ERP for three warehouses" }), HttpStatusCode.OK);
        await Expect(await Move(owner, id, "client-card", cancelOpenTasks: true), HttpStatusCode.OK);
        await Expect(await Set(owner, id, new() { ["erpClientCode"] = "RL-001" }), HttpStatusCode.OK);
        await Expect(await Move(owner, id, "proposal", cancelOpenTasks: true), HttpStatusCode.OK);
        await Attach(owner, id, "proposal");
        await Expect(await Move(owner, id, "negotiation", cancelOpenTasks: true), HttpStatusCode.OK);
        await Expect(await Set(owner, id, new() { ["paymentTerms"] = "prepayment" }), HttpStatusCode.OK);
        var approval = await Expect(await Move(owner, id, "contract-approval", cancelOpenTasks: true), HttpStatusCode.OK);
        await Expect(await Complete(head, id, OpenTask(approval, "Assign the ERP specialist")), HttpStatusCode.OK);
        await Expect(await Complete(owner, id, OpenTask(approval, "Send the contract draft")), HttpStatusCode.OK);
        await Expect(await Move(owner, id, "contract-approved"), HttpStatusCode.OK);
        await Attach(owner, id, "contract");
        await Expect(await Set(owner, id, new() { ["contractNumber"] = "RL-2026-1" }), HttpStatusCode.OK);
        var seq = (await Get(id)).GetProperty("seq").GetInt64();

        foreach (var user in new[] { owner, head, await Node.ClientAsync("admin") })
        {
            var refused = await Expect(await Move(user, id, "in-execution", cancelOpenTasks: true), HttpStatusCode.Conflict);
            Assert.Equal("'Order in execution' is reached only through the deal's order: the order's state moves the deal there, not a person.", refused.GetProperty("detail").GetString());
        }

        var after = await Get(id);
        Assert.Equal(("contract-approved", "Open", seq), (after.GetProperty("stage").GetString(), after.GetProperty("status").GetString(), after.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task A_manual_move_with_open_tasks_is_refused_with_the_list_until_told_to_cancel_them()
    {
        var owner = await Node.ClientAsync("l.braun");
        var id = (await Create(owner, "training-sales", "Verhandlungstraining", "Ostsee Reederei")).GetProperty("id").GetGuid();
        await Expect(await Set(owner, id, new() { ["request"] = "Negotiation training for 8" }), HttpStatusCode.OK);
        var before = await Get(id);

        var refused = await Expect(await Move(owner, id, "client-card"), HttpStatusCode.Conflict);
        Assert.Equal("Open tasks", refused.GetProperty("title").GetString());
        var task = OpenTask(before, "Record the client's request");
        Assert.Equal([$"{task} 'Record the client's request' (l.braun)"], refused.GetProperty("openTasks").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("cancelOpenTasks: true", refused.GetProperty("detail").GetString());
        await Expect(await Move(owner, id, "client-card", cancelOpenTasks: false), HttpStatusCode.Conflict);
        var unchanged = await Get(id);
        Assert.Equal(("first-contact", before.GetProperty("seq").GetInt64()), (unchanged.GetProperty("stage").GetString(), unchanged.GetProperty("seq").GetInt64()));

        var moved = await Expect(await Move(owner, id, "client-card", cancelOpenTasks: true), HttpStatusCode.OK);
        var cancelled = Assert.Single(moved.GetProperty("cancelledTasks").EnumerateArray());
        Assert.Equal((task, "Cancelled", "l.braun"), (cancelled.GetProperty("id").GetString(), cancelled.GetProperty("status").GetString(), cancelled.GetProperty("completedBy").GetString()));
        var journal = await Expect(await owner.GetAsync($"/api/deals/{id}/journal"), HttpStatusCode.OK);
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "StageChanged"
            && e.GetProperty("text").GetString()!.Contains($"1 open task(s) cancelled: {task} 'Record the client's request' (l.braun)"));
    }

    [Fact]
    public async Task An_order_links_only_a_deal_its_creator_may_change()
    {
        var keeper = await Node.ClientAsync("w.lager");
        var sku = $"S-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        await Expect(await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = sku, name = "Seminarplatz", unit = "pcs", price = 400, kind = "Stocked" }), HttpStatusCode.Created);
        var owner = await Node.ClientAsync("k.weber");
        var id = (await Create(owner, "training-sales", "Seminar für Baltic Foods", "Baltic Foods")).GetProperty("id").GetGuid();
        object Order(Guid? dealId) => new { customer = "Baltic Foods", warehouse = "main", lines = new[] { new { sku, quantity = 2, price = 400 } }, dealId };

        // Another department's manager and the warehouse may not tie an order (and its payments and cancellation) to the
        // deal. The access layer answers first, as if the deal did not exist to them; the deal grain's own refusal behind
        // it (for callers that pass the endpoint, e.g. inside the node) is OrderGrainTests' case.
        foreach (var user in new[] { "a.ivanova", "w.lager", "o.smirnova" })
        {
            var orderId = Guid.NewGuid();
            var body = new { id = orderId, customer = "Baltic Foods", warehouse = "main", lines = new[] { new { sku, quantity = 2, price = 400 } }, dealId = id };
            // The warehouse may not create orders at all (403); the other department's people do not see the deal (404).
            var refused = await (await Node.ClientAsync(user)).PostAsJsonAsync("/api/orders", body);
            Assert.Equal(user == "w.lager" ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound, refused.StatusCode);
            Assert.DoesNotContain("k.weber", await refused.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await (await Node.ClientAsync("admin")).GetAsync($"/api/orders/{orderId}")).StatusCode);
        }

        await Expect(await (await Node.ClientAsync("a.ivanova")).PostAsJsonAsync("/api/orders", Order(Guid.NewGuid())), HttpStatusCode.NotFound);
        await Expect(await (await Node.ClientAsync("l.braun")).PostAsJsonAsync("/api/orders", Order(id)), HttpStatusCode.Created);
        await Expect(await owner.PostAsJsonAsync("/api/orders", Order(id)), HttpStatusCode.Created);
        await Expect(await (await Node.ClientAsync("e.keller")).PostAsJsonAsync("/api/orders", Order(id)), HttpStatusCode.Created);
    }
}
