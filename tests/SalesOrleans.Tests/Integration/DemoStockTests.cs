using System.Net.Http.Json;
using System.Text.Json;
using SalesOrleans.Orders;

namespace SalesOrleans.Tests.Integration;

/// <summary>The demo as deploy/run.sh starts it: demo stock, and demo deals driven through the real grains hand over to orders.</summary>
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
        foreach (var deal in handedOver)
        {
            var order = await client.GetFromJsonAsync<JsonElement>($"/api/orders/{DealOrderBridge.OrderIdFor(deal)}");
            Assert.Equal(deal, order.GetProperty("dealId").GetGuid());
            Assert.Equal("OnApproval", order.GetProperty("status").GetString());
        }

        var stock = await client.GetFromJsonAsync<JsonElement>("/api/stock?warehouse=main");
        Assert.True(stock.GetArrayLength() >= 5);
    }
}
