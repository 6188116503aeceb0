using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace SalesOrleans.Tests.Ui;

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
            $"() => [...document.querySelectorAll(\"#list tr[data-sku='SKU-102']\")].some(r => r.cells[2].textContent === 'main' && Number(r.cells[3].textContent) === {expected})",
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
