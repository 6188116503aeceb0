using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>
/// "My tasks" while a colleague's changes stream in: new tasks arriving above and below, and changes to the deal being
/// worked on, leave the result being typed, the document kind and the focus as they were.
/// </summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class TasksPageTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    private static async Task<Guid> CreateDeal(HttpClient client, string title, string company)
    {
        var created = await client.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title, company, amount = 4800, owner = "k.weber" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Typing_a_result_on_my_tasks_survives_new_tasks_and_changes_streaming_in()
    {
        var supervisor = await fixture.Node.ClientAsync("e.keller");
        var worked = await CreateDeal(supervisor, "Rhetorik für Azubis", "Kieler Werft AG");
        var page = await fixture.LoginAsync("k.weber", "/tasks.html");
        await UiFixture.WaitLive(page);
        var row = page.Locator($"#tasks tbody tr[data-task^='{worked}/']").First;
        await row.WaitForAsync(Soon);

        await row.Locator("input[name=kind]").FillAsync("Anfrage");
        await row.Locator("input[name=result]").ClickAsync();
        await page.Keyboard.TypeAsync("Rückruf: 9 Azubis, ", new() { Delay = 5 });

        // The supervisor hands k.weber new deals (their first tasks arrive) and notes on the deal being worked on.
        var arrived = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            arrived.Add(await CreateDeal(supervisor, $"Präsentieren {i}", $"Flensburger Kontor {i}"));
            Assert.True((await supervisor.PostAsJsonAsync($"/api/deals/{worked}/notes", new { text = $"Kunde rief an ({i})" })).IsSuccessStatusCode);
            await page.Keyboard.TypeAsync($"{i}", new() { Delay = 5 });
        }

        foreach (var id in arrived)
        {
            await page.Locator($"#tasks tbody tr[data-task^='{id}/']").WaitForAsync(Soon);
        }

        Assert.Equal("Rückruf: 9 Azubis, 012", await row.Locator("input[name=result]").InputValueAsync());
        Assert.Equal("result", await page.EvaluateAsync<string>("() => document.activeElement?.name"));
        Assert.Equal("Anfrage", await row.Locator("input[name=kind]").InputValueAsync());

        // Enter completes the task with what was typed.
        await page.Keyboard.PressAsync("Enter");
        await row.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 20_000 });
        var tasks = JsonDocument.Parse(await (await fixture.Node.ClientAsync("k.weber")).GetStringAsync($"/api/tasks?dealId={worked}&status=all")).RootElement;
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("result").GetString() == "Rückruf: 9 Azubis, 012" && t.GetProperty("status").GetString() == "Done");
    }
}
