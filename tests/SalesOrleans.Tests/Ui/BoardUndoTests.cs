using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>A stage move on the board can be taken back for a few seconds, through the same move rules as any move.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class BoardUndoTests(UiFixture fixture)
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 20_000 };

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Confirms the "cancel the open tasks?" question if the move asks it (the stage left has open tasks).</summary>
    private static async Task ConfirmCancellingTasksIfAsked(IPage page, ILocator movedCard)
    {
        var confirm = page.Locator("#confirmCancelTasks");
        await confirm.Or(movedCard).First.WaitForAsync(Soon);
        if (await confirm.IsVisibleAsync())
        {
            await confirm.ClickAsync();
        }

        await movedCard.WaitForAsync(Soon);
    }

    [Fact]
    public async Task A_move_on_the_board_is_undone_from_the_toast_and_the_deal_is_back_where_it_was()
    {
        // An order-driven deal in "proposal" with its proposal attached: it may go on to negotiation, and back.
        var api = await fixture.Node.ClientAsync("a.ivanova");
        var id = (await Ok(await api.PostAsJsonAsync("/api/deals", new { processKind = "order-driven", title = "ERP-Einführung Werk Süd", company = "Nordlicht Maschinenbau GmbH", amount = 18500 })))
            .GetProperty("id").GetGuid();
        await Ok(await api.PostAsJsonAsync($"/api/deals/{id}/parameters", new Dictionary<string, string> { ["need"] = "ERP für drei Werke", ["erpClientCode"] = "NL-4711" }));
        await Ok(await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "client-card", cancelOpenTasks = true }));
        await Ok(await api.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "proposal", cancelOpenTasks = true }));
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync($"/api/deals/{id}/proposal", null)).StatusCode);

        var page = await fixture.LoginAsync("a.ivanova", "/board.html?process=order-driven");
        await UiFixture.WaitLive(page);
        var card = page.Locator($".column[data-stage='proposal'] .card[data-id='{id}']");
        await card.WaitForAsync(Soon);

        await card.Locator("select.move-to").SelectOptionAsync("negotiation");
        await ConfirmCancellingTasksIfAsked(page, page.Locator($".column[data-stage='negotiation'] .card[data-id='{id}']"));
        var toast = page.Locator("#toast");
        await toast.WaitForAsync(Soon);
        Assert.Contains("Nordlicht Maschinenbau GmbH", await toast.InnerTextAsync());
        Assert.Equal("negotiation", (await Ok(await api.GetAsync($"/api/deals/{id}"))).GetProperty("stage").GetString());

        await toast.Locator("button.toast-action").ClickAsync();
        await ConfirmCancellingTasksIfAsked(page, page.Locator($".column[data-stage='proposal'] .card[data-id='{id}']"));
        await toast.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 20_000 });
        var deal = await Ok(await api.GetAsync($"/api/deals/{id}"));
        Assert.Equal("proposal", deal.GetProperty("stage").GetString());
        // Journalled like any move: there and back.
        var journal = await Ok(await api.GetAsync($"/api/deals/{id}/journal"));
        Assert.True(journal.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "StageChanged") >= 4, journal.ToString());
    }
}
