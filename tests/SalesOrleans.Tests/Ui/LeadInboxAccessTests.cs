using System.Net.Http.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>The lead inbox offers only what the API allows the user (GET /api/auth/me's capabilities).</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class LeadInboxAccessTests(UiFixture fixture)
{
    [Fact]
    public async Task A_marketer_sees_leads_without_Take_Qualify_or_Convert_and_a_manager_sees_them()
    {
        var name = $"Zoë Inbox {Guid.NewGuid():N}"[..20];
        var marketer = await fixture.Node.ClientAsync("n.marketing");
        var created = await marketer.PostAsJsonAsync("/api/leads", new { name, phone = $"+49 30 {Random.Shared.Next(1_000_000, 9_999_999)}", need = "Schulung", department = "training" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        var page = await fixture.LoginAsync("n.marketing", "/leads.html");
        var row = page.Locator("#leads tr", new() { HasTextString = name });
        await row.WaitForAsync(new() { Timeout = 10_000 });
        foreach (var action in new[] { "Take", "Qualify", "Convert to deal", "Assign" })
        {
            Assert.Equal(0, await row.Locator("button", new() { HasTextString = action }).CountAsync());
        }

        var manager = await fixture.LoginAsync("k.weber", "/leads.html");
        var managersRow = manager.Locator("#leads tr", new() { HasTextString = name });
        await managersRow.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal(1, await managersRow.Locator("button", new() { HasTextString = "Take" }).CountAsync());
        Assert.Equal(1, await managersRow.Locator("button", new() { HasTextString = "Convert to deal" }).CountAsync());
    }
}
