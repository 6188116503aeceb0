using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// Converting a lead in the inbox asks for nothing the lead already says: company, need, title, contact and the
/// caller's details are filled in; the manager adds the agreed lines and the deal carries all of it.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class LeadConversionPageTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_convert_form_is_filled_from_the_lead_and_the_deal_takes_it_with_the_lines_typed()
    {
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var keeper = await fixture.Node.ClientAsync("w.lager");
        Assert.Equal(HttpStatusCode.Created, (await keeper.PostAsJsonAsync("/api/catalog/skus",
            new { code = $"KURS-{tag}", name = "Excel-Kurs, ein Platz", unit = "pcs", price = 390, kind = "Service" })).StatusCode);

        var manager = await fixture.Node.ClientAsync("k.weber");
        var phone = $"+49 89 {Random.Shared.Next(2_000_000, 9_999_999)}";
        var created = await manager.PostAsJsonAsync("/api/leads", new
        {
            name = "Jürgen Voß", phone, company = $"Voß Logistik {tag} GmbH", need = "Excel-Schulung für 12 Mitarbeiter", department = "training",
        });
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, text);
        var leadId = JsonDocument.Parse(text).RootElement.GetProperty("lead").GetProperty("id").GetGuid();

        // The queue may have handed it to a colleague: the department's head gives it to the one who met the customer.
        var head = await fixture.Node.ClientAsync("e.keller");
        var assigned = await head.PostAsJsonAsync($"/api/leads/{leadId}/assign", new { assignee = "k.weber", reason = "hat ihn auf der Messe getroffen" });
        Assert.True(assigned.IsSuccessStatusCode, await assigned.Content.ReadAsStringAsync());

        var page = await fixture.LoginAsync("k.weber", "/leads.html");
        var row = page.Locator($"tr[data-lead='{leadId}']");
        await row.WaitForAsync(Soon);
        var form = row.Locator("form.convert");
        Assert.Equal($"Voß Logistik {tag} GmbH", await form.Locator("input[name=company]").InputValueAsync());
        Assert.Equal("Excel-Schulung für 12 Mitarbeiter", await form.Locator("input[name=needs]").InputValueAsync());
        Assert.Equal($"Voß Logistik {tag} GmbH: Excel-Schulung für 12 Mitarbeiter", await form.Locator("input[name=title]").InputValueAsync());
        Assert.Equal("Jürgen Voß", await form.Locator("input[name=contact]").InputValueAsync());
        Assert.Contains("Jürgen Voß", await form.Locator("input[name=contacts]").InputValueAsync());

        await form.Locator("select[name=process]").SelectOptionAsync("training-sales");
        await form.Locator("input[name=legal]").FillAsync("USt-IdNr. DE 123 456 789, Hafenstraße 4, 20457 Hamburg");
        await form.Locator("textarea, input[name=lines]").First.FillAsync($"KURS-{tag} × 12");
        await form.Locator("button[type=submit]").ClickAsync();
        try
        {
            await UiFixture.WaitForAddress(page, @"/deal\.html\?id=[^&#]+$", 30_000);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no deal page after converting; the row says: {await row.Locator(".message").InnerTextAsync()}");
        }

        var dealId = new Uri(page.Url).Query.Split('=')[1];

        var deal = await manager.GetFromJsonAsync<JsonElement>($"/api/deals/{dealId}");
        Assert.Equal(($"Voß Logistik {tag} GmbH", $"Voß Logistik {tag} GmbH: Excel-Schulung für 12 Mitarbeiter", "Jürgen Voß"),
            (deal.GetProperty("company").GetString(), deal.GetProperty("title").GetString(), deal.GetProperty("contact").GetString()));
        var line = Assert.Single(deal.GetProperty("lines").EnumerateArray());
        Assert.Equal(($"KURS-{tag}", 12m, 390m), (line.GetProperty("sku").GetString(), line.GetProperty("quantity").GetDecimal(), line.GetProperty("price").GetDecimal()));
        Assert.Equal(4680m, deal.GetProperty("amount").GetDecimal());
    }
}
