using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Orders;

namespace SalesOrleans.Tests.Integration;

/// <summary>The demo as deploy/run.sh starts it: demo stock, and demo deals driven through the real grains hand over to orders.</summary>
[Trait("Category", "Integration")]
public class DemoStockTests
{
    [Fact]
    public async Task The_demo_seeds_stock_and_order_driven_deals_past_contract_approval_have_their_orders()
    {
        await using var node = await TestNode.StartAsync(await TestDatabase.CreateAsync(), demoDeals: true);
        var client = await node.ClientAsync("o.smirnova");

        var deals = await client.GetFromJsonAsync<JsonElement>("/api/deals?process=order-driven&status=all&limit=500");
        var handedOver = deals.EnumerateArray()
            .Where(d => d.GetProperty("stage").GetString() is "contract-approved" or "in-execution" or "shipped" or "completed")
            .Select(d => d.GetProperty("id").GetGuid()).ToList();
        Assert.NotEmpty(handedOver);
        // A deal is never further than its order (issue 11): in execution, shipped or won, its order is there too.
        var expected = new Dictionary<string, string>
        {
            ["contract-approved"] = "OnApproval", ["in-execution"] = "Execution", ["shipped"] = "Shipped", ["completed"] = "Completed",
        };
        foreach (var deal in deals.EnumerateArray().Where(d => expected.ContainsKey(d.GetProperty("stage").GetString()!)))
        {
            var order = await client.GetFromJsonAsync<JsonElement>($"/api/orders/{DealOrderBridge.OrderIdFor(deal.GetProperty("id").GetGuid())}");
            Assert.Equal(deal.GetProperty("id").GetGuid(), order.GetProperty("dealId").GetGuid());
            Assert.Equal(expected[deal.GetProperty("stage").GetString()!], order.GetProperty("status").GetString());
        }

        // The industrial deals past their order stage: the order is approved at least, completed for the won ones.
        var industrial = (await client.GetFromJsonAsync<JsonElement>("/api/deals?process=industrial-equipment&status=all&limit=500")).EnumerateArray().ToList();
        var admin0 = await node.ClientAsync("admin");
        foreach (var deal in industrial.Where(d => d.GetProperty("status").GetString() == "Won"))
        {
            var order = await admin0.GetFromJsonAsync<JsonElement>($"/api/orders/{DealOrderBridge.OrderIdFor(deal.GetProperty("id").GetGuid())}");
            Assert.Equal("Completed", order.GetProperty("status").GetString());
        }

        var stock = await client.GetFromJsonAsync<JsonElement>("/api/stock?warehouse=main");
        Assert.True(stock.GetArrayLength() >= 5);

        // Under the integrity rules (system-written paid fields, explicit task cancelling) every process still gets
        // its won and lost demo deals; a won training deal's advance was written by the system.
        var admin = await node.ClientAsync("admin");
        foreach (var process in new[] { "training-sales", "industrial-equipment", "order-driven" })
        {
            var all = (await admin.GetFromJsonAsync<JsonElement>($"/api/deals?process={process}&status=all&limit=500")).EnumerateArray().ToList();
            // At least: automatic routing may carry a deal further than the steps the seeder took.
            Assert.True(all.Count(d => d.GetProperty("status").GetString() == "Won") >= 2, $"{process}: fewer than two won demo deals");
            Assert.True(all.Count(d => d.GetProperty("status").GetString() == "Lost") >= 2, $"{process}: fewer than two lost demo deals");
        }

        var wonTraining = (await admin.GetFromJsonAsync<JsonElement>("/api/deals?process=training-sales&status=Won")).EnumerateArray().First().GetProperty("id").GetGuid();
        var won = await admin.GetFromJsonAsync<JsonElement>($"/api/deals/{wonTraining}");
        Assert.True(won.GetProperty("parameters").TryGetProperty("advancePaid", out _));
        var journal = await admin.GetFromJsonAsync<JsonElement>($"/api/deals/{wonTraining}/journal");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "ParametersChanged"
            && e.GetProperty("text").GetString()!.Contains("advancePaid") && e.GetProperty("actor").GetString() == "system");

        // Issue 11: every demo deal points at a company and contact record, and so does its order: the demo's company
        // pages (client dossier) hold all 38 deals and every order, and a contact with an address to write to.
        var dealCount = 0;
        var orderCount = 0;
        foreach (var company in new[] { "Uralmash Service", "Nordwerk GmbH", "Volga Polymer", "Baltic Foods", "Siberian Timber", "Rhein Logistik",
                     "Kama Plastics", "Alpen Maschinenbau", "Don Agro", "Tula Metals", "Hansa Print", "Samara Glass" })
        {
            var dossier = await admin.GetFromJsonAsync<JsonElement>($"/api/companies/{SalesOrleans.Silo.Seeding.DemoSeeder.DemoCompanyId(company)}/dossier");
            Assert.Equal(company, dossier.GetProperty("name").GetString());
            var contact = Assert.Single(dossier.GetProperty("contacts").EnumerateArray());
            Assert.Contains("@", Assert.Single(contact.GetProperty("emails").EnumerateArray()).GetString());
            Assert.NotEmpty(dossier.GetProperty("deals").EnumerateArray());
            dealCount += dossier.GetProperty("deals").GetArrayLength();
            orderCount += dossier.GetProperty("orders").GetArrayLength();
            foreach (var d in dossier.GetProperty("deals").EnumerateArray().Take(1))
            {
                var view = await admin.GetFromJsonAsync<JsonElement>($"/api/deals/{d.GetProperty("id").GetGuid()}");
                Assert.Equal(contact.GetProperty("id").GetGuid(), view.GetProperty("contactId").GetGuid());
                Assert.Equal(contact.GetProperty("name").GetString(), view.GetProperty("contact").GetString());
            }
        }

        var everyDeal = (await admin.GetFromJsonAsync<JsonElement>("/api/deals?status=all&limit=500")).GetArrayLength();
        var everyOrder = (await admin.GetFromJsonAsync<JsonElement>("/api/orders?limit=500")).GetArrayLength();
        Assert.Equal(everyDeal, dealCount);
        Assert.Equal(everyOrder, orderCount);
        Assert.True(orderCount > 0);
    }
}
