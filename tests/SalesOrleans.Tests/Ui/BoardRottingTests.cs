using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// A deal nobody touched turns amber after 7 days and red after 14 on the board, and says for how long; any change
/// makes it fresh again. The browser's clock is moved forward (the server's data stays as it is).
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class BoardRottingTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_deal_without_activity_rots_amber_then_red_and_a_note_makes_it_fresh()
    {
        var api = await fixture.Node.ClientAsync("a.ivanova");
        var created = await api.PostAsJsonAsync("/api/deals", new { processKind = "order-driven", title = "Внедрение ERP, склад №2", company = "ООО «Северный ветер»", amount = 9400 });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();

        var page = await fixture.LoginAsync("a.ivanova", "/board.html?process=order-driven");
        var card = page.Locator($".card[data-id='{id}']");
        await card.WaitForAsync(Soon);
        Assert.DoesNotMatch("rot-", await card.GetAttributeAsync("class") ?? "");

        // Eight days on: amber, and the card says how long.
        await page.Clock.SetFixedTimeAsync(DateTime.UtcNow.AddDays(8).AddHours(1));
        await page.ReloadAsync();
        await card.WaitForAsync(Soon);
        Assert.Contains("rot-1", await card.GetAttributeAsync("class") ?? "");
        Assert.Contains("8", await card.Locator(".rot").InnerTextAsync());

        // Fifteen days on: red.
        await page.Clock.SetFixedTimeAsync(DateTime.UtcNow.AddDays(15).AddHours(1));
        await page.ReloadAsync();
        await card.WaitForAsync(Soon);
        Assert.Contains("rot-2", await card.GetAttributeAsync("class") ?? "");

        // Back to today with a fresh note: no colour.
        await page.Clock.SetFixedTimeAsync(DateTime.UtcNow.AddMinutes(1));
        var noted = await api.PostAsJsonAsync($"/api/deals/{id}/notes", new { text = "Позвонил, ждут КП до пятницы" });
        Assert.True(noted.IsSuccessStatusCode, await noted.Content.ReadAsStringAsync());
        await page.ReloadAsync();
        await card.WaitForAsync(Soon);
        Assert.DoesNotMatch("rot-", await card.GetAttributeAsync("class") ?? "");
    }
}
