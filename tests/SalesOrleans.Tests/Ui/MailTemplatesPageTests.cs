using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>Issue 11 (1C:CRM project): a department head edits the mail templates on their page; a manager may only use them.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class MailTemplatesPageTests(UiFixture fixture)
{
    [Fact]
    public async Task A_department_head_writes_a_German_template_with_a_placeholder_button_and_a_bad_placeholder_is_refused()
    {
        var name = $"Nachfrage {Guid.NewGuid():N}"[..18];
        var page = await fixture.LoginAsync("e.keller", "/mail-templates.html");
        await page.WaitForSelectorAsync("body[data-ready=on]");
        // The shipped ones are there.
        await Assertions.Expect(page.Locator("#templateTable tr[data-template='5a1e0000-0000-4000-8000-000000000003']")).ToHaveCountAsync(1);

        await page.Locator("#newTemplate").ClickAsync();
        await page.Locator("#templateForm input[name=name]").FillAsync(name);
        await page.Locator("#templateForm select[name=language]").SelectOptionAsync("de");
        await page.Locator("#templateForm input[name=subject]").FillAsync("Rückfrage zu ");
        await page.Locator("#templateForm button[data-placeholder='deal']").ClickAsync();
        await page.Locator("#templateForm textarea[name=body]").FillAsync("Guten Tag {{contact}}, {{unbekannt}}");
        await page.Locator("#saveTemplate").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("{{unbekannt}}", new() { Timeout = 20_000 });

        await page.Locator("#templateForm textarea[name=body]").FillAsync("Guten Tag {{contact}},\nhaben Sie unser Angebot über {{amount}} erhalten?\n");
        await page.Locator("#templateForm button[data-placeholder='manager']").ClickAsync();
        await page.Locator("#saveTemplate").ClickAsync();
        var row = page.Locator("#templateTable tr", new() { HasText = name });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 20_000 });

        var admin = await fixture.Node.ClientAsync("e.keller");
        var templates = (await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates")).GetProperty("templates").EnumerateArray().ToList();
        var saved = Assert.Single(templates, t => t.GetProperty("name").GetString() == name);
        Assert.Equal(("de", "Rückfrage zu {{deal}}"), (saved.GetProperty("language").GetString(), saved.GetProperty("subject").GetString()));
        Assert.EndsWith("{{manager}}", saved.GetProperty("body").GetString());

        // A manager uses templates but does not edit them.
        var manager = await fixture.Node.ClientAsync("k.weber");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/mail-templates")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync($"/api/mail-templates/{saved.GetProperty("id").GetGuid()}",
            new { name = "x", language = "de", subject = "x", body = "x" })).StatusCode);
    }
}
