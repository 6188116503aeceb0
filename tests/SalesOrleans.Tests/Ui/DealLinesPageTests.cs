using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The deal's lines on its card (issue 11) in Debian's Chromium: a SKU picked from the catalog fills in its name and
/// price, the typing survives a colleague's change pushed meanwhile, saving makes the amount follow the lines; and the
/// editor fits a phone.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class DealLinesPageTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 15_000 };

    private static async Task<JsonElement> Get(HttpClient client, string path) =>
        JsonDocument.Parse(await (await client.GetAsync(path)).Content.ReadAsStringAsync()).RootElement;

    private static Task Until(Func<Task<bool>> probe, string what, int seconds = 15) => Poll.Until(probe, what, seconds);

    [Fact]
    public async Task Lines_are_picked_from_the_catalog_typed_through_a_push_and_saved_with_the_amount_following()
    {
        var keeper = await fixture.Node.ClientAsync("w.lager");
        var owner = await fixture.Node.ClientAsync("k.weber");
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var sku = $"DL-{tag}";
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/skus",
            new { code = sku, name = "Gleitlager für Förderband", unit = "pcs", price = 120, kind = "Stocked" })).StatusCode);
        var created = await owner.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Schulung und Ersatzteile", company = "Förderanlagen Süd GmbH", amount = 7200 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var page = await fixture.LoginAsync("k.weber", $"/deal.html?id={id}");
        await UiFixture.WaitLive(page);
        await page.Locator("#addLine").ClickAsync();
        var row = page.Locator("#linesTable tr.line").First;
        await row.WaitForAsync(Soon);

        // The SKU is searched in the catalog; picking it fills in the name and the price.
        await row.Locator("input[name=sku]").FillAsync(sku);
        await page.Locator($"#skuChoices option[value='{sku}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        await row.Locator("input[name=sku]").PressAsync("Tab");
        await Until(async () => await row.Locator("input[name=name]").InputValueAsync() == "Gleitlager für Förderband", "the catalog's name filled in");
        Assert.Equal("120", await row.Locator("input[name=price]").InputValueAsync());
        await row.Locator("input[name=quantity]").FillAsync("3");
        await row.Locator("input[name=discount]").FillAsync("10");

        // A colleague changes the deal meanwhile: the push reaches the card, the typed line stays.
        var seq = (await Get(owner, $"/api/deals/{id}")).GetProperty("seq").GetInt64();
        var head = await fixture.Node.ClientAsync("e.keller");
        Assert.Equal(HttpStatusCode.OK, (await head.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "Kunde ruft morgen zurück" })).StatusCode);
        await Until(async () => long.Parse(await page.Locator("#deal").GetAttributeAsync("data-seq") ?? "0") > seq, "the push reached the card");
        Assert.Equal((sku, "3", "10"), (await row.Locator("input[name=sku]").InputValueAsync(), await row.Locator("input[name=quantity]").InputValueAsync(),
            await row.Locator("input[name=discount]").InputValueAsync()));

        // Saved: the deal has the line, and its amount follows (3 × 108).
        await page.Locator("#saveLines").ClickAsync();
        await Until(async () => (await Get(owner, $"/api/deals/{id}")).GetProperty("amount").GetDecimal() == 324m, "the amount followed the lines");
        var deal = await Get(owner, $"/api/deals/{id}");
        var line = Assert.Single(deal.GetProperty("lines").EnumerateArray());
        Assert.Equal((sku, "Gleitlager für Förderband", 3m, 120m, 10m), (line.GetProperty("sku").GetString(), line.GetProperty("name").GetString(),
            line.GetProperty("quantity").GetDecimal(), line.GetProperty("price").GetDecimal(), line.GetProperty("discount").GetDecimal()));
        await Until(async () => (await page.Locator("#linesTotal").TextContentAsync())!.Contains("324"), "the card shows the new amount");

        // On a phone the editor and its save button stay within reach.
        await page.SetViewportSizeAsync(390, 844);
        await page.Locator("#saveLines").ScrollIntoViewIfNeededAsync();
        var box = await page.Locator("#saveLines").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X + box.Width <= 390, $"the save button is off screen at x={box.X}");
        await UiFixture.Screenshot(page, "deal-lines-phone");
    }
}
