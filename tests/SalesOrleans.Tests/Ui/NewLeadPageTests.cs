using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The lead inbox's "New lead" form: a refusal said once, a new caller becomes a lead in the table, and the same phone
/// again joins the known customer, which the page says in plain words instead of making a second lead.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class NewLeadPageTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public async Task A_manual_lead_is_added_and_the_same_phone_again_joins_the_known_customer()
    {
        var digits = Random.Shared.Next(1_000_000, 9_999_999).ToString();
        var phone = $"+7 912 {digits[..3]}-{digits[3..5]}-{digits[5..]}";
        var name = $"Сергей Иванов {digits}";
        var page = await fixture.LoginAsync("k.weber", "/leads.html");
        await UiFixture.WaitLive(page);

        await page.ClickAsync("#newLead");
        var dialog = page.Locator("#newLeadDialog");
        await dialog.WaitForAsync();

        // Nothing entered: one refusal, said once.
        await dialog.Locator("button[type=submit]").ClickAsync();
        var error = dialog.Locator(".dialog-message .error");
        await error.WaitForAsync();
        Assert.Equal(1, await dialog.Locator(".dialog-message .error").CountAsync());
        var said = await error.InnerTextAsync();
        Assert.DoesNotMatch(new Regex("^(Bad Request|Not Found)$"), said.Trim());
        var lines = said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(lines.Length, lines.Distinct().Count());

        await page.FillAsync("#newLead_name", name);
        await page.FillAsync("#newLead_phone", phone);
        await page.FillAsync("#newLead_email", $"s.ivanov.{digits}@volga-polymer.ru");
        await page.FillAsync("#newLead_company", "ООО «Волга-Полимер»");
        await page.FillAsync("#newLead_need", "Обучение продажам для отдела из 8 человек, на выставке");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });

        var notice = page.Locator("#newLeadStatus .notice");
        await notice.WaitForAsync(Soon);
        Assert.Equal("NewLead", await notice.GetAttributeAsync("data-outcome"));
        Assert.Contains(name, await notice.InnerTextAsync());
        var row = page.Locator("#leads tbody tr", new() { HasTextString = name });
        await row.WaitForAsync(Soon);
        Assert.Contains("Manual", await row.InnerTextAsync());

        // The same phone, written differently, by hand again: joins the known customer.
        await page.ClickAsync("#newLead");
        await dialog.WaitForAsync();
        await page.FillAsync("#newLead_name", "Иванов С.");
        await page.FillAsync("#newLead_phone", phone.Replace(" ", "").Replace("-", ""));
        await page.FillAsync("#newLead_need", "Перезвонить: нужен ещё курс по переговорам");
        await page.FocusAsync("#newLead_phone");
        await page.Keyboard.PressAsync("Enter");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator("#newLeadStatus .notice[data-outcome='JoinedHistory']").WaitForAsync(Soon);
        Assert.Contains("already a customer", await page.Locator("#newLeadStatus .notice").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#leads tbody tr", new() { HasTextString = "Иванов С." }).CountAsync());
        Assert.Equal(1, await page.Locator("#leads tbody tr", new() { HasTextString = name }).CountAsync());
    }
}
