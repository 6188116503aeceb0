using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace SalesOrleans.Tests.Ui;

[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class WarehouseTests(UiFixture fixture)
{
    [Fact]
    public async Task A_receipt_entered_on_the_stock_page_shows_on_another_users_stock_page_live()
    {
        var watcher = await fixture.LoginAsync("s.volkov", "/stock.html");
        await UiFixture.WaitLive(watcher);
        var row = watcher.Locator("#list tr[data-sku='SKU-102']", new() { HasTextString = "main" });
        await row.WaitForAsync();
        var before = await OnHand();

        var keeper = await fixture.LoginAsync("w.lager", "/stock.html");
        await keeper.FillAsync("#receipt input[name=sku]", "4006381333931");
        await keeper.FillAsync("#receipt input[name=warehouse]", "main");
        await keeper.FillAsync("#receipt input[name=quantity]", "7");
        await keeper.FillAsync("#receipt input[name=batch]", $"B-{Guid.NewGuid():N}"[..12]);
        await keeper.ClickAsync("#receive");
        await keeper.Locator("#detail h2", new() { HasTextString = "4006381333931" }).WaitForAsync();

        var expected = (before + 7).ToString(CultureInfo.InvariantCulture);
        await watcher.WaitForFunctionAsync(
            $"() => [...document.querySelectorAll(\"#list tr[data-sku='SKU-102']\")].some(r => r.cells[2].textContent === 'main' && Number(r.cells[3].querySelector('[data-value]').dataset.value) === {expected})",
            null, new() { Timeout = 10_000 });
        await UiFixture.Screenshot(keeper, "stock");

        async Task<decimal> OnHand()
        {
            var api = await fixture.Node.ClientAsync("s.volkov");
            var items = JsonDocument.Parse(await (await api.GetAsync("/api/stock?sku=SKU-102")).Content.ReadAsStringAsync()).RootElement;
            return items.EnumerateArray().Single(i => i.GetProperty("warehouse").GetString() == "main").GetProperty("onHand").GetDecimal();
        }
    }
}

[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class DealOrderCardTests(UiFixture fixture)
{
    [Fact]
    public async Task The_deal_card_shows_its_order_with_allocation_invoices_and_payments()
    {
        var api = await fixture.Node.ClientAsync("a.ivanova");
        var deal = JsonDocument.Parse(await (await api.PostAsJsonAsync("/api/deals", new { processKind = "order-driven", title = "Pumps", company = "Don Agro", amount = 6400 }))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var created = await api.PostAsJsonAsync("/api/orders", new
        {
            customer = "Don Agro", responsible = "a.ivanova", warehouse = "main", currency = "EUR", dealId = deal,
            lines = new[] { new { sku = "SKU-102", quantity = 2, price = 3200 } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var order = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var supervisor = await fixture.Node.ClientAsync("o.smirnova");
        Assert.True((await api.PostAsync($"/api/orders/{order}/submit", null)).IsSuccessStatusCode);
        var approved = await supervisor.PostAsJsonAsync($"/api/orders/{order}/approve", new { });
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());

        var page = await fixture.LoginAsync("a.ivanova", $"/deal.html?id={deal}");
        var section = page.Locator("#orders");
        await section.Locator("a", new() { HasTextString = "Don Agro" }).WaitForAsync(new() { Timeout = 10_000 });
        var text = await section.InnerTextAsync();
        Assert.Contains("SKU-102", text);
        Assert.Contains("balance due", text);
    }
}
