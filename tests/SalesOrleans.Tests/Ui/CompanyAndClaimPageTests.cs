using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// The company page at phone size: a company created and given a contact and a deal on its page, the deal card linking
/// back; a claim escalated and resolved on the claims page, then shown in the company's dossier.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class CompanyAndClaimPageTests(UiFixture fixture)
{
    private async Task<IPage> Phone(string user, string path, List<string> errors)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Node.Address.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "de-DE",
        });
        var login = await context.APIRequest.PostAsync("/api/auth/login", new() { DataObject = new { userName = user, password = "demo" }, Timeout = 60_000 });
        Assert.True(login.Ok, await login.TextAsync());
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => errors.Add($"{page.Url}: {e}");
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
        return page;
    }

    [Fact]
    public async Task A_company_made_on_its_page_gets_a_contact_and_a_deal_and_its_claim_is_escalated_and_resolved_on_the_claims_page()
    {
        var errors = new List<string>();
        var name = $"Nordwerk Kälte GmbH {Guid.NewGuid().ToString("N")[..5]}";
        var page = await Phone("s.volkov", "/company.html", errors);

        await page.FillAsync("#newCompany input[name=name]", name);
        // Submitted as the button would, without a pointer click: in the shared UI node other tests' live notifications
        // pop up over a phone-sized page, and a click landing on one goes elsewhere (AdministrationPageTests saw the same).
        await page.Locator("#newCompany").EvaluateAsync("f => f.requestSubmit(f.querySelector('button[type=submit]'))");
        await UiFixture.WaitForAddress(page, @"/company\.html\?id=[^&#]+$");
        await page.Locator("#companyTitle", new() { HasTextString = name }).WaitForAsync();
        Assert.Equal("neu", await page.Locator("#loyalty").TextContentAsync());
        var companyId = Guid.Parse(page.Url[(page.Url.IndexOf("id=", StringComparison.Ordinal) + 3)..]);

        await page.FillAsync("#newContact input[name=name]", "Jürgen Böhm");
        await page.FillAsync("#newContact input[name=position]", "Einkaufsleiter");
        await page.FillAsync("#newContact input[name=phone]", $"+49 30 {Random.Shared.Next(1000000, 9999999)}");
        await page.ClickAsync("#newContact button[type=submit]");
        await page.Locator("#contacts td", new() { HasTextString = "Jürgen Böhm" }).WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the company page is wider than the phone");

        // A new deal from the company page points at the record; its card links back to the company.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#newDeal select[name=processKind] option').length > 0");
        await page.SelectOptionAsync("#newDeal select[name=processKind]", "industrial-equipment");
        await page.FillAsync("#newDeal input[name=title]", "Kühlzelle KZ-12");
        await page.FillAsync("#newDeal input[name=amount]", "18500");
        await page.SelectOptionAsync("#newDeal select[name=contactId]", new SelectOptionValue { Label = "Jürgen Böhm" });
        await page.ClickAsync("#newDeal button[type=submit]");
        await UiFixture.WaitForAddress(page, @"/deal\.html\?id=[^&#]+$");
        await page.Locator("#companyLink", new() { HasTextString = name }).WaitForAsync();
        Assert.Equal($"/company.html?id={companyId}", await page.GetAttributeAsync("#companyLink", "href"));

        // A claim on the customer, escalated and resolved by replacement on the claims page.
        var api = await fixture.Node.ClientAsync("s.volkov");
        var opened = await api.PostAsJsonAsync("/api/claims", new { companyId, reason = "quality", description = "Kompressor läuft zu laut", responsible = "s.volkov" });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        var claimId = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        await page.GotoAsync($"/claims.html?id={claimId}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.Locator("#detail h2", new() { HasTextString = name }).WaitForAsync();
        await page.FillAsync("#claimActions input[name=comment]", "Kunde verlangt Austausch");
        await page.ClickAsync("#claimActions button.escalate");
        await page.Locator("#escalatedTo").WaitForAsync();
        await page.SelectOptionAsync("#claimActions select[name=resolution]", "replacement");
        await page.FillAsync("#claimActions input[name=cost]", "640");
        await page.ClickAsync("#claimActions button.resolve");
        await page.Locator("#claimStatus", new() { HasTextString = "Ersatz" }).WaitForAsync();
        Assert.DoesNotContain("null", await page.InnerTextAsync("#detail"));
        await UiFixture.Screenshot(page, "claim-phone");

        await page.GotoAsync($"/company.html?id={companyId}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.Locator("#claims td", new() { HasTextString = "Ersatz" }).WaitForAsync();
        await page.Locator("#deals td", new() { HasTextString = "Kühlzelle KZ-12" }).WaitForAsync();
        await UiFixture.Screenshot(page, "company-phone");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the company page is wider than the phone");
        Assert.Empty(errors);
    }
}
