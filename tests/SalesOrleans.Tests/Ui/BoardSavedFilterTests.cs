using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>Saved board filters: kept on the server per person, so another browser of the same person finds them and nobody else sees them.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class BoardSavedFilterTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    private static async Task<List<JsonElement>> Filters(HttpClient client) => (await client.GetFromJsonAsync<List<JsonElement>>("/api/board/filters"))!;

    [Fact]
    public async Task A_filter_saved_on_the_board_is_found_in_another_browser_of_the_same_person_only_and_deleted_there()
    {
        var name = $"Браун — обучение {Guid.NewGuid():N}"[..24];
        var supervisor = await fixture.Node.ClientAsync("e.keller");
        foreach (var old in await Filters(supervisor))
        {
            await supervisor.DeleteAsync($"/api/board/filters/{Uri.EscapeDataString(old.GetProperty("name").GetString()!)}");
        }

        var page = await fixture.LoginAsync("e.keller", "/board.html?process=training-sales");
        await page.Locator("#board .column").First.WaitForAsync(Soon);
        await page.Locator("#owner option[value='l.braun']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        await page.SelectOptionAsync("#owner", "l.braun");
        await page.ClickAsync("#saveFilter");
        await page.FillAsync("#filterName", name);
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#toast", new() { HasTextString = name }).WaitForAsync(Soon);

        var saved = Assert.Single(await Filters(supervisor));
        Assert.Equal((name, "training-sales", "l.braun"), (saved.GetProperty("name").GetString(), saved.GetProperty("process").GetString(), saved.GetProperty("owner").GetString()));
        // Nobody else has it; bad input changes nothing and names the field.
        Assert.Empty(await Filters(await fixture.Node.ClientAsync("k.weber")));
        var refused = await supervisor.PutAsJsonAsync("/api/board/filters", new { name = " ", process = "training-sales" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Single(await Filters(supervisor));

        // Another browser of the same person, looking at another process: the filter brings back process and owner.
        var other = await fixture.LoginAsync("e.keller", "/board.html?process=industrial-equipment");
        var errors = new List<string>();
        other.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        other.PageError += (_, e) => errors.Add(e);
        await other.Locator("#board .column").First.WaitForAsync(Soon);
        try
        {
            await other.WaitForFunctionAsync("name => [...document.querySelectorAll('#savedFilter option')].some(o => o.value === name)", name, new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the saved filter is not offered: {await other.InnerHTMLAsync("#savedFilter")}; errors: {string.Join("; ", errors)}");
        }

        await other.SelectOptionAsync("#savedFilter", name);
        await other.Locator(".column[data-stage='first-contact']").WaitForAsync(Soon);
        Assert.Equal(("training-sales", "l.braun"), (await other.InputValueAsync("#process"), await other.InputValueAsync("#owner")));

        await other.ClickAsync("#deleteFilter");
        await other.WaitForFunctionAsync("name => ![...document.querySelectorAll('#savedFilter option')].some(o => o.value === name)", name, new() { Timeout = 20_000 });
        Assert.Empty(await Filters(supervisor));
    }
}
