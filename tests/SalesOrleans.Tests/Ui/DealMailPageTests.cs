using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Issue 11 (1C:CRM project) in Debian's Chromium, in Russian: on the deal card a manager picks a template, sees it
/// filled in from the deal, edits it and sends it to the deal's contact; a double click queues one mail.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class DealMailPageTests(UiFixture fixture)
{
    private static readonly Guid RussianProposal = Guid.Parse("5a1e0000-0000-4000-8000-000000000002");

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string Spaces(string text) => text.Replace('\u00a0', ' ').Replace('\u202f', ' ');

    [Fact]
    public async Task A_manager_picks_the_Russian_template_edits_the_filled_text_and_sends_it_once()
    {
        var orlov = await fixture.Node.ClientAsync("d.orlov");
        var tag = Guid.NewGuid().ToString("N")[..6];
        var address = $"ivan.{tag}@tehsnab.example";
        var company = await Json(await orlov.PostAsJsonAsync("/api/companies", new { name = $"ООО «Техснаб» {tag}" }));
        var companyId = company.GetProperty("id").GetGuid();
        var contact = await orlov.PostAsJsonAsync($"/api/companies/{companyId}/contacts", new { name = "Иван Сидоров", email = address });
        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        var contactId = (await Json(contact)).GetProperty("id").GetGuid();
        var created = await orlov.PostAsJsonAsync("/api/deals", new
        {
            processKind = "order-driven", title = "Внедрение 1С:ERP, этап 1", companyId, contactId, amount = 125_000, currency = "RUB",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var dealId = (await Json(created)).GetProperty("id").GetGuid();
        Assert.True((await orlov.PutAsJsonAsync("/api/account/language", new { language = "ru" })).IsSuccessStatusCode);
        try
        {
            var page = await fixture.LoginAsync("d.orlov", $"/deal.html?id={dealId}");
            await page.Locator($"#mailTemplate option[value='{RussianProposal}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
            Assert.Equal("Письмо клиенту", await page.Locator("#mail h2").TextContentAsync());
            // The templates and the preview (which fills the recipients) load separately: wait for the address itself.
            await Assertions.Expect(page.Locator("#mailTo")).ToHaveValueAsync(address, new() { Timeout = 20_000 });

            await page.Locator("#mailTemplate").SelectOptionAsync(RussianProposal.ToString());
            await Assertions.Expect(page.Locator("#mailSubject")).ToHaveValueAsync("Коммерческое предложение: Внедрение 1С:ERP, этап 1", new() { Timeout = 20_000 });
            var body = Spaces(await page.Locator("#mailBody").InputValueAsync());
            Assert.Contains("Здравствуйте, Иван Сидоров!", body);
            Assert.Contains("на сумму 125 000,00 RUB", body);
            Assert.Contains($"для ООО «Техснаб» {tag}", body);

            // The manager adds a line, then clicks twice in a hurry.
            await page.Locator("#mailBody").FillAsync(await page.Locator("#mailBody").InputValueAsync() + "\nЖду вашего ответа до пятницы.");
            await page.Locator("#mailSend").DblClickAsync();
            var item = page.Locator("#mailList li");
            await Assertions.Expect(item).ToHaveCountAsync(1, new() { Timeout = 20_000 });
            await Assertions.Expect(page.Locator("#mailMessage")).ToContainTextAsync($"Письмо для {address} отправляется.", new() { Timeout = 20_000 });
            Assert.Contains("Коммерческое предложение", await item.TextContentAsync());

            var mails = (await orlov.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}/mails")).EnumerateArray().ToList();
            var mail = Assert.Single(mails);
            Assert.Equal(address, mail.GetProperty("to").GetString());
            Assert.Equal("ru", mail.GetProperty("language").GetString());
            Assert.EndsWith("Жду вашего ответа до пятницы.", mail.GetProperty("body").GetString());
            Assert.Equal(RussianProposal, mail.GetProperty("templateId").GetGuid());
            await UiFixture.Screenshot(page, "deal-mail-ru");
        }
        finally
        {
            await orlov.PutAsJsonAsync("/api/account/language", new { language = "" });
        }
    }
}
