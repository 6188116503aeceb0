using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Quick-add a deal from the board on a phone (390×844): the "+" sits only on the column where deals start, a missing
/// title is said once naming the field, what is typed survives a colleague's deal arriving live, and the new card
/// appears in the column.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class QuickAddDealTests(UiFixture fixture)
{
    private const int Width = 390;
    private const int Height = 844;
    private static readonly PageWaitForFunctionOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public async Task On_a_phone_a_deal_is_quick_added_in_the_first_column_and_typing_survives_a_colleagues_new_deal()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var companyName = $"ООО «Волга-Полимер {tag}»";
        var lena = await fixture.Node.ClientAsync("l.braun");
        var company = await lena.PostAsJsonAsync("/api/companies", new { name = companyName });
        Assert.True(company.IsSuccessStatusCode, await company.Content.ReadAsStringAsync());

        var page = await fixture.LoginAsync("l.braun", "/board.html?process=training-sales", Width, Height);
        await page.WaitForFunctionAsync("() => document.body.dataset.board === 'ready'", null, Soon);
        await UiFixture.WaitLive(page);

        // One "+" only, on the initial stage (POST /api/deals always opens a deal there).
        Assert.Equal(1, await page.Locator(".column .quick-add").CountAsync());
        Assert.Equal("first-contact", await page.Locator(".column:has(.quick-add)").GetAttributeAsync("data-stage"));
        await page.Locator(".column .quick-add").ClickAsync();
        var dialog = page.Locator("#quickAddDialog");
        await dialog.WaitForAsync();

        // Nothing typed: the refusal is said once and names the title.
        await dialog.Locator("button[type=submit]").ClickAsync();
        var message = dialog.Locator(".dialog-message .error");
        await message.WaitForAsync();
        var said = await message.InnerTextAsync();
        Assert.Contains("title", said);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(said, "title"));

        // Typing while a colleague's new deal arrives live: it shows up, the typed title and the focus stay.
        await page.FillAsync("#quickTitle", "Обучение переговорам для 12 человек");
        var colleague = await fixture.Node.ClientAsync("k.weber");
        var other = await colleague.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Führungstraining", company = $"Müller & Söhne {tag}", amount = 9600 });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var otherId = JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await page.WaitForFunctionAsync($"() => !!document.querySelector(\".column[data-stage='first-contact'] .card[data-id='{otherId}']\")", null, Soon);
        Assert.Equal("Обучение переговорам для 12 человек", await page.InputValueAsync("#quickTitle"));
        Assert.Equal("quickTitle", await page.EvaluateAsync<string>("() => document.activeElement?.id"));

        // The company picked from the records, the amount in roubles.
        await page.FillAsync("#quickCompany", $"Волга-Полимер {tag}");
        await dialog.Locator("button.pick-company", new() { HasTextString = companyName }).ClickAsync();
        await page.FillAsync("#quickAmount", "186000");
        await page.FillAsync("#quickCurrency", "rub");
        Assert.True(await page.EvaluateAsync<bool>($"() => document.documentElement.scrollWidth <= {Width}"), "the form is wider than the phone");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });

        var card = page.Locator(".column[data-stage='first-contact'] .card", new() { HasTextString = "Обучение переговорам для 12 человек" });
        await card.WaitForAsync();
        Assert.Contains(companyName, await card.InnerTextAsync());
        Assert.Contains("RUB", (await card.Locator(".meta").First.InnerTextAsync()).Replace("₽", "RUB"));
        Assert.Equal(1, await page.Locator(".card", new() { HasTextString = "Обучение переговорам для 12 человек" }).CountAsync());
        Assert.True(await page.EvaluateAsync<bool>($"() => document.documentElement.scrollWidth <= {Width}"), "the board is wider than the phone");

        // The deal is the company record's, in the API too.
        var id = await card.GetAttributeAsync("data-id");
        var deal = JsonDocument.Parse(await lena.GetStringAsync($"/api/deals/{id}")).RootElement;
        Assert.Equal(186000m, deal.GetProperty("amount").GetDecimal());
        Assert.Equal("RUB", deal.GetProperty("currency").GetString());
        Assert.Equal(JsonDocument.Parse(await company.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid(), deal.GetProperty("companyId").GetGuid());
    }
}
