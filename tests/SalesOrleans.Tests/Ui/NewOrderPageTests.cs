using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>Issue 11 (company records everywhere) in Debian's Chromium: an order made by hand on the orders page picks its customer company.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class NewOrderPageTests(UiFixture fixture)
{
    [Fact]
    public async Task An_order_made_on_the_orders_page_points_at_the_company_picked()
    {
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var keeper = await fixture.Node.ClientAsync("w.lager");
        var warehouse = $"no-{tag.ToLowerInvariant()}";
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/warehouses", new { id = warehouse, name = $"Lager Nord {tag}" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/skus", new { code = $"NO-{tag}", name = "Hydrauliköl", unit = "can", price = 12, kind = "Stocked" })).StatusCode);
        var manager = await fixture.Node.ClientAsync("i.petrov");
        var made = await manager.PostAsJsonAsync("/api/companies", new { name = $"Nordwerk Süd {tag}" });
        var companyId = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var page = await fixture.LoginAsync("i.petrov", "/orders.html");
        await page.Locator("#newOrder").ClickAsync();
        await page.Locator("#newOrderForm input[name=companySearch]").FillAsync($"Nordwerk Süd {tag}");
        var pick = page.Locator($"#newOrderForm button.pick-company[data-id='{companyId}']");
        await pick.WaitForAsync(new() { Timeout = 20_000 });
        await pick.ClickAsync();
        await page.Locator($"#orderWarehouse option[value='{warehouse}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        await page.Locator("#orderWarehouse").SelectOptionAsync(warehouse);
        await page.Locator("#orderLines").FillAsync($"NO-{tag} × 4");
        await page.Locator("#createOrder").ClickAsync();

        var title = page.Locator($"#orderTitle[data-company-id='{companyId}']");
        await title.WaitForAsync(new() { Timeout = 20_000 });
        Assert.StartsWith($"Nordwerk Süd {tag}", await title.TextContentAsync());
        await Assertions.Expect(page.Locator("#orderCompany a")).ToHaveAttributeAsync("href", $"/company.html?id={companyId}");
    }
}
